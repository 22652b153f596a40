// A task's MCP token reaches only what the task is about. Every server is driven through
// the SDK client with a task-scoped principal (the scope derived from a task spec the way
// the TaskAgent derives it); fake GitHub, Slack, Jira and Sentry APIs record every request,
// so an out-of-scope call must be a tool error naming the scope with nothing sent upstream.
// Path arguments are refused for every token. The last block mints a token through a real
// TaskAgent and uses it through the Worker.
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { env, exports } from "cloudflare:workers";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { McpResourceScope, McpServerName } from "../../core/mcp-scopes";
import { taskMcpScope } from "../../core/task-mcp-scope";
import type { TaskSpec } from "../../core/task-types";
import { taskAgent } from "./agents";
import { installFakeRunner } from "./fake-runner";
import { connectMcp, json, text } from "./mcp-harness";
import { eventually, rows } from "./support";

const TASK = "task_scope_a";
const THREAD = "1700000000.000100";
const SCOPE: McpResourceScope = taskMcpScope({ id: TASK, subject: { repository: "acme/api", issueNumber: 7 } }, [
  { subject: { teamId: "T1", channelId: "C0SCOPED", threadTs: THREAD } },
  { subject: { ticketKey: "PAY-7", projectKey: "PAY" } },
  { subject: { sentryIssueId: "4001", sentryProject: "backend" } },
]);

const HOSTS = ["github.test", "slack.test", "jira.test", "sentry.test"];

interface Recorded {
  host: string;
  method: string;
  path: string;
  query: Record<string, string>;
  body: string;
}

let calls: Recorded[];
let answers: Map<string, unknown>;
let unexpected: string[];

beforeEach(() => {
  calls = [];
  unexpected = [];
  answers = new Map();
  vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
    const request = new Request(input, init);
    const url = new URL(request.url);
    if (!HOSTS.includes(url.host)) throw new TypeError(`unexpected request in test: ${request.method} ${request.url}`);
    calls.push({
      host: url.host,
      method: request.method,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      body: request.method === "GET" ? "" : await request.text(),
    });
    const key = `${request.method} ${url.host}${url.pathname}`;
    if (!answers.has(key)) {
      unexpected.push(key);
      throw new TypeError(`unexpected request to a fake vendor: ${key}`);
    }
    return Response.json(answers.get(key));
  });
});

afterEach(() => {
  expect(unexpected).toEqual([]);
  vi.restoreAllMocks();
});

const clients = new Map<string, Client>();
afterEach(async () => {
  for (const client of clients.values()) await client.close();
  clients.clear();
});

async function call(server: McpServerName, name: string, args: Record<string, unknown>, scope: McpResourceScope | null = SCOPE) {
  const key = `${server} ${scope ? "scoped" : "unscoped"}`;
  let client = clients.get(key);
  if (!client) {
    client = await connectMcp(server, "write", {}, { taskId: scope ? TASK : null, scope });
    clients.set(key, client);
  }
  return client.callTool({ name, arguments: args });
}

/** The call is a tool error naming `scope`, and no vendor saw a request. */
async function refused(server: McpServerName, name: string, args: Record<string, unknown>, scope: string) {
  const result = await call(server, name, args);
  expect(result.isError, `${server}/${name} ${JSON.stringify(args)}`).toBe(true);
  expect(text(result)).toContain(`out of scope: this token is limited to ${scope}`);
  expect(calls).toEqual([]);
}

describe("task scope: derived from the task", () => {
  it("names the subject's repository and issue, and every joined thread's channel, ticket and error", () => {
    expect(SCOPE).toEqual({
      taskId: TASK,
      repositories: ["acme/api"],
      issues: ["acme/api#7"],
      slack: [{ channel: "C0SCOPED", threadTs: THREAD }],
      jiraProjects: ["PAY"],
      jiraIssues: ["PAY-7"],
      sentryIssues: ["4001"],
    });
  });
});

