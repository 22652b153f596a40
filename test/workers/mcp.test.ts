// The MCP servers end to end inside workerd: the official SDK client over
// streamable HTTP against the Worker entry, tokens issued through the API, and
// a fake GitHub that records every request and fails on any it does not expect.
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { env, exports } from "cloudflare:workers";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { classifyBody } from "../../mcp/request-kind";
import { installFakeRunner } from "./fake-runner";
import { api } from "./support";

const BASE = "http://agent-bot.test";

interface Issued {
  id: string;
  token: string;
}

async function issueToken(body: Record<string, unknown>): Promise<Issued> {
  const res = await api("/api/mcp-tokens", {
    method: "POST",
    headers: { "content-type": "application/json" },
    // Tests that make many calls get their own generous limit; the limit test uses the default.
    body: JSON.stringify({ name: "test", servers: ["github"], access: "read", rateLimitPerSecond: 1000, ...body }),
  });
  expect(res.status).toBe(201);
  return (await res.json()) as Issued;
}

async function connect(server: string, token: string, sent: string[] = [], statuses: number[] = []): Promise<Client> {
  const transport = new StreamableHTTPClientTransport(new URL(`${BASE}/mcp/${server}`), {
    requestInit: { headers: { authorization: `Bearer ${token}` } },
    fetch: async (url, init) => {
      sent.push(`${init?.method ?? "GET"} ${String(url)}`);
      const res = await exports.default.fetch(url, init);
      statuses.push(res.status);
      return res;
    },
  });
  const client = new Client({ name: "agent-bot-test", version: "1.0.0" });
  await client.connect(transport);
  return client;
}

function text(result: unknown): string {
  const content = (result as { content: { type: string; text: string }[] }).content;
  return content.map((c) => c.text).join("");
}

function json<T = any>(result: unknown): T {
  return JSON.parse(text(result)) as T;
}

interface Recorded {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  body: unknown;
}

type Answer = { status?: number; body?: unknown; headers?: Record<string, string> };

/** GitHub at GITHUB_API_URL: answers only the routes a test declares; anything else is recorded as unexpected and fails. */
class FakeGitHub {
  readonly calls: Recorded[] = [];
  readonly unexpected: string[] = [];
  private readonly routes = new Map<string, Answer>();

  on(method: string, path: string, answer: Answer): this {
    this.routes.set(`${method} ${path}`, answer);
    return this;
  }

  async handle(request: Request): Promise<Response> {
    const url = new URL(request.url);
    const raw = request.method === "GET" ? "" : await request.text();
    this.calls.push({
      method: request.method,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: Object.fromEntries(request.headers),
      body: raw ? JSON.parse(raw) : undefined,
    });
    const answer = this.routes.get(`${request.method} ${url.pathname}`);
    if (!answer) {
      this.unexpected.push(`${request.method} ${url.pathname}${url.search}`);
      throw new TypeError(`unexpected request to the fake GitHub: ${request.method} ${url.pathname}`);
    }
    const body = typeof answer.body === "string" ? answer.body : JSON.stringify(answer.body ?? {});
    return new Response(body, {
      status: answer.status ?? 200,
      headers: { "content-type": typeof answer.body === "string" ? "text/plain" : "application/json", ...answer.headers },
    });
  }
}

let github: FakeGitHub;

beforeEach(() => {
  github = new FakeGitHub();
  // GITHUB_API_URL is http://github.test in vitest.config.ts.
  installFakeRunner({ "github.test": (request) => github.handle(request) });
});

afterEach(() => {
  expect(github.unexpected).toEqual([]);
  vi.restoreAllMocks();
});

const GITHUB_TOOLS = [
  "add_labels",
  "create_issue_comment",
  "create_pull_request",
  "get_file_contents",
  "get_issue",
  "get_pull_request",
  "get_pull_request_diff",
  "list_commits",
  "search_issues",
];

