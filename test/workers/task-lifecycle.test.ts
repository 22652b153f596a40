// The TaskAgent state machine against a scripted runner: every path ends in a
// defined status with its reason, in the agent, its log and the D1 row.
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { TaskSpec, TaskState } from "../../core/task-types";
import { taskAgent } from "./agents";
import { installFakeRunner, type FakeRunner } from "./fake-runner";
import * as samples from "./samples";
import { deliver, eventually, rows } from "./support";

afterEach(() => vi.restoreAllMocks());

let counter = 0;
function spec(overrides: Partial<TaskSpec> = {}): TaskSpec {
  const id = `task_life_${Date.now()}_${counter++}`;
  return {
    id,
    deliveryId: `dlv_${id}`,
    vendor: "github",
    eventType: "issue_comment",
    actor: "Codertocat",
    subject: { repository: `acme/repo-${id}`, issueNumber: 1 },
    subjectText: `acme/repo-${id}#1`,
    title: "Fix the flaky login test",
    prompt: "@agent-bot fix the flaky login test",
    links: [],
    reason: "mentioned by Codertocat (OWNER)",
    payloadRef: `payloads/github/dlv_${id}.json`,
    createdAt: Date.now(),
    ...overrides,
  };
}

/** Creates the task the way the queue consumer does: D1 row, then the agent. */
async function createTask(s: TaskSpec) {
  await env.DB.prepare(
    "INSERT INTO tasks (id, delivery_id, vendor, event_type, status, title, repository, created_at, updated_at) VALUES (?, ?, ?, ?, 'queued', ?, ?, ?, ?)",
  )
    .bind(s.id, s.deliveryId, s.vendor, s.eventType, s.title, s.subject.repository ?? null, s.createdAt, s.createdAt)
    .run();
  const agent = await taskAgent(s.id);
  await agent.createTask(s);
  return agent;
}

function until(agent: Awaited<ReturnType<typeof taskAgent>>, check: (state: TaskState) => boolean): Promise<TaskState> {
  return eventually(async () => {
    const state = await agent.getTask();
    return check(state) ? state : undefined;
  });
}

const succeedScript = () => [
  { type: "phase", phase: "running", detail: "claude started" } as const,
  { type: "assistant_text", text: "Looking at the login test." } as const,
  { type: "tool_call", name: "Bash", input: { command: "npm test" } } as const,
  {
    type: "result",
    outcome: "succeeded",
    summary: "Fixed the race in login.spec.ts",
    costUsd: 0.0123,
    inputTokens: 1200,
    outputTokens: 340,
    durationMs: 4200,
  } as const,
];

