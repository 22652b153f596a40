import type { FakeGitHubApp, FakeGitHubAppOptions } from "./fake-vendors/github-app.mjs";

export type FakeVendor = "github" | "github-web" | "slack" | "jira" | "sentry";

export interface RecordedCall {
  /** ISO time the request arrived. */
  at: string;
  /** Which fake served the path prefix; null for paths outside every prefix. */
  vendor: FakeVendor | null;
  method: string;
  /** Full path, prefix included, e.g. `/github/repos/acme/shop/issues/7/comments`. */
  path: string;
  query: Record<string, string>;
  /** Lower-case request headers without `authorization`. */
  headers: Record<string, string>;
  /** The authorization scheme sent (`Bearer`, `Basic`, `token`), never the credential; null when absent. */
  authorization: string | null;
  /** JSON or form body, parsed (a Slack `token` field is redacted); raw text otherwise. */
  body: unknown;
  /** The status the fake answered with. */
  status: number;
}

export interface FakeVendorState {
  github: {
    comments: { id: number; repository: string; issueNumber: number; body: string }[];
    pulls: { number: number; repository: string; state: string; title: string; headLabel: string; base: string }[];
    /** Reviews posted with POST /repos/{owner}/{repo}/pulls/{n}/reviews. */
    reviews: FakeReview[];
  };
  slack: { messages: { channel: string; ts: string; thread_ts?: string; text: string }[] };
  jira: { comments: { id: number; issueKey: string; version: string; body: unknown }[] };
  sentry: { comments: { id: number; issueId: string; text: string }[] };
  githubApp: ReturnType<FakeGitHubApp["state"]>;
}

export interface FakeReview {
  id: number;
  repository: string;
  pullNumber: number;
  event: string;
  body: string;
  comments: { path: string; line: number; side?: string; body: string }[];
}

/** A person's pull request for the fake GitHub (POST /_github/pulls takes the same JSON). */
export interface SeededPullRequest {
  repository: string;
  number?: number;
  title?: string;
  body?: string;
  headRef: string;
  /** Another repository than `repository`: a pull request from a fork. */
  headRepository?: string;
  base?: string;
  user?: string;
  files?: { filename: string; status?: string; patch?: string }[];
}

export interface FakeVendors {
  /** http://127.0.0.1:<port> */
  url: string;
  port: number;
  /** GITHUB_API_URL, SLACK_API_URL, JIRA_BASE_URL and SENTRY_API_URL pointing at this server. */
  env: { GITHUB_API_URL: string; SLACK_API_URL: string; JIRA_BASE_URL: string; SENTRY_API_URL: string; GITHUB_WEB_URL: string };
  /** The fake GitHub's App side. */
  githubApp(): FakeGitHubApp;
  /** Every vendor request so far, oldest first (a copy). */
  calls(): RecordedCall[];
  /** What the fakes hold now (a copy). */
  state(): FakeVendorState;
  /** Seeds a person's pull request; returns it as GET /repos/{owner}/{repo}/pulls/{n} answers. */
  seedPullRequest(input: SeededPullRequest): unknown;
  /** Forgets calls, state and queued faults. */
  reset(): void;
  stop(): Promise<void>;
}

export function startFakeVendors(options?: {
  port?: number;
  host?: string;
  log?: (line: string) => void;
  githubApp?: FakeGitHubAppOptions;
}): Promise<FakeVendors>;
