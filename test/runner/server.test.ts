// The HTTP contract of core/runner-protocol.ts: validation, errors, idempotent starts,
// resumable event streams, live streaming, health.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  AUTH,
  parseNdjson,
  postRun,
  readEvents,
  resultOf,
  runRequest,
  startRunner,
  waitFor,
  type TestRunner,
} from "./support/runner-harness";

let runner: TestRunner;
beforeAll(async () => {
  runner = await startRunner({ env: { FAKE_CLI_DELAY_MS: "5" } });
});
afterAll(async () => {
  await runner.close();
});

async function errorOf(response: Response): Promise<{ status: number; code: string; message: string }> {
  const body = (await response.json()) as { error: { code: string; message: string } };
  return { status: response.status, ...body.error };
}

describe("POST /runs", () => {
  it("answers 400 with { error: { code, message } } for a request that breaks the schema", async () => {
    const missing = await errorOf(await postRun(runner.url, { taskId: "t", prompt: "x" }));
    expect(missing).toMatchObject({ status: 400, code: "invalid_request" });
    expect(missing.message).toContain("attempt");
    expect(missing.message).toContain("context");

    const wrongCli = await errorOf(await postRun(runner.url, runRequest({ taskId: "t", prompt: "x", cli: "vim" as "claude" })));
    expect(wrongCli).toMatchObject({ status: 400, code: "invalid_request" });
    expect(wrongCli.message).toMatch(/^cli: /);
  });

  it("answers 400 malformed_json, 415 for another content type and 405 for another method", async () => {
    const bad = await fetch(`${runner.url}/runs`, {
      method: "POST",
      headers: { ...AUTH, "content-type": "application/json" },
      body: "{nope",
    });
    expect(await errorOf(bad)).toMatchObject({ status: 400, code: "malformed_json" });
    const form = await fetch(`${runner.url}/runs`, { method: "POST", headers: { ...AUTH, "content-type": "text/plain" }, body: "{}" });
    expect(await errorOf(form)).toMatchObject({ status: 415, code: "unsupported_media_type" });
    const get = await fetch(`${runner.url}/runs`, { headers: AUTH });
    expect(get.headers.get("allow")).toBe("POST");
    expect(await errorOf(get)).toMatchObject({ status: 405, code: "method_not_allowed" });
  });

  it("is idempotent per taskId + attempt: a repeated POST returns the same run", async () => {
    const body = runRequest({ taskId: "task-idem", prompt: "Hello [fake:slow]" });
    const first = await postRun(runner.url, body);
    const second = await postRun(runner.url, body);
    expect(first.status).toBe(202);
    expect(second.status).toBe(202);
    expect(await first.json()).toEqual({ taskId: "task-idem", attempt: 1 });
    expect(await second.json()).toEqual({ taskId: "task-idem", attempt: 1 });
    const events = await readEvents(runner.url, "task-idem");
    expect(events.filter((e) => e.type === "phase" && e.phase === "running")).toHaveLength(1);
    expect(events.filter((e) => e.type === "result")).toHaveLength(1);
    // After it has finished, the same POST still answers with that run and starts nothing.
    expect((await postRun(runner.url, body)).status).toBe(202);
    expect(await readEvents(runner.url, "task-idem")).toEqual(events);
  });

  it("lets a newer attempt supersede the current one and refuses an older one", async () => {
    expect((await postRun(runner.url, runRequest({ taskId: "task-attempts", attempt: 2, prompt: "Hello [fake:hang]" }))).status).toBe(202);
    const stale = await postRun(runner.url, runRequest({ taskId: "task-attempts", attempt: 1, prompt: "Hello" }));
    expect(await errorOf(stale)).toMatchObject({ status: 409, code: "stale_attempt" });
    expect((await postRun(runner.url, runRequest({ taskId: "task-attempts", attempt: 3, prompt: "Hello" }))).status).toBe(202);
    const result = resultOf(await readEvents(runner.url, "task-attempts"));
    expect(result.outcome).toBe("succeeded");
  });
});

