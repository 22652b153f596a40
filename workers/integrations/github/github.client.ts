// GitHub REST API access for agent-bot's own writes (thread comments, pull
// requests), through @octokit/core. Octokit calls the global fetch, so it runs
// unchanged in workerd; baseUrl makes GitHub Enterprise and local fakes work.
import { Octokit } from "@octokit/core";
import type { Config } from "../../config";
import { describeBody, httpError, networkError, parseRetryAfter, unusableRequest } from "../../threads/errors";
import { VendorApiError } from "../../threads/types";

/**
 * Where a GitHub App mode request gets its installation token (durable-objects/task/github-access.ts).
 * A refused token (401: expired, revoked) is replaced once through `refresh`; a second refusal fails.
 */
export interface GitHubTokenSource {
  token(): Promise<string>;
  refresh(refused: string): Promise<string>;
}

export type GitHubSettings = Pick<Config, "GITHUB_API_URL" | "GITHUB_TOKEN"> & { githubToken?: GitHubTokenSource };

/** The REST API version every request pins, so GitHub's answers do not drift under us. */
export const GITHUB_API_VERSION = "2022-11-28";

export function createGitHubClient(config: GitHubSettings): Octokit {
  const source = config.githubToken;
  if (!source && !config.GITHUB_TOKEN) throw unusableRequest("github", "GITHUB_TOKEN is not set");
  const octokit = new Octokit({
    auth: source ? undefined : config.GITHUB_TOKEN,
    baseUrl: config.GITHUB_API_URL.replace(/\/+$/, ""),
    userAgent: "agent-bot",
  });
  octokit.hook.before("request", (options) => {
    options.headers["x-github-api-version"] = GITHUB_API_VERSION;
  });
  if (source) octokit.hook.wrap("request", (request, options) => withInstallationToken(source, request, options));
  return octokit;
}

type Send = (options: { headers: Record<string, unknown> }) => Promise<unknown>;

/** Sends with the installation token; a 401 gets one fresh token and one more try. */
async function withInstallationToken<T>(
  source: GitHubTokenSource,
  request: (options: never) => T | Promise<T>,
  options: object,
): Promise<T> {
  const send = request as unknown as Send;
  // Hooks inside this one see the options they were registered with, so the header is set on those.
  const sent = options as { headers: Record<string, unknown> };
  const withToken = async (token: string) => {
    sent.headers.authorization = `token ${token}`;
    return (await send(sent)) as T;
  };
  const token = await source.token();
  try {
    return await withToken(token);
  } catch (error) {
    if (!isOctokitFailure(error) || error.status !== 401) throw error;
  }
  try {
    return await withToken(await source.refresh(token));
  } catch (error) {
    if (!isOctokitFailure(error) || error.status !== 401) throw error;
    throw new VendorApiError(
      "github",
      401,
      "github refused the GitHub App's installation token twice, a fresh one included: the installation was removed or lost access to the repository",
      false,
    );
  }
}

/** `owner/name` → its parts; anything else cannot name a repository. */
export function splitRepository(repository: string | undefined): { owner: string; repo: string } {
  const match = /^([\w.-]+)\/([\w.-]+)$/.exec(repository ?? "");
  if (!match) throw unusableRequest("github", `"${repository ?? ""}" is not an owner/name repository`);
  return { owner: match[1]!, repo: match[2]! };
}

interface OctokitFailure {
  status: number;
  message: string;
  response?: { status: number; headers: Record<string, string | number | undefined>; data: unknown };
}

function isOctokitFailure(error: unknown): error is OctokitFailure {
  return error instanceof Error && typeof (error as Partial<OctokitFailure>).status === "number";
}