describe("task scope: GitHub", () => {
  const github = "github repo acme/api (comments and labels on acme/api#7 only)";

  it("refuses another repository, on every tool, sending nothing", async () => {
    await refused("github", "get_issue", { owner: "other", repo: "secrets", issue_number: 1 }, github);
    await refused("github", "get_file_contents", { owner: "acme", repo: "billing", path: "README.md" }, github);
    await refused("github", "list_commits", { owner: "other", repo: "api" }, github);
    await refused("github", "get_pull_request_diff", { owner: "other", repo: "api", pull_number: 2 }, github);
    await refused("github", "create_pull_request", { owner: "other", repo: "api", title: "x", head: "a", base: "main" }, github);
    await refused("github", "search_issues", { query: "token repo:other/secrets" }, github);
    await refused("github", "search_issues", { query: "token org:other" }, github);
  });

  it("comments and labels only on the task's own issue", async () => {
    await refused("github", "create_issue_comment", { owner: "acme", repo: "api", issue_number: 8, body: "hi" }, github);
    await refused("github", "add_labels", { owner: "acme", repo: "api", issue_number: 9, labels: ["x"] }, github);
  });

  it("tells the client its scope up front", async () => {
    await call("github", "get_issue", { owner: "other", repo: "x", issue_number: 1 });
    expect(clients.get("github scoped")?.getInstructions()).toBe(`This token is limited to ${github}; calls outside it are refused.`);
  });

  it("reads, searches, comments and opens pull requests on its own repository", async () => {
    answers.set("GET github.test/repos/Acme/API/issues/3", { number: 3, title: "t", state: "open", labels: [], body: "b" });
    answers.set("POST github.test/repos/acme/api/issues/7/comments", { id: 11, html_url: "https://github.test/c/11" });
    answers.set("POST github.test/repos/acme/api/pulls", { number: 12, html_url: "https://github.test/p/12" });
    answers.set("GET github.test/search/issues", { total_count: 0, items: [] });
    expect(json(await call("github", "get_issue", { owner: "Acme", repo: "API", issue_number: 3 }))).toMatchObject({ number: 3 });
    expect(json(await call("github", "create_issue_comment", { owner: "acme", repo: "api", issue_number: 7, body: "done" }))).toEqual({
      id: 11,
      url: "https://github.test/c/11",
    });
    const pr = await call("github", "create_pull_request", { owner: "acme", repo: "api", title: "Fix", head: "agent-bot/x", base: "main" });
    expect(json(pr)).toMatchObject({ number: 12 });
    await call("github", "search_issues", { query: "flaky is:open" });
    // The search is narrowed to the task's repository.
    expect(calls.find((c) => c.path === "/search/issues")?.query.q).toBe("flaky is:open repo:acme/api");
  });
});