describe("MCP: initialize and list tools", () => {
  it("serves the GitHub server over streamable HTTP with zod-derived schemas", async () => {
    const { token } = await issueToken({});
    const client = await connect("github", token);
    expect(client.getServerVersion()).toMatchObject({ name: "agent-bot-github" });
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual(GITHUB_TOOLS);

    const getIssue = tools.find((t) => t.name === "get_issue")!;
    expect(getIssue.inputSchema).toMatchObject({
      type: "object",
      properties: { owner: { type: "string" }, repo: { type: "string" }, issue_number: { type: "integer" } },
    });
    expect(getIssue.inputSchema.required).toEqual(expect.arrayContaining(["owner", "repo", "issue_number"]));
    expect(getIssue.annotations).toMatchObject({ readOnlyHint: true });

    const comment = tools.find((t) => t.name === "create_issue_comment")!;
    expect(comment.description).toContain('"github:write"');
    expect(comment.annotations).toMatchObject({ readOnlyHint: false });
    expect(comment.inputSchema.required).toEqual(expect.arrayContaining(["owner", "repo", "issue_number", "body"]));
    await client.close();
  });

  it("serves the agent-bot server", async () => {
    const { token } = await issueToken({ servers: ["agent-bot"] });
    const client = await connect("agent-bot", token);
    const { tools } = await client.listTools();
    // The task tools, and the knowledge-graph tools (mcp/tools/graph.tools.ts, tested in mcp-graph.test.ts).
    expect(tools.map((t) => t.name).sort()).toEqual([
      "cancel_task",
      "create_task",
      "find_path",
      "get_entity",
      "get_neighbors",
      "get_task",
      "get_task_logs",
      "get_timeline",
      "list_tasks",
      "search_entities",
    ]);
    const create = tools.find((t) => t.name === "create_task")!;
    expect(create.inputSchema.required).toEqual(expect.arrayContaining(["repository", "prompt"]));
    await client.close();
  });

  it("rejects arguments that do not match the schema, without calling GitHub", async () => {
    const { token } = await issueToken({});
    const client = await connect("github", token);
    const result = await client.callTool({ name: "get_issue", arguments: { owner: "acme", repo: "shop", issue_number: "seven" } });
    expect(result.isError).toBe(true);
    expect(github.calls).toEqual([]);
    await client.close();
  });
});

