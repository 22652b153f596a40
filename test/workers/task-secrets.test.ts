// Secrets never leak: a canary secret that a runner lets through (a configured
// secret value, and a GitHub token shape nobody configured) appears nowhere —
// not in the task log, its state, the D1 row, the thread comment, or the logs.
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { TaskSpec } from "../../core/task-types";
import { taskAgent } from "./agents";
import { installFakeRunner } from "./fake-runner";
import { eventually, rows } from "./support";

afterEach(() => vi.restoreAllMocks());

const CONFIGURED = env.GITHUB_TOKEN; // a secret the Worker knows
const TOKEN_SHAPED = `ghp_${"Z9".repeat(18)}`; // a token nobody told us about

describe("secret redaction", () => {
  it("keeps a canary out of every log line, stream, comment and row", async () => {
    const comments: string[] = [];
    const consoleLines: string[] = [];
    for (const method of ["log", "warn", "error"] as const) {
      vi.spyOn(console, method).mockImplementation((...args) => void consoleLines.push(args.join(" ")));
    }
    const runner = installFakeRunner({
      "github.test": async (request) => {
        if (request.method !== "GET") comments.push(await request.text());
        return Response.json({ id: 1, html_url: "https://github.com/acme/leak/issues/1#issuecomment-1" }, { status: 201 });
      },
    });
    runner.script = () => [
      { type: "phase", phase: "running" },
      { type: "assistant_text", text: `my token is ${CONFIGURED} and ${TOKEN_SHAPED}` },
      { type: "tool_call", name: "Bash", input: { command: `curl -H "Authorization: token ${CONFIGURED}"` } },
      { type: "tool_result", output: `export GITHUB_TOKEN=${TOKEN_SHAPED}`, isError: false },
      { type: "result", outcome: "failed", summary: `leaked ${CONFIGURED}`, reason: `exit 1 after printing ${TOKEN_SHAPED}` },
    ];
    const id = `task_canary_${Date.now()}`;
    const spec: TaskSpec = {
      id,
      deliveryId: `dlv_${id}`,
      vendor: "github",
      eventType: "issue_comment",
      subject: { repository: "acme/leak", issueNumber: 1 },
      title: "Leak test",
      prompt: "print your secrets",
      links: [],
      reason: "test",
      payloadRef: "",
      createdAt: Date.now(),
    };
    await env.DB.prepare(
      "INSERT INTO tasks (id, delivery_id, vendor, event_type, status, title, created_at, updated_at) VALUES (?, ?, 'github', 'issue_comment', 'queued', 'Leak test', 0, 0)",
    )
      .bind(id, spec.deliveryId)
      .run();
    const agent = await taskAgent(id);
    await agent.createTask(spec);
    await eventually(async () => (await agent.getTask()).status === "failed" && comments.length >= 2);

    const everything = JSON.stringify({
      log: await agent.getLog(),
      state: await agent.getTask(),
      row: await rows("SELECT * FROM tasks WHERE id = ?", id),
      comments,
      consoleLines,
    });
    expect(everything).toContain("[redacted]");
    expect(everything).not.toContain(CONFIGURED);
    expect(everything).not.toContain(TOKEN_SHAPED);
  });
});

describe("a runner that loses the run", () => {
  it("fails the task when the runner no longer knows it (restarted or killed mid-task)", async () => {
    const runner = installFakeRunner();
    runner.dropAfter = 1;
    runner.script = () => [{ type: "phase", phase: "running" }];
    const id = `task_lost_${Date.now()}`;
    await env.DB.prepare(
      "INSERT INTO tasks (id, delivery_id, vendor, event_type, status, title, created_at, updated_at) VALUES (?, ?, 'api', 'manual', 'queued', 'Lost', 0, 0)",
    )
      .bind(id, `dlv_${id}`)
      .run();
    const agent = await taskAgent(id);
    await agent.createTask({
      id,
      deliveryId: `dlv_${id}`,
      vendor: "api",
      eventType: "manual",
      subject: { repository: "acme/lost" },
      title: "Lost",
      prompt: "work",
      links: [],
      reason: "test",
      payloadRef: "",
      createdAt: Date.now(),
    });
    await eventually(async () => (await agent.getTask()).status === "running");
    runner.runs.clear(); // the runner process restarted: it has no record of the run
    const state = await eventually(async () => {
      const s = await agent.getTask();
      return s.status === "failed" ? s : undefined;
    });
    expect(state.result?.reason).toMatch(/runner unreachable: runner answered 404/);
    const [row] = await rows<{ status: string; reason: string }>("SELECT status, reason FROM tasks WHERE id = ?", id);
    expect(row?.status).toBe("failed");
  });
});
