// What an ended attempt leaves outside the task: the pull request for its pushed branch (opened
// once per task and linked to it, so a comment there is a turn) or, in review mode, the review
// its final message asked for. Each step logs its failure; the attempt's outcome stands.
import type { TaskState, TaskStatus } from "../../core/task-types";
import type { Config } from "../../workers/config";
import type { AttemptResult } from "./attempts";
import { openTaskPullRequest } from "./pull-request";
import { linkOpenedPullRequest } from "./pull-request-link";
import { postTaskReview } from "./review";
import type { TaskLog } from "./thread-sync";
import { conversationOf } from "./turns";

export interface PublishInputs {
  state: TaskState;
  status: TaskStatus;
  result?: AttemptResult;
  /** The config GitHub calls use (the task's installation token in App mode). */
  github: () => Promise<Config>;
  db: D1Database;
  log: TaskLog;
}

export interface Published {
  pullRequestUrl?: string;
  /** The attempt's summary as the thread shows it (a review's, in review mode). */
  summary?: string;
}

export async function publishResult({ state, status, result, github, db, log }: PublishInputs): Promise<Published> {
  const spec = state.spec;
  if (!spec) return {};
  const known = conversationOf(state).pullRequestUrl;
  const succeeded = status === "succeeded" && result !== undefined;
  // A task's pull request is opened once; later turns push onto its branch.
  let pullRequestUrl = known;
  if (!known && succeeded && result.change) {
    const change = { branch: result.change.branch, summary: result.summary };
    pullRequestUrl = await openTaskPullRequest(spec, await github(), change, log, state.pullRequest);
    if (pullRequestUrl) await linkOpenedPullRequest(db, spec, pullRequestUrl, log);
  }
  // A review task's final message becomes one review of its pull request.
  const summary = succeeded && spec.mode === "review" ? await postTaskReview(spec, await github(), result.summary, log) : result?.summary;
  return { ...(pullRequestUrl ? { pullRequestUrl } : {}), ...(summary !== undefined ? { summary } : {}) };
}
