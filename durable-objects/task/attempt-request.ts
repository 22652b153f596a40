// Everything one attempt's run request is made of, gathered before it starts: the thread's
// context, the pull request's head, the attachments, the attempt's MCP token, and the turn it
// runs (its resumed session and branch). The TaskAgent stores the state parts and sends it.
import type { RunRequest } from "../../core/runner-protocol";
import { isReadOnly, type TaskState } from "../../core/task-types";
import type { Config } from "../../workers/config";
import { loadAttachments } from "./attachments";
import { prepareTurn } from "./conversation";
import { pullRequestRun } from "./pull-request-head";
import { buildRunRequest, type TaskMcpAccess } from "./run-request";
import { threadContext } from "./thread-context";
import type { TaskLog } from "./thread-sync";

export interface AttemptSources {
  state: TaskState;
  attempt: number;
  bucket: R2Bucket;
  /** The config GitHub calls use (the task's installation token in App mode). */
  github: () => Promise<Config & { commitAuthor?: RunRequest["commitAuthor"] }>;
  /** Mints the attempt's MCP token (and records it on the task). */
  mcpToken: (readOnly: boolean) => Promise<TaskMcpAccess>;
  log: TaskLog;
}

export async function attemptRequest(sources: AttemptSources): Promise<{ request: RunRequest; state: Partial<TaskState> }> {
  const { state, attempt, bucket, log } = sources;
  const spec = state.spec;
  if (!spec) throw new Error("the task has no spec");
  const context = await threadContext(bucket, spec.payloadRef, spec.vendor, spec.eventType).catch(() => undefined);
  const config = await sources.github();
  const pullRequest = await pullRequestRun(spec, config);
  const readOnly = isReadOnly(state);
  const attachments = await loadAttachments(bucket, spec);
  if (attachments.missing.length) log("warn", `attachments gone from storage: ${attachments.missing.join(", ")}`);
  // A fork's code or a review is read, never acted on: its MCP token only reads too.
  const mcp = await sources.mcpToken(readOnly || Boolean(pullRequest?.readOnly));
  const turn = await prepareTurn(state, attempt, bucket, log);
  const request = buildRunRequest(spec, attempt, config, {
    attachments: attachments.files,
    pullRequest,
    spentUsd: state.costUsd,
    context,
    mcp,
    joined: state.joined,
    readOnly,
    resume: turn.resume,
    pushedBranch: turn.pushedBranch,
    turnPrompt: turn.turnPrompt,
  });
  return { request, state: { conversation: turn.conversation, ...(pullRequest ? { pullRequest: pullRequest.head } : {}) } };
}
