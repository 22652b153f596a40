// The bookkeeping of a task's attempts, kept out of the TaskAgent: closing the
// last attempt with its outcome, whether another may start, minting its MCP
// token, and the D1 row that mirrors the state for listings.
import { MCP_SERVERS } from "../../core/mcp-scopes";
import { taskMcpScope } from "../../core/task-mcp-scope";
import { isReadOnly, type TaskAttempt, type TaskState, type TaskStatus } from "../../core/task-types";
import { issueToken } from "../../workers/auth/mcp-tokens";
import type { TaskRowUpdate } from "../../workers/db/tasks";

type TaskChange = NonNullable<NonNullable<TaskState["result"]>["change"]>;

/** What the runner's `result` event reports for an attempt. */
export type AttemptResult = {
  summary: string;
  costUsd?: number;
  inputTokens?: number;
  outputTokens?: number;
  durationMs?: number;
  change?: TaskChange;
  /** The CLI session the attempt used, which the next turn resumes. */
  sessionId?: string;
};

/** The attempts with the last one ended now, with its outcome and usage. */
export function endLastAttempt(
  attempts: TaskAttempt[],
  status: TaskStatus,
  reason: string | undefined,
  result: AttemptResult | undefined,
  now = Date.now(),
): TaskAttempt[] {
  return attempts.map((a, i) =>
    i === attempts.length - 1
      ? {
          ...a,
          endedAt: now,
          outcome: status,
          reason,
          costUsd: result?.costUsd,
          inputTokens: result?.inputTokens,
          outputTokens: result?.outputTokens,
          durationMs: result?.durationMs ?? now - a.startedAt,
        }
      : a,
  );
}

/** The attempt's MCP token: every platform server, scoped to what the task is about, expiring after the attempt can. */
export function mintAttemptToken(
  db: D1Database,
  taskId: string,
  attempt: number,
  state: TaskState,
  timeoutMinutes: number,
  readOnly = isReadOnly(state),
) {
  return issueToken(db, {
    name: `task ${taskId} attempt ${attempt}`,
    servers: [...MCP_SERVERS],
    // A read-only attempt (no permitted person approved it, a fork's PR, a review) reads, never writes, through its token.
    access: readOnly ? "read" : "write",
    expiresAt: Date.now() + (timeoutMinutes + 5) * 60_000,
    taskId,
    // Only what the task is about: its repository, threads, tickets and errors (docs/mcp.md).
    scope: taskMcpScope(state.spec ?? { id: taskId, subject: {} }, state.joined),
  });
}

/** Why the task cannot be retried, or undefined: only an unsuccessful task within its budget can. */
export function retryRefusal(state: TaskState, budgetUsd: number): string | undefined {
  const status = state.status;
  if (!state.spec || (status !== "failed" && status !== "cancelled" && status !== "timed_out")) {
    return `a ${status ?? "missing"} task cannot be retried`;
  }
  if (state.costUsd >= budgetUsd) return `the task has spent $${state.costUsd.toFixed(2)} of its $${budgetUsd.toFixed(2)} budget`;
  return undefined;
}

/** The D1 listing row for the task's state. */
export function taskRowOf(state: TaskState, defaultCli: TaskRowUpdate["cli"]): TaskRowUpdate {
  const last = state.attempts.at(-1);
  return {
    status: state.status ?? "queued",
    cli: state.spec?.cli ?? defaultCli,
    attempt: state.attempts.length,
    reason: state.result?.reason ?? null,
    pullRequestUrl: state.result?.pullRequestUrl ?? null,
    costUsd: state.costUsd || null,
    inputTokens: last?.inputTokens ?? null,
    outputTokens: last?.outputTokens ?? null,
    durationMs: last?.endedAt ? last.endedAt - last.startedAt : null,
    startedAt: last?.startedAt ?? null,
    finishedAt: last?.endedAt ?? null,
  };
}
