// The task's state as the progress shown in its vendor thread: a checklist of
// steps, and the outcome once there is one.
import type { Config } from "../../workers/config";
import type { StepState, ThreadProgress } from "../../workers/threads/types";
import type { TaskState, TaskStatus } from "../task-types";

const STEPS = ["Queued", "Preparing the workspace", "Running the agent", "Reporting the result"] as const;
/** Index of the step each status is at. */
const STEP_OF: Record<TaskStatus, number> = { queued: 0, preparing: 1, running: 2, succeeded: 4, failed: 3, cancelled: 3, timed_out: 3 };

export function dashboardUrl(config: Config, taskId: string): string {
  return `${config.DASHBOARD_URL.replace(/\/+$/, "")}/tasks/${encodeURIComponent(taskId)}`;
}

export function threadProgress(state: TaskState, config: Config): ThreadProgress {
  const status = state.status ?? "queued";
  const at = STEP_OF[status];
  const failed = status === "failed" || status === "cancelled" || status === "timed_out";
  const steps = STEPS.map((label, i): { label: string; state: StepState } => {
    if (i < at) return { label, state: "done" };
    if (i === at) return { label, state: failed ? "failed" : "active" };
    return { label, state: "pending" };
  });
  const attempt = state.attempts[state.attempts.length - 1];
  return {
    taskId: state.spec?.id ?? "",
    title: state.spec?.title ?? "",
    status,
    dashboardUrl: dashboardUrl(config, state.spec?.id ?? ""),
    steps,
    outcome: state.result
      ? {
          summary: state.result.summary,
          pullRequestUrl: state.result.pullRequestUrl,
          reason: state.result.reason,
          costUsd: state.costUsd || undefined,
          durationMs: attempt?.durationMs,
          inputTokens: attempt?.inputTokens,
          outputTokens: attempt?.outputTokens,
        }
      : undefined,
  };
}
