// The whole path a developer exercises by hand: real `wrangler dev`, the real
// send script, then the API — webhook → queue → consumer → TaskAgent → D1 — with the real
// Claude Code CLI in the local runner, answered by the scripted model `npm run dev` starts.
import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { devVars, freePort, startDevServer, type DevServer } from "../support/dev-server.mjs";

const root = fileURLToPath(new URL("../../", import.meta.url));
let server: DevServer;
// Whatever .dev.vars the server was started with, not a copy of the default.
let token: string;
/** The fake vendor APIs `npm run dev` starts (no vendor credentials in .dev.vars). */
let fakeVendors: string;
/** The scripted model `npm run dev` starts when .dev.vars has no ANTHROPIC_API_KEY. */
let model: string;

beforeAll(async () => {
  const [port, modelPort] = [await freePort(), await freePort()];
  fakeVendors = `http://127.0.0.1:${port}`;
  model = `http://127.0.0.1:${modelPort}`;
  server = await startDevServer({ env: { FAKE_VENDORS_PORT: String(port), MODEL_PORT: String(modelPort) } });
  token = devVars().API_TOKEN ?? "dev-api-token";
});

afterAll(async () => {
  await server?.stop();
});

/** Runs `npm run send -- github issue_comment …` against the server; never throws on exit codes. */
function send(...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["scripts/send-webhook.mjs", "github", "issue_comment", "--url", server.url, ...args], {
      cwd: root,
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => (stdout += chunk));
    child.stderr.on("data", (chunk) => (stderr += chunk));
    child.once("error", reject);
    child.once("close", (code) => resolve({ code, stdout, stderr }));
  });
}

async function sendAccepted(...args: string[]): Promise<string> {
  const result = await send(...args);
  expect(result.code, result.stdout + result.stderr).toBe(0);
  expect(result.stdout).toMatch(/^202 /m);
  const id = /"id":"(dlv_[0-9a-f]+)"/.exec(result.stdout)?.[1];
  expect(id, result.stdout).toBeDefined();
  return id!;
}

async function api<T>(path: string, auth = true): Promise<{ status: number; body: T }> {
  const response = await fetch(new URL(path, server.url), { headers: auth ? { authorization: `Bearer ${token}` } : {} });
  return { status: response.status, body: (await response.json()) as T };
}

/** The consumer runs after the 202, so its effects show up eventually, not at once. */
async function eventually<T>(probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`not within ${timeoutMs} ms\n--- dev server output ---\n${server.output().slice(-4000)}`);
}

interface Task {
  id: string;
  deliveryId: string;
  vendor: string;
  status: string;
}
interface Delivery {
  id: string;
  duplicates: number;
  attempts: number;
}
type Page<T> = { items: T[]; nextCursor: string | null };

const githubTasks = async () => (await api<Page<Task>>("/api/tasks?vendor=github&limit=200")).body.items;