describe("MCP: GitHub read tools", () => {
  it("get_issue, search_issues, get_pull_request, get_pull_request_diff, get_file_contents, list_commits", async () => {
    github
      .on("GET", "/repos/acme/shop/issues/7", {
        body: {
          number: 7,
          title: "Checkout fails",
          state: "open",
          body: "Steps…",
          user: { login: "octocat" },
          labels: [{ name: "bug" }],
          assignees: [],
          comments: 2,
          html_url: "https://github.com/acme/shop/issues/7",
        },
      })
      .on("GET", "/search/issues", {
        body: { total_count: 1, items: [{ number: 7, title: "Checkout fails", state: "open", user: { login: "octocat" }, labels: [] }] },
      })
      .on("GET", "/repos/acme/shop/pulls/9", {
        body: {
          number: 9,
          title: "Fix checkout",
          state: "open",
          draft: false,
          merged: false,
          user: { login: "agent-bot" },
          head: { label: "acme:fix" },
          base: { ref: "main" },
          body: "Fixes #7",
          additions: 3,
          deletions: 1,
          changed_files: 1,
        },
      })
      .on("GET", "/repos/acme/shop/contents/src/app.ts", {
        body: { type: "file", path: "src/app.ts", sha: "abc", size: 13, encoding: "base64", content: btoa("export {};\n//") },
      })
      .on("GET", "/repos/acme/shop/commits", {
        body: [
          { sha: "c1", commit: { message: "init", author: { name: "Mona", date: "2026-01-01T00:00:00Z" } }, author: { login: "mona" } },
        ],
      });

    const { token } = await issueToken({});
    const client = await connect("github", token);

    expect(json(await client.callTool({ name: "get_issue", arguments: { owner: "acme", repo: "shop", issue_number: 7 } }))).toMatchObject({
      number: 7,
      title: "Checkout fails",
      user: "octocat",
      labels: ["bug"],
      body: "Steps…",
    });
    expect(
      json(await client.callTool({ name: "search_issues", arguments: { query: "repo:acme/shop is:open", per_page: 5 } })),
    ).toMatchObject({
      totalCount: 1,
      items: [{ number: 7 }],
    });
    expect(
      json(await client.callTool({ name: "get_pull_request", arguments: { owner: "acme", repo: "shop", pull_number: 9 } })),
    ).toMatchObject({
      number: 9,
      head: "acme:fix",
      base: "main",
      changedFiles: 1,
    });

    github.on("GET", "/repos/acme/shop/pulls/9", { body: "diff --git a/x b/x\n+fix\n" });
    expect(text(await client.callTool({ name: "get_pull_request_diff", arguments: { owner: "acme", repo: "shop", pull_number: 9 } }))).toBe(
      "diff --git a/x b/x\n+fix\n",
    );
    expect(
      json(
        await client.callTool({ name: "get_file_contents", arguments: { owner: "acme", repo: "shop", path: "src/app.ts", ref: "main" } }),
      ),
    ).toMatchObject({
      type: "file",
      content: "export {};\n//",
    });
    expect(json(await client.callTool({ name: "list_commits", arguments: { owner: "acme", repo: "shop", sha: "main" } }))).toEqual([
      { sha: "c1", message: "init", author: "mona", date: "2026-01-01T00:00:00Z" },
    ]);

    expect(github.calls.map((c) => `${c.method} ${c.path}`)).toEqual([
      "GET /repos/acme/shop/issues/7",
      "GET /search/issues",
      "GET /repos/acme/shop/pulls/9",
      "GET /repos/acme/shop/pulls/9",
      "GET /repos/acme/shop/contents/src/app.ts",
      "GET /repos/acme/shop/commits",
    ]);
    expect(github.calls[1]!.query).toEqual({ q: "repo:acme/shop is:open", per_page: "5", page: "1" });
    expect(github.calls[3]!.headers.accept).toBe("application/vnd.github.v3.diff");
    expect(github.calls[4]!.query).toEqual({ ref: "main" });
    expect(github.calls[5]!.query).toEqual({ sha: "main", per_page: "30", page: "1" });
    for (const call of github.calls) {
      expect(call.headers.authorization).toBe(`token ${env.GITHUB_TOKEN}`);
      expect(call.headers["x-github-api-version"]).toBe("2022-11-28");
    }
    await client.close();
  });
});