describe("TaskAgent lifecycle", () => {
  let runner: FakeRunner;

  it("runs a task to success: queued → preparing → running → succeeded, with cost and log", async () => {
    runner = installFakeRunner();
    runner.script = succeedScript;
    const s = spec();
    const agent = await createTask(s);
    const state = await until(agent, (st) => st.status === "succeeded");

    expect(state.transitions.map((t) => t.status)).toEqual(["queued", "preparing", "running", "succeeded"]);
    expect(state.attempts).toEqual([
      expect.objectContaining({ n: 1, outcome: "succeeded", costUsd: 0.0123, inputTokens: 1200, outputTokens: 340 }),
    ]);
    expect(state.result?.summary).toBe("Fixed the race in login.spec.ts");
    // Today's spend for its repository holds what the attempt reported, not its reservation.
    const spent = await env.DB.prepare("SELECT scope, kind, amount_usd AS amount FROM spend WHERE task_id = ?").bind(s.id).first();
    expect(spent).toEqual({ scope: s.subject.repository, kind: "spent", amount: 0.0123 });

    const request = runner.runs.get(s.id)!.request;
    expect(request).toMatchObject({ taskId: s.id, attempt: 1, cli: "claude", repo: { branch: `agent-bot/${s.id}` }, maxBudgetUsd: 5 });
    expect(request.prompt).toContain("fix the flaky login test");

    // The runner gets the platform's MCP servers with a task-scoped token, revoked when the task ends.
    expect(request.mcpServers.map((m) => m.url)).toEqual(
      ["github", "jira", "slack", "sentry", "agent-bot"].map((server) => `http://127.0.0.1:8787/mcp/${server}`),
    );
    const bearer = request.mcpServers[0]!.headers.Authorization!;
    expect(bearer).toMatch(/^Bearer mcp_/);
    expect(request.redact).toContain(bearer.slice("Bearer ".length));
    const [token] = await rows<{ task_id: string; access: string; revoked_at: number | null }>(
      "SELECT task_id, access, revoked_at FROM mcp_tokens WHERE task_id = ?",
      s.id,
    );
    expect(token).toMatchObject({ task_id: s.id, access: "write" });
    expect(token?.revoked_at).not.toBeNull();
    expect(JSON.stringify(await agent.getTask())).not.toContain(bearer.slice("Bearer ".length));

    const log = await agent.getLog();
    expect(log.map((e) => e.type)).toEqual(expect.arrayContaining(["note", "phase", "assistant_text", "tool_call", "result"]));
    expect(log.map((e) => e.seq)).toEqual(log.map((_, i) => i + 1));

    const [row] = await rows("SELECT status, cli, attempt, cost_usd, input_tokens FROM tasks WHERE id = ?", s.id);
    expect(row).toEqual({ status: "succeeded", cli: "claude", attempt: 1, cost_usd: 0.0123, input_tokens: 1200 });
  });

  it("ends failed with the CLI's reason, and retry starts a fresh attempt", async () => {
    runner = installFakeRunner();
    runner.script = (request) =>
      request.attempt === 1
        ? [{ type: "result", outcome: "failed", summary: "CLI failed", reason: "claude exited with code 1" }]
        : succeedScript();
    const s = spec();
    const agent = await createTask(s);
    const failed = await until(agent, (st) => st.status === "failed");
    expect(failed.result?.reason).toBe("claude exited with code 1");
    const [row] = await rows<{ status: string; reason: string }>("SELECT status, reason FROM tasks WHERE id = ?", s.id);
    expect(row).toEqual({ status: "failed", reason: "claude exited with code 1" });

    expect((await agent.retryTask()).retried).toBe(true);
    const done = await until(agent, (st) => st.status === "succeeded");
    expect(done.attempts.map((a) => [a.n, a.outcome])).toEqual([
      [1, "failed"],
      [2, "succeeded"],
    ]);
    expect(runner.runs.get(s.id)!.request.attempt).toBe(2);
  });

  it("refuses to retry a task that has not ended", async () => {
    runner = installFakeRunner();
    const agent = await createTask(spec());
    await until(agent, (st) => st.status === "preparing" || st.status === "running");
    const refused = await agent.retryTask();
    expect(refused.retried).toBe(false);
    expect(refused.message).toMatch(/cannot be retried/);
    await agent.cancelTask();
  });

  it("fails with a clear reason when the runner is unreachable", async () => {
    runner = installFakeRunner();
    runner.down = true;
    const agent = await createTask(spec());
    const state = await until(agent, (st) => st.status === "failed");
    expect(state.result?.reason).toMatch(/runner unreachable/);
    // What the AgentBotRunnerUnreachable alert watches.
    await eventually(async () => {
      const row = await env.DB.prepare("SELECT value FROM metric_counters WHERE key = ?")
        .bind('agentbot_runner_unreachable_total{step="start"}')
        .first<{ value: number }>();
      return row && row.value >= 1 ? row : undefined;
    });
  });

  it("cancels a running task and tells the runner to stop", async () => {
    runner = installFakeRunner();
    runner.script = () => [{ type: "phase", phase: "running" }];
    const s = spec();
    const agent = await createTask(s);
    await until(agent, (st) => st.status === "running");
    const state = await agent.cancelTask("stop please");
    expect(state.status).toBe("cancelled");
    expect(state.result?.reason).toBe("stop please");
    await eventually(async () => runner.requests.some((r) => r.method === "POST" && r.path === `/runs/${s.id}/cancel`));
  });

  it("times out through its scheduled timer, and stops the runner", async () => {
    runner = installFakeRunner();
    runner.script = () => [{ type: "phase", phase: "running" }];
    const s = spec();
    const agent = await createTask(s);
    await until(agent, (st) => st.status === "running");
    const schedules = (await agent.getSchedules()) as unknown as { callback: string }[];
    expect(schedules.map((x) => x.callback)).toContain("onTimeout");
    await agent.onTimeout({ attempt: 1 });
    const state = await agent.getTask();
    expect(state.status).toBe("timed_out");
    expect(state.result?.reason).toMatch(/no result within 30 minutes/);
    await eventually(async () => runner.requests.some((r) => r.path === `/runs/${s.id}/cancel`));
  });

  it("resumes a dropped event stream from the last sequence number: no gap, no duplicate", async () => {
    runner = installFakeRunner();
    runner.dropAfter = 1;
    runner.script = succeedScript;
    const s = spec();
    const agent = await createTask(s);
    await until(agent, (st) => st.status === "succeeded");
    const afters = runner.requests.filter((r) => r.path.startsWith(`/runs/${s.id}/events`)).map((r) => r.path.split("after=")[1]);
    expect(afters).toEqual(["0", "1", "2", "3"]);
    const runnerEvents = (await agent.getLog()).filter((e) => e.type !== "note");
    expect(runnerEvents.map((e) => JSON.parse(e.data!).seq)).toEqual([1, 2, 3, 4]);
  });

  it("caps running tasks per repository: the third waits in line and starts when a slot frees", async () => {
    runner = installFakeRunner();
    runner.script = () => [{ type: "phase", phase: "running" }];
    const repository = `acme/capped-${Date.now()}`;
    const tasks = [spec({ subject: { repository } }), spec({ subject: { repository } }), spec({ subject: { repository } })];
    const agents = [];
    for (const s of tasks) agents.push(await createTask(s));
    await until(agents[0]!, (st) => st.status === "running");
    await until(agents[1]!, (st) => st.status === "running");
    const waiting = await until(agents[2]!, (st) => st.waiting !== null);
    expect(waiting.status).toBe("queued");
    expect(waiting.waiting?.position).toBe(1);
    expect(runner.runs.has(tasks[2]!.id)).toBe(false);

    runner.emit(tasks[0]!.id, { type: "result", outcome: "succeeded", summary: "done" });
    await until(agents[2]!, (st) => st.status === "running");
    expect((await agents[2]!.getTask()).waiting).toBeNull();
    for (const agent of agents) await agent.cancelTask();
  });
});

