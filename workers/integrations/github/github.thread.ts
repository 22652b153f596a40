// Reports a task's progress as one comment on the GitHub issue or pull request
// it came from, edited in place. The comment starts with the task's hidden
// marker, so parallel tasks on one issue each keep to their own comment.
import type { TaskSpec, ThreadRef } from "../../../core/task-types";
import { unusableRequest } from "../../threads/errors";
import { renderGitHubComment } from "./github.progress";
import type { ThreadProgress, ThreadReporter } from "../../threads/types";
import { createGitHubClient, githubCall, splitRepository, type GitHubSettings } from "./github.client";

/** Settings the reporter cannot work without (the API URL has a default). */
export const GITHUB_REPORTER_SETTINGS = ["GITHUB_TOKEN"] as const;

export class GitHubThreadReporter implements ThreadReporter {
  private readonly octokit;

  constructor(private readonly config: GitHubSettings) {
    this.octokit = createGitHubClient(config);
  }

  async post(spec: TaskSpec, progress: ThreadProgress): Promise<ThreadRef> {
    const { owner, repo } = splitRepository(spec.subject.repository);
    const issueNumber = spec.subject.issueNumber ?? spec.subject.pullRequestNumber;
    if (issueNumber === undefined) throw unusableRequest("github", `task ${spec.id} has no issue or pull request number`);
    const { data } = await githubCall(this.config, `POST /repos/${owner}/${repo}/issues/${issueNumber}/comments`, () =>
      this.octokit.request("POST /repos/{owner}/{repo}/issues/{issue_number}/comments", {
        owner,
        repo,
        issue_number: issueNumber,
        body: renderGitHubComment(progress),
      }),
    );
    return { id: String(data.id), url: data.html_url };
  }

  async update(spec: TaskSpec, ref: ThreadRef, progress: ThreadProgress): Promise<void> {
    const { owner, repo } = splitRepository(spec.subject.repository);
    if (!/^\d+$/.test(ref.id)) throw unusableRequest("github", `"${ref.id}" is not a comment id`);
    await githubCall(this.config, `PATCH /repos/${owner}/${repo}/issues/comments/${ref.id}`, () =>
      this.octokit.request("PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}", {
        owner,
        repo,
        comment_id: Number(ref.id),
        body: renderGitHubComment(progress),
      }),
    );
  }
}