/** GitHub's `message` plus the per-field `errors[].message` of a 422, e.g. "A pull request already exists for …". */
function githubDetail(data: unknown): string | undefined {
  return describeBody(data, (json) => {
    const errors = Array.isArray(json.errors)
      ? json.errors
          .map((e) => (typeof e === "string" ? e : ((e as { message?: string; code?: string })?.message ?? (e as { code?: string })?.code)))
          .filter(Boolean)
      : [];
    const message = typeof json.message === "string" ? json.message : undefined;
    return [message, ...errors].filter(Boolean).join(": ") || undefined;
  });
}

/**
 * Seconds until GitHub accepts requests again. Secondary limits send
 * `Retry-After`; an exhausted primary limit answers 403/429 with
 * `x-ratelimit-remaining: 0` and the reset time as epoch seconds.
 */
function githubRetryAfter(status: number, headers: Record<string, string | number | undefined>, now = Date.now()): number | undefined {
  if (status !== 403 && status !== 429) return undefined;
  const retryAfter = parseRetryAfter(headers["retry-after"] === undefined ? undefined : String(headers["retry-after"]), now);
  if (retryAfter !== undefined) return retryAfter;
  if (String(headers["x-ratelimit-remaining"]) === "0" && headers["x-ratelimit-reset"] !== undefined) {
    return Math.max(0, Math.ceil(Number(headers["x-ratelimit-reset"]) - now / 1000));
  }
  return undefined;
}

/** Any failure of an Octokit call, as a VendorApiError. */
export function githubError(error: unknown, operation: string, config: GitHubSettings): VendorApiError {
  if (error instanceof VendorApiError) return error;
  const secrets = [config.GITHUB_TOKEN];
  if (isOctokitFailure(error) && error.response) {
    const { status, headers, data } = error.response;
    return httpError({
      vendor: "github",
      operation,
      status,
      detail: githubDetail(data),
      retryAfterSeconds: githubRetryAfter(status, headers),
      secrets,
    });
  }
  return networkError("github", operation, error, secrets);
}

/** Runs one Octokit call and maps whatever it throws. */
export async function githubCall<T>(config: GitHubSettings, operation: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw githubError(error, operation, config);
  }
}

export interface OpenPullRequest {
  /** `owner/name` of the base repository. */
  repository: string;
  /** The branch with the changes: `branch`, or `owner:branch` for a fork. */
  head: string;
  /** The branch to merge into; the repository's default branch when omitted. */
  base?: string;
  title: string;
  body: string;
}

export interface PullRequestRef {
  number: number;
  url: string;
  /** False when a pull request for this head already existed and is returned instead. */
  created: boolean;
}

/**
 * Opens a pull request, or returns the open one for the same head and base.
 * A retried task therefore reaches the same pull request instead of failing
 * on GitHub's 422 "A pull request already exists".
 */
export async function openPullRequest(
  config: GitHubSettings,
  input: OpenPullRequest,
  octokit = createGitHubClient(config),
): Promise<PullRequestRef> {
  const { owner, repo } = splitRepository(input.repository);
  const base =
    input.base ??
    (await githubCall(config, `GET /repos/${owner}/${repo}`, () => octokit.request("GET /repos/{owner}/{repo}", { owner, repo }))).data
      .default_branch;

  const createOperation = `POST /repos/${owner}/${repo}/pulls`;
  try {
    const { data } = await octokit.request("POST /repos/{owner}/{repo}/pulls", {
      owner,
      repo,
      head: input.head,
      base,
      title: input.title,
      body: input.body,
    });
    return { number: data.number, url: data.html_url, created: true };
  } catch (error) {
    const mapped = githubError(error, createOperation, config);
    if (mapped.status !== 422 || !/pull request already exists/i.test(mapped.message)) throw mapped;
    const head = input.head.includes(":") ? input.head : `${owner}:${input.head}`;
    const { data: open } = await githubCall(config, `GET /repos/${owner}/${repo}/pulls`, () =>
      octokit.request("GET /repos/{owner}/{repo}/pulls", { owner, repo, head, base, state: "open", per_page: 1 }),
    );
    const existing = open[0];
    if (!existing) throw mapped;
    return { number: existing.number, url: existing.html_url, created: false };
  }
}
