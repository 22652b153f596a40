// Reading a pull request (its head, its changed files) and posting a review on it, with the
// platform's own token. The answers are validated with zod: a task decides where to push from them.
import { z } from "zod";
import { createGitHubClient, githubCall, splitRepository, type GitHubSettings } from "./github.client";

const pullSchema = z.object({
  number: z.number(),
  html_url: z.string(),
  state: z.string(),
  head: z.object({ ref: z.string(), sha: z.string(), repo: z.object({ full_name: z.string() }).nullish() }),
  base: z.object({ ref: z.string() }),
});

export interface PullRequestInfo {
  number: number;
  url: string;
  state: string;
  headRef: string;
  headSha: string;
  /** null when the fork it came from was deleted. */
  headRepository: string | null;
  baseRef: string;
}

export async function getPullRequest(config: GitHubSettings, repository: string, number: number): Promise<PullRequestInfo> {
  const { owner, repo } = splitRepository(repository);
  const octokit = createGitHubClient(config);
  const operation = `GET /repos/${owner}/${repo}/pulls/${number}`;
  const { data } = await githubCall(config, operation, () =>
    octokit.request("GET /repos/{owner}/{repo}/pulls/{pull_number}", { owner, repo, pull_number: number }),
  );
  const pr = pullSchema.parse(data);
  return {
    number: pr.number,
    url: pr.html_url,
    state: pr.state,
    headRef: pr.head.ref,
    headSha: pr.head.sha,
    headRepository: pr.head.repo?.full_name ?? null,
    baseRef: pr.base.ref,
  };
}

const fileSchema = z.object({
  filename: z.string(),
  status: z.string(),
  /** Absent for binary files and for diffs GitHub finds too large to show. */
  patch: z.string().optional(),
});
export type PullRequestFile = z.infer<typeof fileSchema>;

/** GitHub lists at most 3 000 files of a pull request, 100 a page. */
const MAX_FILE_PAGES = 30;

export async function listPullRequestFiles(config: GitHubSettings, repository: string, number: number): Promise<PullRequestFile[]> {
  const { owner, repo } = splitRepository(repository);
  const octokit = createGitHubClient(config);
  const files: PullRequestFile[] = [];
  for (let page = 1; page <= MAX_FILE_PAGES; page++) {
    const { data } = await githubCall(config, `GET /repos/${owner}/${repo}/pulls/${number}/files`, () =>
      octokit.request("GET /repos/{owner}/{repo}/pulls/{pull_number}/files", { owner, repo, pull_number: number, per_page: 100, page }),
    );
    const batch = z.array(fileSchema).parse(data);
    files.push(...batch);
    if (batch.length < 100) break;
  }
  return files;
}

export interface ReviewInput {
  body: string;
  comments: { path: string; line: number; side: "RIGHT"; body: string }[];
}

/** Posts one review that comments (never approves or requests changes): the agent's opinion, not a gate. */
export async function createReview(
  config: GitHubSettings,
  repository: string,
  number: number,
  review: ReviewInput,
): Promise<{ id: number; url: string }> {
  const { owner, repo } = splitRepository(repository);
  const octokit = createGitHubClient(config);
  const { data } = await githubCall(config, `POST /repos/${owner}/${repo}/pulls/${number}/reviews`, () =>
    octokit.request("POST /repos/{owner}/{repo}/pulls/{pull_number}/reviews", {
      owner,
      repo,
      pull_number: number,
      event: "COMMENT",
      body: review.body,
      comments: review.comments,
    }),
  );
  const posted = z.object({ id: z.number(), html_url: z.string() }).parse(data);
  return { id: posted.id, url: posted.html_url };
}
