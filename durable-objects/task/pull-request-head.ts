// A task on a GitHub pull request iterates it in place: the attempt checks out the PR's head
// branch and its commits are pushed there (a fast-forward of what it checked out; the runner
// refuses anything else), so no new branch and no new pull request. A PR from a fork cannot
// take pushes: the attempt runs read-only and answers. The head comes from the webhook's
// payload, or (issue_comment payloads do not name it) from GitHub before the run.
import { errorMessage } from "../../core/error-message";
import type { PullRequestHead, TaskSpec } from "../../core/task-types";
import type { Config } from "../../workers/config";
import { getPullRequest } from "../../workers/integrations/github/github.pulls";
import { redact } from "../../workers/observability/log";
import { fence } from "./fence";
import type { PullRequestPrompt } from "./prompt-part";
import { reviewPrompt } from "./review";
import { branchFor } from "./branch";

/** What the pull request changes about an attempt. */
export interface PullRequestRun {
  head: PullRequestHead;
  /** What the runner fetches and checks out. */
  ref: string;
  /** The branch pushed to: the head branch itself when the attempt may push. */
  branch: string;
  /** A fork's head or a review: nothing is pushed. */
  readOnly: boolean;
  prompt: PullRequestPrompt;
}

/** The head as the task's event named it, else as GitHub says now. */
async function readHead(spec: TaskSpec, config: Config): Promise<PullRequestHead> {
  const pr = spec.pullRequest!;
  const repository = spec.subject.repository!;
  if (pr.headRef) {
    const headRepository = pr.headRepository ?? null;
    return { number: pr.number, url: pr.url, headRef: pr.headRef, headRepository, fork: headRepository !== repository };
  }
  try {
    const info = await getPullRequest(config, repository, pr.number);
    return {
      number: pr.number,
      url: info.url,
      headRef: info.headRef,
      headRepository: info.headRepository,
      fork: info.headRepository !== repository,
    };
  } catch (error) {
    throw new Error(
      `could not read pull request #${pr.number} of ${repository} to find its head branch: ${redact(errorMessage(error), config)}`,
    );
  }
}

/** How this attempt works on the task's pull request; undefined for a task on none. */
export async function pullRequestRun(spec: TaskSpec, config: Config): Promise<PullRequestRun | undefined> {
  if (spec.vendor !== "github" || !spec.pullRequest || !spec.subject.repository?.includes("/")) return undefined;
  const head = await readHead(spec, config);
  const review = spec.mode === "review";
  // GitHub keeps every pull request's head in the base repository too, a fork's included.
  const ref = head.fork ? `refs/pull/${head.number}/head` : head.headRef;
  const pushes = !head.fork && !review;
  const prompt = review ? await reviewPrompt(spec, config, head) : iteratePrompt(spec, head);
  return { head, ref, branch: pushes ? head.headRef : branchFor(spec.id), readOnly: !pushes, prompt };
}

function iteratePrompt(spec: TaskSpec, head: PullRequestHead): PullRequestPrompt {
  const where = `Pull request: #${head.number}${head.url ? ` ${head.url}` : ""}, head branch \`${head.headRef}\``;
  const lines = head.fork
    ? [
        `${where} in the fork ${head.headRepository ?? "(deleted)"}.`,
        "The pull request comes from a fork, so nothing you change is pushed. Answer the request, and suggest",
        "the changes you would make as diffs in your summary.",
      ]
    : [
        `${where}.`,
        "The checkout is the pull request's head branch: what you change is committed and pushed to it,",
        "updating this pull request. Do not create branches or pull requests.",
      ];
  const comment = spec.pullRequest?.comment;
  if (comment) {
    const place = [`file: ${comment.path}`, comment.line ? `line: ${comment.line}${comment.side ? ` (${comment.side})` : ""}` : undefined];
    lines.push(
      "The request is a review comment on this place in the pull request's diff:",
      fence(
        "the pull request's diff",
        [...place.filter(Boolean), ...(comment.diffHunk ? ["diff hunk:", comment.diffHunk] : [])].join("\n"),
      ),
    );
  }
  return {
    lines: [...lines, ""],
    fenced: Boolean(comment),
    ...(head.fork
      ? { finish: ["Work in the current directory, reading only. Finish with a short summary for the pull request's thread."] }
      : {}),
  };
}

/** A change pushed to the pull request's own head: the pull request is already open, this is its link. */
export function pushedInPlace(head: PullRequestHead | null | undefined, branch: string): PullRequestHead | undefined {
  return head && !head.fork && head.headRef === branch ? head : undefined;
}