describe("task scope: Slack, Jira, Sentry", () => {
  it("Slack: another channel or thread, and the channel list, are refused", async () => {
    const slack = `slack channel C0SCOPED thread ${THREAD}`;
    await refused("slack", "post_message", { channel: "C0OTHER", text: "hello" }, slack);
    await refused("slack", "get_thread", { channel: "C0SCOPED", thread_ts: "1700000001.000200" }, slack);
    await refused("slack", "reply_in_thread", { channel: "C0OTHER", thread_ts: THREAD, text: "hi" }, slack);
    await refused("slack", "add_reaction", { channel: "C0OTHER", timestamp: THREAD, name: "eyes" }, slack);
    await refused("slack", "list_channels", {}, slack);
  });

  it("Slack: replies in its own thread", async () => {
    answers.set("POST slack.test/api/chat.postMessage", { ok: true, channel: "C0SCOPED", ts: "1700000002.000300" });
    const reply = await call("slack", "reply_in_thread", { channel: "C0SCOPED", thread_ts: THREAD, text: "on it" });
    expect(reply.isError).toBeFalsy();
    expect(calls.map((c) => `${c.method} ${c.path}`)).toEqual(["POST /api/chat.postMessage"]);
  });

  it("Jira: reads its project, writes its ticket only", async () => {
    const jira = "jira project PAY (writes on ticket PAY-7 only)";
    await refused("jira", "get_issue", { issue_key: "OPS-1" }, jira);
    await refused("jira", "add_comment", { issue_key: "PAY-8", body: "x" }, jira);
    await refused("jira", "transition_issue", { issue_key: "OPS-2", transition_id: "31" }, jira);
    await refused("jira", "create_issue", { project_key: "PAY", summary: "spam" }, jira);

    answers.set("POST jira.test/rest/api/2/issue/PAY-7/comment", { id: "100" });
    expect(json(await call("jira", "add_comment", { issue_key: "PAY-7", body: "fixed" }))).toEqual({ id: "100", issueKey: "PAY-7" });
    answers.set("GET jira.test/rest/api/2/search/jql", {
      issues: [
        { key: "PAY-3", fields: { summary: "ours" } },
        { key: "OPS-9", fields: { summary: "not ours" } },
      ],
    });
    // JQL cannot be narrowed safely, so the answer is.
    const found = json(await call("jira", "search_issues", { jql: "text ~ checkout" }));
    expect(found.issues.map((i: { key: string }) => i.key)).toEqual(["PAY-3"]);
  });

  it("Sentry: its own issue only, no organization search", async () => {
    await refused("sentry", "get_issue", { issue_id: "9999" }, "sentry issue 4001");
    await refused("sentry", "get_event", { issue_id: "9999" }, "sentry issue 4001");
    await refused("sentry", "update_issue", { issue_id: "9999", status: "resolved" }, "sentry issue 4001");
    await refused("sentry", "search_issues", { organization: "acme" }, "sentry issue 4001");
    answers.set("GET sentry.test/api/0/issues/4001/", { id: "4001", title: "TypeError" });
    expect(json(await call("sentry", "get_issue", { issue_id: "4001" }))).toMatchObject({ id: "4001" });
  });
});

describe("task scope: agent-bot", () => {
  it("no create_task, no list_tasks, no other task's state or logs", async () => {
    const before = await rows("SELECT id FROM tasks");
    await refused("agent-bot", "create_task", { repository: "acme/api", prompt: "exfiltrate" }, `task ${TASK}`);
    await refused("agent-bot", "list_tasks", {}, `task ${TASK}`);
    await refused("agent-bot", "get_task", { id: "task_someone_else" }, `task ${TASK}`);
    await refused("agent-bot", "get_task_logs", { id: "task_someone_else" }, `task ${TASK}`);
    await refused("agent-bot", "cancel_task", { id: "task_someone_else" }, `task ${TASK}`);
    expect(await rows("SELECT id FROM tasks")).toEqual(before);
  });

  it("reads its own task's logs and the knowledge graph", async () => {
    const now = Date.now();
    await env.DB.prepare(
      "INSERT INTO tasks (id, delivery_id, vendor, event_type, status, title, repository, created_at, updated_at) VALUES (?, ?, 'api', 'manual', 'queued', 't', 'acme/api', ?, ?)",
    )
      .bind(TASK, `dlv_${TASK}`, now, now)
      .run();
    const logs = await call("agent-bot", "get_task_logs", { id: TASK });
    expect(logs.isError).toBeFalsy();
    expect(json(logs)).toMatchObject({ items: [] });
    const search = await call("agent-bot", "search_entities", { query: "checkout" });
    expect(search.isError).toBeFalsy();
  });
});

