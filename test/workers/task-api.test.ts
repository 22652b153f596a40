// Task management over the API: create by hand, read logs, cancel, retry, and
// the live WebSocket feed (backlog first, then live events).
import { env, exports } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { installFakeRunner } from "./fake-runner";
import { api, eventually } from "./support";

afterEach(() => vi.restoreAllMocks());

type State = { status: string; spec: { id: string; cli?: string; skills?: string[] } };

async function createTask(body: Record<string, unknown>, key = crypto.randomUUID()) {
  const res = await api("/api/tasks", {
    method: "POST",
    headers: { "content-type": "application/json", "idempotency-key": key },
    body: JSON.stringify(body),
  });
  return { res, body: (await res.json()) as { id: string; created: boolean; state: State } };
}

async function status(id: string) {
  return ((await (await api(`/api/tasks/${id}`)).json()) as { state: State }).state.status;
}

describe("task API", () => {
  it("creates a task by hand (idempotent per Idempotency-Key) and runs it", async () => {
    const runner = installFakeRunner();
    runner.script = () => [{ type: "result", outcome: "succeeded", summary: "done" }];
    const key = crypto.randomUUID();
    const first = await createTask({ repository: "acme/shop", prompt: "Add a health check", cli: "cursor", skill: "implement-issue" }, key);
    expect(first.res.status).toBe(201);
    expect(first.body.state.spec).toMatchObject({ cli: "cursor", skills: ["implement-issue"] });
    const again = await createTask({ repository: "acme/shop", prompt: "Add a health check" }, key);
    expect(again.res.status).toBe(200);
    expect(again.body).toMatchObject({ id: first.body.id, created: false });

    await eventually(async () => (await status(first.body.id)) === "succeeded");
    expect(runner.runs.get(first.body.id)?.request).toMatchObject({ cli: "cursor", skills: ["implement-issue"] });
  });

  it("rejects an invalid task with 400", async () => {
    const { res } = await createTask({ repository: "not a repo", prompt: "" });
    expect(res.status).toBe(400);
  });

  it("cancels a running task, refuses to retry a running one (409), and retries a cancelled one", async () => {
    const runner = installFakeRunner();
    runner.script = () => [{ type: "phase", phase: "running" }];
    const { body } = await createTask({ repository: "acme/cancel", prompt: "Long job" });
    await eventually(async () => (await status(body.id)) === "running");

    const early = await api(`/api/tasks/${body.id}/retry`, { method: "POST" });
    expect(early.status).toBe(409);

    const cancel = await api(`/api/tasks/${body.id}/cancel`, { method: "POST" });
    expect(cancel.status).toBe(200);
    expect(((await cancel.json()) as { state: State }).state.status).toBe("cancelled");

    const retry = await api(`/api/tasks/${body.id}/retry`, { method: "POST" });
    expect(retry.status).toBe(202);
    await eventually(async () => (await status(body.id)) === "running");
    await api(`/api/tasks/${body.id}/cancel`, { method: "POST" });
  });

  it("pages the log with ?after=", async () => {
    const runner = installFakeRunner();
    runner.script = () => [
      { type: "assistant_text", text: "one" },
      { type: "assistant_text", text: "two" },
      { type: "result", outcome: "succeeded", summary: "done" },
    ];
    const { body } = await createTask({ repository: "acme/logs", prompt: "Log please" });
    await eventually(async () => (await status(body.id)) === "succeeded");
    const all = (await (await api(`/api/tasks/${body.id}/logs`)).json()) as { items: { seq: number }[]; next: number };
    const tail = (await (await api(`/api/tasks/${body.id}/logs?after=2`)).json()) as { items: { seq: number }[] };
    expect(tail.items).toEqual(all.items.slice(2));
    expect(all.next).toBe(all.items.at(-1)?.seq);
    expect((await api("/api/tasks/task_missing/logs")).status).toBe(404);
  });

  it("streams the log over a WebSocket: backlog after ?after=, then live events", async () => {
    const runner = installFakeRunner();
    runner.script = () => [{ type: "phase", phase: "running" }];
    const { body } = await createTask({ repository: "acme/live", prompt: "Live" });
    await eventually(async () => (await status(body.id)) === "running");

    const res = await exports.default.fetch(`https://agent-bot.test/api/tasks/${body.id}/live?after=1&token=${env.API_TOKEN}`, {
      headers: { upgrade: "websocket" },
    });
    expect(res.status).toBe(101);
    const socket = res.webSocket!;
    const seen: { type: string; entry?: { seq: number; message: string } }[] = [];
    socket.addEventListener("message", (event) => seen.push(JSON.parse(String(event.data))));
    socket.accept();

    const logs = (await eventually(async () => seen.filter((m) => m.type === "log").length >= 3 && seen)).filter((m) => m.type === "log");
    expect(logs[0]?.entry?.seq).toBe(2);
    runner.emit(body.id, { type: "assistant_text", text: "live line" });
    await eventually(async () => seen.some((m) => m.entry?.message === "live line"));
    const seqs = seen.filter((m) => m.type === "log").map((m) => m.entry!.seq);
    expect(new Set(seqs).size).toBe(seqs.length);
    socket.close();
    await api(`/api/tasks/${body.id}/cancel`, { method: "POST" });
  });

  it("refuses the live feed without a valid token", async () => {
    const res = await exports.default.fetch(`https://agent-bot.test/api/tasks/task_x/live?token=wrong`, {
      headers: { upgrade: "websocket" },
    });
    expect(res.status).toBe(401);
  });
});
