// GitHub tools, through the same @octokit/core client (GITHUB_API_URL,
// GITHUB_TOKEN) and error mapping (githubCall → VendorApiError) agent-bot's own
// thread reports use. Answers are trimmed to the fields an agent reads.
import type { McpServer } from "@modelcontextprotocol/server";
import { z } from "zod";
import type { McpResourceScope } from "../../core/mcp-scopes";
import { githubAppOf, withStoredGitHubApp } from "../../workers/integrations/github/app/github-app";
import { repositorySettings } from "../../workers/integrations/github/app/repository-access";
import { createGitHubClient, githubCall } from "../../workers/integrations/github/github.client";
import { registerTools, tool, ToolError, type ToolContext } from "./define";
import { pathSegment, relativePath } from "./path-args";
import { githubIssue, githubRepo, githubSearch } from "./scope";

const owner = pathSegment.describe("Repository owner (user or organization)");
const repo = pathSegment.describe("Repository name");
const issueNumber = z.number().int().positive().describe("Issue or pull request number");
const perPage = z.number().int().min(1).max(100).default(30).describe("Results per page (1-100)");
const pageNumber = z.number().int().min(1).default(1).describe("Page number, from 1");

// biome-ignore lint/suspicious/noExplicitAny: vendor API JSON, narrowed field by field into the tool result
type Json = Record<string, any>;

function user(u: Json | null | undefined) {
  return u ? u.login : null;
}

function issueSummary(i: Json) {
  return {
    number: i.number,
    title: i.title,
    state: i.state,
    user: user(i.user),
    labels: (i.labels ?? []).map((l: Json | string) => (typeof l === "string" ? l : l.name)),
    assignees: (i.assignees ?? []).map(user),
    comments: i.comments,
    isPullRequest: Boolean(i.pull_request),
    url: i.html_url,
    createdAt: i.created_at,
    updatedAt: i.updated_at,
  };
}

/** Encodes each segment of a repository path (relativePath has refused traversal), keeping the slashes GitHub expects. */
function encodePath(path: string): string {
  return path.split("/").map(encodeURIComponent).join("/");
}

const inRepo = (a: { owner: string; repo: string }, scope: McpResourceScope) => githubRepo(scope, a.owner, a.repo);
const onIssue = (a: { owner: string; repo: string; issue_number: number }, scope: McpResourceScope) =>
  githubIssue(scope, a.owner, a.repo, a.issue_number);

/** A client for calls about one repository: in GitHub App mode, with an installation token for it alone. */
async function client(ctx: ToolContext, a: { owner: string; repo: string }) {
  return createGitHubClient(await repositorySettings(ctx.env, ctx.config, `${a.owner}/${a.repo}`));
}

/** A search's client: in GitHub App mode the query must name a repository (`repo:owner/name`) to get a token for. */
async function searchClient(ctx: ToolContext, query: string) {
  const match = /(?:^|\s)repo:([\w.-]+)\/([\w.-]+)/.exec(query);
  if (match) return client(ctx, { owner: match[1]!, repo: match[2]! });
  if (githubAppOf(await withStoredGitHubApp(ctx.env, ctx.config))) {
    throw new ToolError("in GitHub App mode a search needs repo:owner/name in its query (installation tokens reach named repositories)", {
      retryable: false,
    });
  }
  return createGitHubClient(ctx.config);
}