describe("MCP: GitHub write tools send exactly one request each", () => {
  it("create_issue_comment", async () => {
    github.on("POST", "/repos/acme/shop/issues/7/comments", {
      status: 201,
      body: { id: 42, html_url: "https://github.com/acme/shop/issues/7#issuecomment-42" },
    });
    const { token } = await issueToken({ access: "write" });
    const client = await connect("github", token);
    const result = await client.callTool({
      name: "create_issue_comment",
      arguments: { owner: "acme", repo: "shop", issue_number: 7, body: "On it." },
    });
    expect(result.isError).toBeFalsy();
    expect(json(result)).toEqual({ id: 42, url: "https://github.com/acme/shop/issues/7#issuecomment-42" });
    expect(github.calls).toHaveLength(1);
    expect(github.calls[0]).toMatchObject({
      method: "POST",
      path: "/repos/acme/shop/issues/7/comments",
      query: {},
      body: { body: "On it." },
    });
    expect(github.calls[0]!.headers["content-type"]).toContain("application/json");
    await client.close();
  });

  it("create_pull_request", async () => {
    github.on("POST", "/repos/acme/shop/pulls", { status: 201, body: { number: 12, html_url: "https://github.com/acme/shop/pull/12" } });
    const { token } = await issueToken({ access: "write" });
    const client = await connect("github", token);
    const result = await client.callTool({
      name: "create_pull_request",
      arguments: { owner: "acme", repo: "shop", title: "Fix checkout", head: "fix-checkout", base: "main", body: "Fixes #7", draft: true },
    });
    expect(json(result)).toEqual({ number: 12, url: "https://github.com/acme/shop/pull/12" });
    expect(github.calls).toHaveLength(1);
    expect(github.calls[0]).toMatchObject({
      method: "POST",
      path: "/repos/acme/shop/pulls",
      body: { title: "Fix checkout", head: "fix-checkout", base: "main", body: "Fixes #7", draft: true },
    });
    expect(Object.keys(github.calls[0]!.body as object).sort()).toEqual(["base", "body", "draft", "head", "title"]);
    await client.close();
  });

  it("add_labels", async () => {
    github.on("POST", "/repos/acme/shop/issues/7/labels", { body: [{ name: "bug" }, { name: "agent-bot" }] });
    const { token } = await issueToken({ access: "write" });
    const client = await connect("github", token);
    const result = await client.callTool({
      name: "add_labels",
      arguments: { owner: "acme", repo: "shop", issue_number: 7, labels: ["agent-bot"] },
    });
    expect(json(result)).toEqual({ labels: ["bug", "agent-bot"] });
    expect(github.calls).toEqual([
      expect.objectContaining({ method: "POST", path: "/repos/acme/shop/issues/7/labels", body: { labels: ["agent-bot"] } }),
    ]);
    await client.close();
  });

  it("a write tool without the write scope is a tool error naming the scope, and nothing is sent", async () => {
    const { token } = await issueToken({ access: "read" });
    const client = await connect("github", token);
    const result = await client.callTool({
      name: "create_issue_comment",
      arguments: { owner: "acme", repo: "shop", issue_number: 7, body: "hi" },
    });
    expect(result.isError).toBe(true);
    expect(text(result)).toContain('"github:write"');
    expect(result.structuredContent).toMatchObject({ error: { requiredScope: "github:write" } });
    expect(github.calls).toEqual([]);
    await client.close();
  });
});

describe("MCP: upstream errors become tool errors", () => {
  it("GitHub 500 → a retryable tool error, and the server keeps serving", async () => {
    github.on("GET", "/repos/acme/shop/issues/7", { status: 500, body: { message: "Server Error" } });
    const { token } = await issueToken({});
    const client = await connect("github", token);
    const result = await client.callTool({ name: "get_issue", arguments: { owner: "acme", repo: "shop", issue_number: 7 } });
    expect(result.isError).toBe(true);
    expect(text(result)).toContain("failed with 500: Server Error");
    expect(result.structuredContent).toMatchObject({ error: { vendor: "github", status: 500, retryable: true } });
    expect((await client.listTools()).tools).toHaveLength(GITHUB_TOOLS.length);
    await client.close();
  });

  it("GitHub 404 → a final tool error with GitHub's message", async () => {
    github.on("GET", "/repos/acme/shop/issues/999", { status: 404, body: { message: "Not Found" } });
    const { token } = await issueToken({});
    const client = await connect("github", token);
    const result = await client.callTool({ name: "get_issue", arguments: { owner: "acme", repo: "shop", issue_number: 999 } });
    expect(result.isError).toBe(true);
    expect(text(result)).toContain("failed with 404: Not Found");
    expect(result.structuredContent).toMatchObject({ error: { status: 404, retryable: false } });
    await client.close();
  });

  it("GitHub's rate limit → a retryable tool error carrying the wait", async () => {
    github.on("POST", "/repos/acme/shop/issues/7/labels", {
      status: 403,
      body: { message: "You have exceeded a secondary rate limit" },
      headers: { "retry-after": "30" },
    });
    const { token } = await issueToken({ access: "write" });
    const client = await connect("github", token);
    const result = await client.callTool({
      name: "add_labels",
      arguments: { owner: "acme", repo: "shop", issue_number: 7, labels: ["x"] },
    });
    expect(result.isError).toBe(true);
    expect(result.structuredContent).toMatchObject({ error: { status: 403, retryable: true, retryAfterSeconds: 30 } });
    await client.close();
  });
});