describe("wrangler dev end to end", () => {
  it("turns a signed GitHub mention into a task that the local runner runs to success", async () => {
    const deliveryId = await sendAccepted();
    // Task ids are derived from delivery ids (workers/queue/task-spec.ts).
    const taskId = deliveryId.replace(/^dlv_/, "task_");

    // The local runner clones the seeded local remote and runs the real Claude Code CLI.
    const task = await eventually(async () => (await githubTasks()).find((t) => t.id === taskId && t.status === "succeeded"));
    expect(task).toMatchObject({ vendor: "github", status: "succeeded", deliveryId, attempt: 1 });

    const detail = await api<{ task: Task; state: { transitions: { status: string }[] }; log: { type: string }[] }>(`/api/tasks/${taskId}`);
    expect(detail.status).toBe(200);
    expect(detail.body.state.transitions.map((t) => t.status)).toEqual(["queued", "preparing", "running", "succeeded"]);
    expect(detail.body.log.map((entry) => entry.type)).toEqual(expect.arrayContaining(["phase", "assistant_text", "result"]));
  });

  it("reports in the GitHub thread: tracking comment created, edited, pull request opened", async () => {
    await fetch(`${fakeVendors}/_calls`, { method: "DELETE" });
    // [fake:write] makes the model have the CLI write a file, so the runner commits and pushes a branch.
    // Each test asks on an issue of its own: a mention on an issue with a task is that task's next turn.
    const deliveryId = await sendAccepted("--issue", "2", "--text", "[fake:write] fix the typo in the README");
    const taskId = deliveryId.replace(/^dlv_/, "task_");
    const detail = await eventually(async () => {
      const { body } = await api<{ task: Task & { pullRequestUrl: string | null } }>(`/api/tasks/${taskId}`);
      return body.task?.status === "succeeded" && body.task.pullRequestUrl ? body : undefined;
    }, 60_000);

    type Call = { method: string; path: string; authorization: string | null; body: Record<string, string> };
    const calls = ((await (await fetch(`${fakeVendors}/_calls`)).json()) as Call[]).filter((c) => c.path.startsWith("/github/"));
    const comments = "/github/repos/Codertocat/Hello-World/issues/2/comments";
    const post = calls.find((c) => c.method === "POST" && c.path === comments);
    expect(post?.authorization).toBe("token");
    expect(post?.body.body).toContain(`<!-- agent-bot:task:${taskId} -->`);
    const edits = calls.filter((c) => c.method === "PATCH" && c.path.startsWith("/github/repos/Codertocat/Hello-World/issues/comments/"));
    expect(edits.length).toBeGreaterThanOrEqual(2);
    const pull = calls.find((c) => c.method === "POST" && c.path === "/github/repos/Codertocat/Hello-World/pulls");
    expect(pull?.body).toMatchObject({ head: `agent-bot/${taskId}`, title: "Spelling error in the README file" });
    // The order a reader of the thread sees: comment, edits, pull request, final edit with its link.
    expect(calls.indexOf(post!)).toBeLessThan(calls.indexOf(pull!));
    expect(edits.at(-1)?.body.body).toContain(detail.task.pullRequestUrl!);
    expect(calls.filter((c) => c.method === "POST" && c.path === comments)).toHaveLength(1);
  });

  it("gives the real CLI the platform's MCP tools: it loads get_issue with ToolSearch and calls it through /mcp/github", async () => {
    await fetch(`${model}/_requests`, { method: "DELETE" });
    await fetch(`${fakeVendors}/_calls`, { method: "DELETE" });
    const deliveryId = await sendAccepted("--issue", "3", "--text", "[fake:mcp=Codertocat/Hello-World#1] what does it say?");
    const taskId = deliveryId.replace(/^dlv_/, "task_");
    await eventually(
      async () => ((await api<{ task: Task }>(`/api/tasks/${taskId}`)).body.task?.status === "succeeded" ? true : undefined),
      60_000,
    );

    type ModelRequest = {
      path: string;
      turn?: number;
      body: { messages: unknown[]; tools: { name: string }[] };
      answer?: { content: { text?: string }[] };
    };
    const turns = ((await (await fetch(`${model}/_requests`)).json()) as ModelRequest[]).filter((r) => r.turn !== undefined);
    // The first request already names every platform server's tools; none failed to list.
    const first = JSON.stringify(turns[0]!.body);
    expect(first).not.toMatch(/listing their tools failed/);
    for (const server of ["agent-bot", "agent-bot-github", "agent-bot-jira", "agent-bot-sentry", "agent-bot-slack"])
      expect(first).toContain(`mcp__${server}__`);
    // Loaded by ToolSearch, then offered with its schema and called.
    expect(turns[1]!.body.tools.map((t) => t.name)).toContain("mcp__agent-bot-github__get_issue");
    type Call = { method: string; path: string; authorization: string | null };
    const calls = (await (await fetch(`${fakeVendors}/_calls`)).json()) as Call[];
    expect(calls).toContainEqual(expect.objectContaining({ method: "GET", path: "/github/repos/Codertocat/Hello-World/issues/1" }));
    // The tool's result reached the model, which quoted the fake issue's title.
    expect(JSON.stringify(turns[2]!.body.messages.at(-2) ?? turns[2]!.body.messages)).toContain("Issue 1 of Codertocat/Hello-World");
    expect(turns[2]!.answer?.content[0]?.text).toBe("The issue is titled: Issue 1 of Codertocat/Hello-World");
  });

  it("an injected agent's out-of-scope MCP calls are refused as tool errors and reach no vendor", async () => {
    await fetch(`${model}/_requests`, { method: "DELETE" });
    await fetch(`${fakeVendors}/_calls`, { method: "DELETE" });
    const deliveryId = await sendAccepted("--issue", "4", "--text", "[fake:escape] look around");
    const taskId = deliveryId.replace(/^dlv_/, "task_");
    await eventually(
      async () => ((await api<{ task: Task }>(`/api/tasks/${taskId}`)).body.task?.status === "succeeded" ? true : undefined),
      60_000,
    );

    type ModelRequest = { turn?: number; body: { messages: { role: string; content: unknown }[] } };
    const turns = ((await (await fetch(`${model}/_requests`)).json()) as ModelRequest[]).filter((r) => r.turn !== undefined);
    type Block = { type: string; is_error?: boolean; content?: unknown };
    const lastUser = turns[2]!.body.messages.filter((m) => m.role === "user").at(-1)!;
    const results = (lastUser.content as Block[]).filter((b) => b.type === "tool_result");
    // Each of the four calls came back to the model as a tool error that says why.
    expect(results).toHaveLength(4);
    expect(results.every((r) => r.is_error)).toBe(true);
    const said = JSON.stringify(results);
    expect(said).toContain("out of scope: this token is limited to");
    expect(said).toMatch(/\.\./);

    type Call = { method: string; path: string };
    const calls = (await (await fetch(`${fakeVendors}/_calls`)).json()) as Call[];
    expect(calls.filter((c) => /acme|orgs|chat\.postMessage/.test(c.path))).toEqual([]);
    const tasks = (await api<Page<{ repository: string | null }>>("/api/tasks?limit=200")).body.items;
    expect(tasks.filter((t) => t.repository === "acme/secret")).toEqual([]);
  });

  it("a failing model API fails the task with a readable reason, in the API and in the thread", async () => {
    await fetch(`${fakeVendors}/_calls`, { method: "DELETE" });
    const deliveryId = await sendAccepted("--issue", "5", "--text", "[fake:fail] try anyway");
    const taskId = deliveryId.replace(/^dlv_/, "task_");
    const task = await eventually(async () => {
      const { body } = await api<{ task: Task & { reason: string | null } }>(`/api/tasks/${taskId}`);
      return body.task?.status === "failed" ? body.task : undefined;
    }, 60_000);
    expect(task.reason).toMatch(/^model API error 500: API Error: 500 scripted failure/);

    type Call = { method: string; path: string; body: { body?: string } };
    const edits = await eventually(async () => {
      const calls = (await (await fetch(`${fakeVendors}/_calls`)).json()) as Call[];
      const found = calls.filter((c) => c.method === "PATCH" && c.path.includes("/issues/comments/") && c.body.body?.includes(taskId));
      return found.some((c) => /model API error 500/.test(c.body.body ?? "")) ? found : undefined;
    });
    expect(edits.at(-1)?.body.body).toMatch(/model API error 500/);
  });

  it("creates exactly one task for a delivery sent twice", async () => {
    const delivery = randomUUID();
    // `new`: another task on issue #1, not a turn of the first test's.
    const first = await sendAccepted("--delivery", delivery, "--text", "new please take a look");
    const second = await sendAccepted("--delivery", delivery, "--text", "new please take a look");
    expect(second).toBe(first);

    // Wait until the consumer has seen both messages (a redelivery bumps duplicates or attempts).
    await eventually(async () => {
      const rows = (await api<Page<Delivery>>("/api/events?vendor=github&limit=200")).body.items;
      const row = rows.find((r) => r.id === first);
      return row && row.duplicates + row.attempts >= 2 ? row : undefined;
    });
    expect((await githubTasks()).filter((t) => t.deliveryId === first)).toHaveLength(1);
  });

  it("refuses the API without a token", async () => {
    expect((await api("/api/tasks", false)).status).toBe(401);
  });
});
