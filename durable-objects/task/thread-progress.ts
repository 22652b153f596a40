// The task's state as the progress shown in its vendor thread: a checklist of
// steps, and the outcome once there is one.
import { dashboardUrl } from "../../core/dashboard-url";
import { isReadOnly, type TaskOrigin, type TaskState, type TaskStatus } from "../../core/task-types";
import type { CliName } from "../../core/names";
import type { Config } from "../../workers/config";
import { integrations } from "../../workers/integrations/registry";
import type { StepState, ThreadProgress, TurnLine } from "../../workers/threads/types";
import { pullRequestNotice } from "./pull-request-notice";

function originName(origin: TaskOrigin): string {
  return origin === "api" ? "API" : integrations[origin].displayName;
}

/** `Sentry BACKEND-4Z`, `Jira PAY-142`, `GitHub acme/api#12`, `Slack thread`. */
export function threadLabel(vendor: TaskOrigin, subjectText: string | undefined): string {
  if (vendor === "slack") return "Slack thread";
  return `${originName(vendor)} ${subjectText?.replace(/^sentry:/, "") ?? "thread"}`;
}

/** The task's threads other than `except` (the origin's delivery id, or a joined one's). */
function otherThreads(state: TaskState, except: string | undefined): { label: string; url?: string }[] {
  const spec = state.spec;
  if (!spec) return [];
  const all = [
    { id: spec.deliveryId, label: threadLabel(spec.vendor, spec.subjectText), url: spec.links[0] },
    ...(state.joined ?? []).map((j) => ({ id: j.deliveryId, label: threadLabel(j.vendor, j.subjectText), url: j.links[0] })),
  ];
  if (all.length < 2) return [];
  return all.filter((t) => t.id !== except).map(({ label, url }) => (url ? { label, url } : { label }));
}

/** Whether the task may push: read-only and how to approve it (in the thread it came from), or who approved it. */
function approvalNotice(state: TaskState, config: Config, threadOf: string | undefined): string | undefined {
  const spec = state.spec;
  if (state.approval) return `Approved by ${state.approval.by} (${state.approval.via}): it may change code and push.`;
  if (!spec || !isReadOnly(state)) return undefined;
  const origin = threadOf === spec.deliveryId;
  const label = origin && (spec.vendor === "github" || spec.vendor === "jira") ? ` or add the label "${config.APPROVAL_LABEL}"` : "";
  const where = origin ? "" : ` in the ${threadLabel(spec.vendor, spec.subjectText)} thread`;
  return `Read-only: no permitted person asked for this task, so it investigates and answers only. Reply \`${config.BOT_HANDLE} approve\`${where}${label} to let it push.`;
}

/** The conversation's turns as tracking messages list them. */
function turnLines(state: TaskState): TurnLine[] {
  return (state.conversation?.turns ?? []).map((t) => ({
    n: t.n,
    ...(t.by ? { by: t.by } : {}),
    via: t.via,
    // A message no permitted person wrote is named by its source, never quoted into the thread.
    message: t.untrusted ? `(a message from ${t.untrusted})` : t.message,
    state: t.outcome ?? (t.attempt === undefined ? "queued" : (state.status ?? "queued")),
    ...(t.session ? { session: t.session } : {}),
    ...(t.reason && t.outcome === "refused" ? { reason: t.reason } : {}),
  }));
}

const STEPS = ["Queued", "Preparing the workspace", "Running the agent", "Reporting the result"] as const;

const CLI_LABEL: Record<CliName, string> = { claude: "Claude Code", cursor: "Cursor CLI" };

/** `Running the agent (Cursor CLI, model gpt-5)`: the CLI and model the task runs, chosen or configured. */
function runningLabel(state: TaskState, config: Config): string {
  const cli = state.spec?.cli ?? config.DEFAULT_CLI;
  const model = state.spec?.model ?? config.DEFAULT_MODEL[cli];
  return `Running the agent (${CLI_LABEL[cli]}${model ? `, model ${model}` : ""})`;
}

/** Index of the step each status is at. */
const STEP_OF: Record<TaskStatus, number> = { queued: 0, preparing: 1, running: 2, succeeded: 4, failed: 3, cancelled: 3, timed_out: 3 };

/** The progress shown in one of the task's threads; `threadOf` is the delivery that thread came from (the origin's by default). */
export function threadProgress(state: TaskState, config: Config, threadOf = state.spec?.deliveryId): ThreadProgress {
  const status = state.status ?? "queued";
  const at = STEP_OF[status];
  const failed = status === "failed" || status === "cancelled" || status === "timed_out";
  const steps = STEPS.map((step, i): { label: string; state: StepState } => {
    const label = i === 2 ? runningLabel(state, config) : step;
    if (i < at) return { label, state: "done" };
    if (i === at) return { label, state: failed ? "failed" : "active" };
    return { label, state: "pending" };
  });
  const attempt = state.attempts[state.attempts.length - 1];
  const notice = approvalNotice(state, config, threadOf) ?? pullRequestNotice(state);
  return {
    taskId: state.spec?.id ?? "",
    title: state.spec?.title ?? "",
    status,
    dashboardUrl: dashboardUrl(config, state.spec?.id ?? ""),
    steps,
    ...(notice ? { notice } : {}),
    ...(state.joined?.length ? { alsoIn: otherThreads(state, threadOf) } : {}),
    ...((state.conversation?.turns.length ?? 0) > 1 ? { turns: turnLines(state) } : {}),
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