function rawPost(server: string, token: string | undefined, body: unknown = { jsonrpc: "2.0", id: 1, method: "tools/list" }) {
  return exports.default.fetch(`${BASE}/mcp/${server}`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      accept: "application/json, text/event-stream",
      ...(token && { authorization: `Bearer ${token}` }),
    },
    body: JSON.stringify(body),
  });
}

describe("MCP: auth", () => {
  it("no token → 401 with a Bearer challenge", async () => {
    const res = await rawPost("github", undefined);
    expect(res.status).toBe(401);
    expect(res.headers.get("www-authenticate")).toBe('Bearer realm="agent-bot-mcp"');
    expect(await res.json()).toMatchObject({ error: { code: "unauthorized" } });
  });

  it("an unknown token → 401 invalid_token (also through the SDK client)", async () => {
    const res = await rawPost("github", "mcp_not-a-real-token");
    expect(res.status).toBe(401);
    expect(res.headers.get("www-authenticate")).toContain('error="invalid_token"');
    await expect(connect("github", "mcp_not-a-real-token")).rejects.toThrow();
  });

  it("an expired token → 401", async () => {
    const { id, token } = await issueToken({});
    await env.DB.prepare("UPDATE mcp_tokens SET expires_at = ? WHERE id = ?")
      .bind(Date.now() - 1, id)
      .run();
    const res = await rawPost("github", token);
    expect(res.status).toBe(401);
    expect(res.headers.get("www-authenticate")).toContain("expired");
  });

  it("a revoked token → 401, from the next request on", async () => {
    const { id, token } = await issueToken({});
    expect((await rawPost("github", token)).status).toBe(200);
    expect((await api(`/api/mcp-tokens/${id}`, { method: "DELETE" })).status).toBe(200);
    const res = await rawPost("github", token);
    expect(res.status).toBe(401);
    expect(res.headers.get("www-authenticate")).toContain("revoked");
  });

  it("a server outside the token's scopes → 403 insufficient_scope", async () => {
    const { token } = await issueToken({ servers: ["agent-bot"] });
    const res = await rawPost("github", token);
    expect(res.status).toBe(403);
    expect(res.headers.get("www-authenticate")).toContain('error="insufficient_scope", scope="github:read"');
  });

  it("an unknown server → 404", async () => {
    const { token } = await issueToken({});
    expect((await rawPost("gitlab", token)).status).toBe(404);
  });
});

/** The JSON-RPC message of a raw answer, whether the host answered with JSON or one SSE event. */
async function rpcMessage(res: Response): Promise<any> {
  const body = await res.text();
  if (!res.headers.get("content-type")?.includes("text/event-stream")) return JSON.parse(body);
  const data = body.split("\n").filter((line) => line.startsWith("data:"));
  return JSON.parse(data.at(-1)!.slice("data:".length));
}

const ALL_SERVERS = ["agent-bot", "github", "jira", "slack", "sentry"];
const ISSUE_7 = {
  number: 7,
  title: "Checkout fails",
  state: "open",
  body: "Steps…",
  user: { login: "octocat" },
  labels: [],
  assignees: [],
  comments: 0,
};
const getIssue = (id: number) => ({
  jsonrpc: "2.0",
  id,
  method: "tools/call",
  params: { name: "get_issue", arguments: { owner: "acme", repo: "shop", issue_number: 7 } },
});
const initialize = (id: number) => ({
  jsonrpc: "2.0",
  id,
  method: "initialize",
  params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "agent-bot-test", version: "1.0.0" } },
});