export const githubTools = [
  tool({
    name: "get_issue",
    title: "Get issue",
    description: "Read a GitHub issue (or pull request) with its body, labels and assignees.",
    input: z.object({ owner, repo, issue_number: issueNumber }),
    reaches: inRepo,
    run: async (a, ctx) => {
      const op = `GET /repos/${a.owner}/${a.repo}/issues/${a.issue_number}`;
      const { data } = await githubCall(ctx.config, op, async () =>
        (await client(ctx, a)).request("GET /repos/{owner}/{repo}/issues/{issue_number}", a),
      );
      return { ...issueSummary(data), body: data.body ?? "" };
    },
  }),
  tool({
    name: "search_issues",
    title: "Search issues",
    description: "Search issues and pull requests with GitHub's search syntax, e.g. `repo:acme/shop is:open label:bug`.",
    input: z.object({ query: z.string().min(1).describe("GitHub search query"), per_page: perPage, page: pageNumber }),
    reaches: (a, scope) => {
      const limited = githubSearch(scope, a.query);
      return "refusal" in limited ? limited.refusal : undefined;
    },
    run: async (a, ctx) => {
      // A scoped token searches its own repositories only; `reaches` has refused any other.
      const limited = ctx.principal.scope ? githubSearch(ctx.principal.scope, a.query) : { query: a.query };
      if ("refusal" in limited) throw new ToolError(limited.refusal, { outOfScope: true, retryable: false });
      const { data } = await githubCall(ctx.config, "GET /search/issues", async () =>
        (await searchClient(ctx, limited.query)).request("GET /search/issues", { q: limited.query, per_page: a.per_page, page: a.page }),
      );
      return { totalCount: data.total_count, items: data.items.map(issueSummary) };
    },
  }),
  tool({
    name: "get_pull_request",
    title: "Get pull request",
    description: "Read a pull request: title, body, state, branches, merge state and change counts.",
    input: z.object({ owner, repo, pull_number: issueNumber }),
    reaches: inRepo,
    run: async (a, ctx) => {
      const op = `GET /repos/${a.owner}/${a.repo}/pulls/${a.pull_number}`;
      const { data } = await githubCall(ctx.config, op, async () =>
        (await client(ctx, a)).request("GET /repos/{owner}/{repo}/pulls/{pull_number}", a),
      );
      return {
        number: data.number,
        title: data.title,
        state: data.state,
        draft: data.draft,
        merged: data.merged,
        mergeable: data.mergeable,
        user: user(data.user),
        head: data.head?.label ?? data.head?.ref,
        base: data.base?.ref,
        body: data.body ?? "",
        commits: data.commits,
        additions: data.additions,
        deletions: data.deletions,
        changedFiles: data.changed_files,
        url: data.html_url,
      };
    },
  }),
  tool({
    name: "get_pull_request_diff",
    title: "Get pull request diff",
    description: "The unified diff of a pull request.",
    input: z.object({ owner, repo, pull_number: issueNumber }),
    reaches: inRepo,
    run: async (a, ctx) => {
      const op = `GET /repos/${a.owner}/${a.repo}/pulls/${a.pull_number} (diff)`;
      const { data } = await githubCall(ctx.config, op, async () =>
        (await client(ctx, a)).request("GET /repos/{owner}/{repo}/pulls/{pull_number}", { ...a, mediaType: { format: "diff" } }),
      );
      return String(data);
    },
  }),
  tool({
    name: "get_file_contents",
    title: "Get file contents",
    description: "Read a file (as text) or list a directory in a repository, at a branch, tag or commit.",
    input: z.object({
      owner,
      repo,
      path: relativePath.describe("Path in the repository, relative (no leading /, no ..); empty for the root"),
      ref: z.string().optional().describe("Branch, tag or commit SHA; the default branch when omitted"),
    }),
    reaches: inRepo,
    run: async (a, ctx) => {
      const url = `/repos/${a.owner}/${a.repo}/contents/${encodePath(a.path)}`;
      const { data } = await githubCall(ctx.config, `GET ${url}`, async () =>
        (await client(ctx, a)).request(`GET ${url}`, a.ref ? { ref: a.ref } : {}),
      );
      if (Array.isArray(data))
        return { type: "dir", path: a.path, entries: data.map((e: Json) => ({ name: e.name, path: e.path, type: e.type, size: e.size })) };
      if (data.type !== "file") return { type: data.type, path: data.path, target: data.target ?? null };
      if (data.encoding !== "base64" || typeof data.content !== "string") {
        throw new ToolError(`${a.path} is too large to return inline (${data.size} bytes)`, { size: data.size });
      }
      const bytes = Uint8Array.from(atob(data.content.replace(/\s/g, "")), (c) => c.charCodeAt(0));
      return { type: "file", path: data.path, sha: data.sha, size: data.size, content: new TextDecoder().decode(bytes) };
    },
  }),
  tool({
    name: "list_commits",
    title: "List commits",
    description: "Commits of a branch (or those touching a path), newest first.",
    input: z.object({
      owner,
      repo,
      sha: z.string().optional().describe("Branch or commit SHA to start from"),
      path: relativePath.optional().describe("Only commits touching this path"),
      per_page: perPage,
      page: pageNumber,
    }),
    reaches: inRepo,
    run: async (a, ctx) => {
      const op = `GET /repos/${a.owner}/${a.repo}/commits`;
      const { data } = await githubCall(ctx.config, op, async () => (await client(ctx, a)).request("GET /repos/{owner}/{repo}/commits", a));
      return data.map((c: Json) => ({
        sha: c.sha,
        message: c.commit?.message,
        author: c.author?.login ?? c.commit?.author?.name ?? null,
        date: c.commit?.author?.date ?? null,
        url: c.html_url,
      }));
    },
  }),
  tool({
    name: "create_issue_comment",
    title: "Comment on an issue or pull request",
    description: "Post a comment on an issue or pull request.",
    write: true,
    input: z.object({ owner, repo, issue_number: issueNumber, body: z.string().min(1).max(65_536).describe("Comment text (Markdown)") }),
    reaches: onIssue,
    run: async (a, ctx) => {
      const op = `POST /repos/${a.owner}/${a.repo}/issues/${a.issue_number}/comments`;
      const { data } = await githubCall(ctx.config, op, async () =>
        (await client(ctx, a)).request("POST /repos/{owner}/{repo}/issues/{issue_number}/comments", a),
      );
      return { id: data.id, url: data.html_url };
    },
  }),
  tool({
    name: "create_pull_request",
    title: "Open a pull request",
    description: "Open a pull request from `head` into `base`.",
    write: true,
    input: z.object({
      owner,
      repo,
      title: z.string().min(1).max(256),
      head: z.string().min(1).describe("Branch with the changes (`owner:branch` for a fork)"),
      base: z.string().min(1).describe("Branch to merge into"),
      body: z.string().max(65_536).optional(),
      draft: z.boolean().optional(),
    }),
    reaches: inRepo,
    run: async (a, ctx) => {
      const op = `POST /repos/${a.owner}/${a.repo}/pulls`;
      const { data } = await githubCall(ctx.config, op, async () => (await client(ctx, a)).request("POST /repos/{owner}/{repo}/pulls", a));
      return { number: data.number, url: data.html_url };
    },
  }),
  tool({
    name: "add_labels",
    title: "Add labels",
    description: "Add labels to an issue or pull request (existing labels are kept).",
    write: true,
    input: z.object({ owner, repo, issue_number: issueNumber, labels: z.array(z.string().min(1)).min(1).max(100) }),
    reaches: onIssue,
    run: async (a, ctx) => {
      const op = `POST /repos/${a.owner}/${a.repo}/issues/${a.issue_number}/labels`;
      const { data } = await githubCall(ctx.config, op, async () =>
        (await client(ctx, a)).request("POST /repos/{owner}/{repo}/issues/{issue_number}/labels", a),
      );
      return { labels: data.map((l: Json) => l.name) };
    },
  }),
];

export function registerGitHubTools(server: McpServer, ctx: ToolContext): void {
  registerTools(server, ctx, githubTools);
}