describe("GET /runs/:taskId/events", () => {
  it("answers 404 for an unknown run and 400 for a bad `after`", async () => {
    expect(await errorOf(await fetch(`${runner.url}/runs/nope/events`, { headers: AUTH }))).toMatchObject({
      status: 404,
      code: "not_found",
    });
    await postRun(runner.url, runRequest({ taskId: "task-after", prompt: "Hello" }));
    expect(await errorOf(await fetch(`${runner.url}/runs/task-after/events?after=-1`, { headers: AUTH }))).toMatchObject({
      status: 400,
      code: "bad_request",
    });
  });

  it("resumes after any seq with no gap and no duplicate, twice over", async () => {
    const taskId = "task-resume";
    expect((await postRun(runner.url, runRequest({ taskId, prompt: "Write [fake:write] [fake:slow]" }))).status).toBe(202);
    // Read part of the live stream, then drop the connection.
    const controller = new AbortController();
    const response = await fetch(`${runner.url}/runs/${taskId}/events`, { headers: AUTH, signal: controller.signal });
    const reader = response.body!.getReader();
    let text = "";
    while (text.split("\n").filter(Boolean).length < 4) text += new TextDecoder().decode((await reader.read()).value);
    controller.abort();
    const firstPart = parseNdjson(text.slice(0, text.lastIndexOf("\n") + 1));
    const lastSeen = firstPart.at(-1)!.seq;

    const rest = await readEvents(runner.url, taskId, lastSeen);
    const again = await readEvents(runner.url, taskId, lastSeen);
    expect(again).toEqual(rest);
    const all = [...firstPart, ...rest];
    expect(all.map((e) => e.seq)).toEqual(all.map((_, i) => i + 1));
    expect(all).toEqual(await readEvents(runner.url, taskId));
    expect(resultOf(all).outcome).toBe("succeeded");

    // Past the end there is nothing, and the stream still ends at once.
    expect(await readEvents(runner.url, taskId, all.length)).toEqual([]);
    expect(await readEvents(runner.url, taskId, all.length + 10)).toEqual([]);
  });

  it("streams live: events arrive before the run ends", async () => {
    const taskId = "task-live";
    await postRun(runner.url, runRequest({ taskId, prompt: "Hello [fake:hang]" }));
    const response = await fetch(`${runner.url}/runs/${taskId}/events`, { headers: AUTH });
    const reader = response.body!.getReader();
    let text = "";
    while (!text.includes('"phase":"running"')) text += new TextDecoder().decode((await reader.read()).value);
    expect(text).not.toContain('"type":"result"');
    await fetch(`${runner.url}/runs/${taskId}/cancel`, { method: "POST", headers: AUTH });
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      text += new TextDecoder().decode(value);
    }
    expect(resultOf(parseNdjson(text)).outcome).toBe("cancelled");
  });
});

describe("cancel and health", () => {
  it("cancel of an unknown run answers { cancelled: false }", async () => {
    const response = await fetch(`${runner.url}/runs/unknown-task/cancel`, { method: "POST", headers: AUTH });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ cancelled: false });
  });

  it("health counts the active runs", async () => {
    await postRun(runner.url, runRequest({ taskId: "task-health", prompt: "Hello [fake:hang]" }));
    await waitFor(async () => ((await (await fetch(`${runner.url}/health`)).json()) as { runs: number }).runs >= 1);
    await fetch(`${runner.url}/runs/task-health/cancel`, { method: "POST", headers: AUTH });
    // A cancelled run counts until its process group has ended (SIGTERM, then the grace period).
    await waitFor(async () => ((await (await fetch(`${runner.url}/health`)).json()) as { runs: number }).runs === 0);
    const health = await fetch(`${runner.url}/health`);
    expect(await health.json()).toEqual({ status: "ok", runs: 0 });
    expect(await errorOf(await fetch(`${runner.url}/nowhere`, { headers: AUTH }))).toMatchObject({ status: 404, code: "not_found" });
  });
});
