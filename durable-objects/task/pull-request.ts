// The pull request for a task's pushed branch. Opening it is idempotent (an open PR for the
// branch is found, not doubled), and a failure is logged: the task still succeeded.
import { errorMessage } from "../../core/error-message";
import type { PullRequestHead, TaskSpec } from "../../core/task-types";
import type { Config } from "../../workers/config";
import { openPullRequest } from "../../workers/integrations/github/github.client";
import { redact } from "../../workers/observability/log";
import { pushedInPlace } from "./pull-request-head";
import type { TaskLog } from "./thread-sync";

export async function openTaskPullRequest(
  spec: TaskSpec,
  config: Config,
  change: { branch: string; summary: string },
  log: TaskLog,
  head?: PullRequestHead | null,
): Promise<string | undefined> {
  // Commits pushed to a pull request's own head update it: there is nothing to open.
  const inPlace = pushedInPlace(head, change.branch);
  if (inPlace) {
    log("info", `pushed to ${change.branch}, the head branch of pull request #${inPlace.number}`);
    return inPlace.url;
  }
  if (!spec.subject.repository || !config.GITHUB_TOKEN) return undefined;
  // A task from a GitHub issue closes it when the PR merges.
  const closes = spec.vendor === "github" && spec.subject.issueNumber !== undefined ? `\n\nCloses #${spec.subject.issueNumber}` : "";
  try {
    const pr = await openPullRequest(config, {
      repository: spec.subject.repository,
      head: change.branch,
      title: spec.title,
      body: `${change.summary}${closes}\n\n— agent-bot task ${spec.id}`,
    });
    log("info", `pull request ${pr.created ? "opened" : "found"}: ${pr.url}`);
    return pr.url;
  } catch (error) {
    log("warn", `could not open the pull request: ${redact(errorMessage(error), config)}`);
    return undefined;
  }
}