describe("MCP: rate limit", () => {
  it("classifies requests: tools/call, resources/read and prompts/get are calls (one per batch entry); the rest is session traffic", () => {
    expect(classifyBody(JSON.stringify(getIssue(1)))).toEqual({ kind: "calls", count: 1 });
    expect(classifyBody(JSON.stringify({ jsonrpc: "2.0", id: 1, method: "resources/read", params: { uri: "x:" } }))).toEqual({
      kind: "calls",
      count: 1,
    });
    expect(classifyBody(JSON.stringify({ jsonrpc: "2.0", id: 1, method: "prompts/get", params: { name: "p" } }))).toEqual({
      kind: "calls",
      count: 1,
    });
    expect(classifyBody(JSON.stringify([getIssue(1), { jsonrpc: "2.0", id: 2, method: "tools/list" }, getIssue(3)]))).toEqual({
      kind: "calls",
      count: 2,
    });
    for (const method of ["initialize", "notifications/initialized", "tools/list", "resources/list", "prompts/list", "ping"]) {
      expect(classifyBody(JSON.stringify({ jsonrpc: "2.0", id: 1, method }))).toEqual({ kind: "session" });
    }
    expect(classifyBody(JSON.stringify([{ jsonrpc: "2.0", id: 1, method: "tools/list" }]))).toEqual({ kind: "session" });
    expect(classifyBody(JSON.stringify({ jsonrpc: "2.0", id: 1, result: {} }))).toEqual({ kind: "session" });
    expect(classifyBody("{ not json")).toEqual({ kind: "session" });
    expect(classifyBody("")).toEqual({ kind: "session" });
  });

  it("a client's start-up on all five servers with one token (default limit) is never limited, and every tools/list lists tools", async () => {
    const { token } = await issueToken({ servers: ALL_SERVERS, rateLimitPerSecond: undefined });
    // As Claude Code does it: one SDK client per server, all connecting at once.
    const sent: string[] = [];
    const statuses: number[] = [];
    const listed = await Promise.all(
      ALL_SERVERS.map(async (server) => {
        const client = await connect(server, token, sent, statuses);
        const { tools } = await client.listTools();
        await client.close();
        return tools.length;
      }),
    );
    expect(sent.length).toBeGreaterThanOrEqual(15);
    expect(statuses).not.toContain(429);
    for (const count of listed) expect(count).toBeGreaterThan(0);

    // And as one burst: initialize, notifications/initialized and tools/list for each server, all in flight together.
    const burst = await issueToken({ servers: ALL_SERVERS, rateLimitPerSecond: undefined });
    const answers = await Promise.all(
      ALL_SERVERS.flatMap((server) => [
        rawPost(server, burst.token, initialize(1)),
        rawPost(server, burst.token, { jsonrpc: "2.0", method: "notifications/initialized" }),
        rawPost(server, burst.token, { jsonrpc: "2.0", id: 2, method: "tools/list" }),
      ]),
    );
    expect(answers).toHaveLength(15);
    expect(answers.map((r) => r.status)).not.toContain(429);
    for (let i = 0; i < answers.length; i += 3) {
      expect((await rpcMessage(answers[i]!)).result).toMatchObject({ serverInfo: expect.any(Object) });
      expect(answers[i + 1]!.status).toBe(202);
      expect((await rpcMessage(answers[i + 2]!)).result.tools.length).toBeGreaterThan(0);
    }
  });

  it("the 11th tools/call inside a second → 429 with Retry-After, and GitHub sees only the 10; other tokens are unaffected", async () => {
    github.on("GET", "/repos/acme/shop/issues/7", { body: ISSUE_7 });
    const { token } = await issueToken({ rateLimitPerSecond: undefined });
    const answers = await Promise.all(Array.from({ length: 11 }, (_, i) => rawPost("github", token, getIssue(i))));
    const statuses = answers.map((r) => r.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(10);
    const refused = answers.filter((r) => r.status === 429);
    expect(refused).toHaveLength(1);
    expect(refused[0]!.headers.get("retry-after")).toBe("1");
    expect(await refused[0]!.json()).toMatchObject({ error: { code: "rate_limited", message: expect.stringContaining("calls") } });
    expect(github.calls).toHaveLength(10);

    // Session traffic has its own bound: the token can still list.
    expect((await rawPost("github", token, { jsonrpc: "2.0", id: 99, method: "tools/list" })).status).toBe(200);
    const other = await issueToken({ rateLimitPerSecond: undefined });
    expect((await rawPost("github", other.token, getIssue(1))).status).toBe(200);

    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect((await rawPost("github", token, getIssue(12))).status).toBe(200);
  });

  it("a flood of initialize requests is still bounded by the session-traffic limit (100/s), without spending the calls budget", async () => {
    github.on("GET", "/repos/acme/shop/issues/7", { body: ISSUE_7 });
    const { token } = await issueToken({ rateLimitPerSecond: undefined });
    const started = Date.now();
    const answers = await Promise.all(Array.from({ length: 120 }, (_, i) => rawPost("github", token, initialize(i))));
    const elapsedMs = Date.now() - started;
    const statuses = answers.map((r) => r.status);
    // At most 100 in any one second: a loaded machine may spread the burst over more than one.
    const seconds = Math.max(1, Math.ceil(elapsedMs / 1000));
    expect(statuses.filter((s) => s === 200).length).toBeLessThanOrEqual(Math.min(120, 100 * seconds));
    const refused = answers.filter((r) => r.status === 429);
    if (elapsedMs < 1000) expect(refused.length).toBeGreaterThanOrEqual(20);
    expect(statuses.filter((s) => s !== 200 && s !== 429)).toEqual([]);
    for (const res of refused) {
      expect(res.headers.get("retry-after")).toBe("1");
      expect(await res.json()).toMatchObject({
        error: { code: "rate_limited", message: expect.stringContaining("session-traffic limit") },
      });
    }
    const call = await rawPost("github", token, getIssue(200));
    expect(call.status).toBe(200);
    expect(json((await rpcMessage(call)).result)).toMatchObject({ number: 7 });
  });

  it("tools/list does not use up the calls budget: after 20 tools/list a tools/call still succeeds", async () => {
    github.on("GET", "/repos/acme/shop/issues/7", { body: ISSUE_7 });
    const { token } = await issueToken({ rateLimitPerSecond: undefined });
    const lists = await Promise.all(
      Array.from({ length: 20 }, (_, i) => rawPost("github", token, { jsonrpc: "2.0", id: i, method: "tools/list" })),
    );
    expect(lists.map((r) => r.status)).toEqual(Array(20).fill(200));
    const call = await rawPost("github", token, getIssue(20));
    expect(call.status).toBe(200);
    const { result } = await rpcMessage(call);
    expect(result.isError).toBeFalsy();
    expect(json(result)).toMatchObject({ number: 7, title: "Checkout fails" });
    expect(github.calls).toHaveLength(1);
  });

  it("the limiter admits at most the limit in any one second of its own clock, under 50 requests/second offered", async () => {
    const limiter = env.MCP_RATE_LIMITER.get(env.MCP_RATE_LIMITER.idFromName(`window-${crypto.randomUUID()}`));
    const t0 = 1_000_000;
    const admitted: number[] = [];
    for (let i = 0; i < 250; i++) {
      const at = t0 + i * 20;
      const taken = await limiter.take("calls", 10, 1, at);
      if (taken.allowed) admitted.push(at);
      else expect(taken.retryAfterSeconds).toBeGreaterThanOrEqual(1);
    }
    // 5 seconds at 50/s: 10 per second, never 11 inside any 1000 ms.
    expect(admitted).toHaveLength(50);
    for (let i = 10; i < admitted.length; i++) expect(admitted[i]! - admitted[i - 10]!).toBeGreaterThanOrEqual(1000);
  });

  it("the limiter keeps one window per kind, and a batch takes one slot per call", async () => {
    const limiter = env.MCP_RATE_LIMITER.get(env.MCP_RATE_LIMITER.idFromName(`kinds-${crypto.randomUUID()}`));
    const at = 2_000_000;
    expect(await limiter.take("calls", 10, 8, at)).toMatchObject({ allowed: true, remaining: 2 });
    expect(await limiter.take("calls", 10, 3, at + 1)).toMatchObject({ allowed: false, retryAfterSeconds: 1 });
    expect(await limiter.take("session", 100, 1, at + 2)).toMatchObject({ allowed: true, remaining: 99 });
    expect(await limiter.take("calls", 10, 2, at + 3)).toMatchObject({ allowed: true, remaining: 0 });
    expect(await limiter.take("calls", 10, 1, at + 4)).toMatchObject({ allowed: false });
    // A batch larger than the limit never fits.
    expect(await limiter.take("calls", 10, 11, at + 5000)).toMatchObject({ allowed: false, retryAfterSeconds: 1 });
    expect(await limiter.take("calls", 10, 10, at + 5000)).toMatchObject({ allowed: true });
  });

  it("an SDK client sees the 429 as an error", async () => {
    github.on("GET", "/repos/acme/shop/issues/7", { body: ISSUE_7 });
    const { token } = await issueToken({ rateLimitPerSecond: 3 });
    const client = await connect("github", token);
    // At once, not one after another: on a loaded machine five sequential calls can take longer
    // than the one-second window, and then none is refused.
    const results = await Promise.allSettled(
      Array.from({ length: 8 }, () => client.callTool({ name: "get_issue", arguments: { owner: "acme", repo: "shop", issue_number: 7 } })),
    );
    const refused = results.filter((result): result is PromiseRejectedResult => result.status === "rejected");
    expect(refused.length).toBeGreaterThan(0);
    expect(String(refused[0]!.reason)).toMatch(/429|rate/i);
    await client.close();
  });
});

describe("MCP: agent-bot tools", () => {
  it("create_task, get_task, list_tasks, get_task_logs, cancel_task", async () => {
    const { token } = await issueToken({ servers: ["agent-bot"], access: "write" });
    const client = await connect("agent-bot", token);
    const created = json(
      await client.callTool({
        name: "create_task",
        arguments: { repository: "acme/mcp", prompt: "Add a health check", idempotency_key: "k1" },
      }),
    );
    expect(created).toMatchObject({ id: expect.stringMatching(/^task_/), created: true });
    const again = json(
      await client.callTool({
        name: "create_task",
        arguments: { repository: "acme/mcp", prompt: "Add a health check", idempotency_key: "k1" },
      }),
    );
    expect(again).toMatchObject({ id: created.id, created: false });

    const got = json(await client.callTool({ name: "get_task", arguments: { id: created.id } }));
    expect(got.task).toMatchObject({ id: created.id, repository: "acme/mcp", vendor: "api", eventType: "mcp" });
    expect(got.state.spec).toMatchObject({ prompt: "Add a health check" });

    const listed = json(await client.callTool({ name: "list_tasks", arguments: { vendor: "api", limit: 100 } }));
    expect(listed.items.map((t: { id: string }) => t.id)).toContain(created.id);

    const logs = json(await client.callTool({ name: "get_task_logs", arguments: { id: created.id } }));
    expect(logs).toMatchObject({ items: expect.any(Array), next: expect.any(Number) });

    const cancelled = json(await client.callTool({ name: "cancel_task", arguments: { id: created.id } }));
    expect(cancelled).toEqual({ id: created.id, status: "cancelled" });

    const missing = await client.callTool({ name: "get_task", arguments: { id: "task_missing" } });
    expect(missing.isError).toBe(true);
    expect(text(missing)).toContain("no task task_missing");
    await client.close();
  });

  it("a read-only token cannot create or cancel tasks", async () => {
    const { token } = await issueToken({ servers: ["agent-bot"], access: "read" });
    const client = await connect("agent-bot", token);
    const result = await client.callTool({ name: "create_task", arguments: { repository: "acme/mcp", prompt: "nope" } });
    expect(result.isError).toBe(true);
    expect(text(result)).toContain('"agent-bot:write"');
    await client.close();
  });
});