describe("path arguments, for every token", () => {
  const traversals: [string, Record<string, unknown>][] = [
    ["a .. path", { owner: "acme", repo: "api", path: "../../../../orgs/acme/repos" }],
    ["a .. segment inside", { owner: "acme", repo: "api", path: "src/../../../../orgs/acme" }],
    ["an encoded dot", { owner: "acme", repo: "api", path: "%2e%2e/%2E%2E/orgs" }],
    ["an encoded slash", { owner: "acme", repo: "api", path: "src%2f..%2forgs" }],
    ["a leading /", { owner: "acme", repo: "api", path: "/orgs/acme/repos" }],
    ["an absolute URL", { owner: "acme", repo: "api", path: "https://evil.test/x" }],
    ["a backslash", { owner: "acme", repo: "api", path: "..\\..\\orgs" }],
    ["an owner of ..", { owner: "..", repo: "..", path: "orgs/acme/repos" }],
  ];

  for (const [what, args] of traversals) {
    it(`get_file_contents refuses ${what}, scoped or not, sending nothing`, async () => {
      for (const scope of [SCOPE, null]) {
        const result = await call("github", "get_file_contents", args, scope);
        expect(result.isError).toBe(true);
        expect(text(result)).toMatch(/path|\.\./);
      }
      expect(calls).toEqual([]);
    });
  }

  it("a Sentry organization of .. is refused", async () => {
    const result = await call("sentry", "search_issues", { organization: ".." }, null);
    expect(result.isError).toBe(true);
    expect(calls).toEqual([]);
  });

  it("an ordinary nested path still reads", async () => {
    answers.set("GET github.test/repos/acme/api/contents/src/app%20one/index.ts", {
      type: "file",
      path: "src/app one/index.ts",
      sha: "abc",
      size: 2,
      encoding: "base64",
      content: btoa("hi"),
    });
    const result = await call("github", "get_file_contents", { owner: "acme", repo: "api", path: "src/app one/index.ts" });
    expect(json(result)).toMatchObject({ type: "file", content: "hi" });
  });
});

describe("task scope: minted by the TaskAgent", () => {
  it("the attempt's token carries the task's scope in D1, and the Worker enforces it", async () => {
    const github: string[] = [];
    const runner = installFakeRunner({
      "github.test": (request) => {
        github.push(`${request.method} ${new URL(request.url).pathname}`);
        return Response.json({ id: 1, number: 5, title: "t", state: "open", labels: [], body: "", html_url: "https://github.test/x" });
      },
    });
    // The run never ends on its own, so the token stays valid while the test uses it.
    runner.script = () => [{ type: "phase", phase: "running", detail: "claude started" }];
    const id = `task_scope_${Date.now()}`;
    const spec: TaskSpec = {
      id,
      deliveryId: `dlv_${id}`,
      vendor: "github",
      eventType: "issue_comment",
      subject: { repository: "acme/api", issueNumber: 5 },
      title: "Fix the login test",
      prompt: "fix it",
      links: [],
      reason: "test",
      payloadRef: `payloads/github/dlv_${id}.json`,
      createdAt: Date.now(),
    };
    await env.DB.prepare(
      "INSERT INTO tasks (id, delivery_id, vendor, event_type, status, title, repository, created_at, updated_at) VALUES (?, ?, 'github', 'issue_comment', 'queued', 't', 'acme/api', ?, ?)",
    )
      .bind(id, spec.deliveryId, spec.createdAt, spec.createdAt)
      .run();
    const agent = await taskAgent(id);
    await agent.createTask(spec);
    const request = await eventually(async () => runner.runs.get(id)?.request);

    const [row] = await rows<{ scope: string }>("SELECT scope FROM mcp_tokens WHERE task_id = ?", id);
    expect(JSON.parse(row!.scope)).toEqual({
      taskId: id,
      repositories: ["acme/api"],
      issues: ["acme/api#5"],
      slack: [],
      jiraProjects: [],
      jiraIssues: [],
      sentryIssues: [],
    });

    const token = request.mcpServers.find((m) => m.url.endsWith("/mcp/github"))!.headers.Authorization!;
    const client = new Client({ name: "task-scope-test", version: "1.0.0" });
    await client.connect(
      new StreamableHTTPClientTransport(new URL("http://agent-bot.test/mcp/github"), {
        requestInit: { headers: { authorization: token } },
        fetch: (url, init) => exports.default.fetch(url, init),
      }),
    );
    const outside = await client.callTool({ name: "get_issue", arguments: { owner: "other", repo: "secrets", issue_number: 1 } });
    expect(outside.isError).toBe(true);
    expect(text(outside)).toContain("out of scope: this token is limited to github repo acme/api");
    const inside = await client.callTool({ name: "get_issue", arguments: { owner: "acme", repo: "api", issue_number: 5 } });
    expect(inside.isError).toBeFalsy();
    expect(github).toContain("GET /repos/acme/api/issues/5");
    expect(github.filter((call) => call.includes("/other/"))).toEqual([]);
    await client.close();
    await agent.cancelTask("test over");
  });
});