describe("budgets", () => {
  const spendRow = (taskId: string, scope: string, kind: "reserved" | "spent", amount: number, at = Date.now()) =>
    env.DB.prepare("INSERT INTO spend (task_id, attempt, scope, kind, amount_usd, at) VALUES (?, 1, ?, ?, ?, ?)")
      .bind(taskId, scope, kind, amount, at)
      .run();

  it("refuses a task whose repository has spent its daily budget, with the reason", async () => {
    installFakeRunner();
    const repository = `acme/spent-${Date.now()}`;
    // Spent today by a task created yesterday: spend counts on the day it happens.
    await spendRow(`task_earlier_${Date.now()}`, repository, "spent", 50.5);
    const agent = await createTask(spec({ subject: { repository } }));
    const state = await until(agent, (st) => st.status === "failed");
    expect(state.result?.reason).toBe(`refused: ${repository} has spent $50.50 of its $50.00 daily budget`);
    expect(state.attempts).toEqual([]);
  });

  it("caps tasks without a repository by their channel, and counts running attempts with their whole budget", async () => {
    installFakeRunner();
    const channelId = `C${Date.now()}`;
    const scope = `slack:T0001/${channelId}`;
    // Yesterday's spend does not count; a running attempt's reservation (from yesterday) does.
    await spendRow(`task_old_${channelId}`, scope, "spent", 40, Date.now() - 2 * 86_400_000);
    await spendRow(`task_running_${channelId}`, scope, "reserved", 48);
    await spendRow(`task_done_${channelId}`, scope, "spent", 2.5);
    const agent = await createTask(spec({ vendor: "slack", subject: { teamId: "T0001", channelId } }));
    const state = await until(agent, (st) => st.status === "failed");
    expect(state.result?.reason).toBe(`refused: ${scope} has spent $50.50 of its $50.00 daily budget`);
  });

  it("holds an attempt's budget while it runs and replaces it with what it spent", async () => {
    const runner = installFakeRunner();
    runner.script = () => [{ type: "phase", phase: "running" } as const];
    const s = spec({ subject: { repository: `acme/reserve-${Date.now()}` } });
    const agent = await createTask(s);
    await until(agent, (st) => st.status === "running");
    const held = await env.DB.prepare("SELECT kind, amount_usd AS amount FROM spend WHERE task_id = ?").bind(s.id).first();
    expect(held).toEqual({ kind: "reserved", amount: 5 });
    await agent.cancelTask();
    const settled = await env.DB.prepare("SELECT kind, amount_usd AS amount FROM spend WHERE task_id = ?").bind(s.id).first();
    expect(settled).toEqual({ kind: "spent", amount: 0 });
  });

  it("does not retry a task that has spent its own budget", async () => {
    const runner = installFakeRunner();
    runner.script = () => [{ type: "result", outcome: "failed", summary: "expensive failure", reason: "tests still fail", costUsd: 5.25 }];
    const agent = await createTask(spec());
    await until(agent, (st) => st.status === "failed");
    const retry = await agent.retryTask();
    expect(retry.retried).toBe(false);
    expect(retry.message).toBe("the task has spent $5.25 of its $5.00 budget");
  });
});

describe("the prompt", () => {
  it("carries the request, and the issue it was made on as thread context", async () => {
    const runner = installFakeRunner();
    runner.script = () => [{ type: "result", outcome: "succeeded", summary: "ok" }];
    const payload = samples.github("issue_comment", "created");
    payload.comment.body = "@agent-bot please fix the typo";
    payload.issue.body = "The README says 'Helo' instead of 'Hello'.";
    const row = await deliver("github", payload, { eventType: "issue_comment" });
    const run = await eventually(async () => runner.runs.get(row.task_id!));
    expect(run.request.prompt).toContain("@agent-bot please fix the typo");
    expect(run.request.prompt).toContain("Issue #1: Spelling error in the README file");
    expect(run.request.prompt).toContain("The README says 'Helo' instead of 'Hello'.");
  });
});
