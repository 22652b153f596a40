// The runner's API authentication: every route but /health needs the bearer token the
// TaskAgent holds (RUNNER_SECRET), and the CLI a run starts never sees that token.
import { readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../containers/runner/config";
import {
  AUTH,
  agentWritableDir,
  postRun,
  RUNNER_SECRET,
  readEvents,
  resultOf,
  runRequest,
  startRunner,
  type TestRunner,
} from "./support/runner-harness";

let dir: string;
let recordFile: string;
let runner: TestRunner;
beforeAll(async () => {
  dir = await agentWritableDir("agent-bot-auth-");
  recordFile = join(dir, "fake-cli.jsonl");
  runner = await startRunner({ env: { FAKE_CLI_RECORD: recordFile, FAKE_CLI_DELAY_MS: "5" } });
});
afterAll(async () => {
  await runner?.close();
  await rm(dir, { recursive: true, force: true });
});

const WRONG = { authorization: `Bearer ${RUNNER_SECRET.replace(/.$/, "X")}` };
const CALLERS = { "no header": {}, "a wrong secret": WRONG, "another scheme": { authorization: `Basic ${RUNNER_SECRET}` } };

async function expectUnauthorized(response: Response): Promise<void> {
  expect(response.status).toBe(401);
  expect(response.headers.get("www-authenticate")).toBe("Bearer");
  expect(((await response.json()) as { error: { code: string } }).error.code).toBe("unauthorized");
}

describe("runner API authentication", () => {
  it.each(Object.entries(CALLERS))("refuses POST /runs with %s (401) and starts nothing", async (_, headers) => {
    const taskId = `task-auth-start-${Object.keys(headers).length}-${Date.now()}`;
    const response = await fetch(`${runner.url}/runs`, {
      method: "POST",
      headers: { ...headers, "content-type": "application/json" },
      body: JSON.stringify(runRequest({ taskId, prompt: "hello" })),
    });
    await expectUnauthorized(response);
    expect(runner.server.registry.get(taskId)).toBeUndefined();
  });

  it("keeps another task's stream and cancel out of reach without the secret, and serves them with it", async () => {
    const taskId = "task-auth-other";
    // A run long enough to still be going while the unauthenticated calls are made.
    const started = await postRun(runner.url, runRequest({ taskId, prompt: "wait [fake:hang]", timeoutMs: 15_000 }));
    expect(started.status).toBe(202);
    for (const headers of Object.values(CALLERS)) {
      await expectUnauthorized(await fetch(`${runner.url}/runs/${taskId}/events`, { headers }));
      await expectUnauthorized(await fetch(`${runner.url}/runs/${taskId}/cancel`, { method: "POST", headers }));
      // Unknown routes too: an unauthenticated caller learns nothing about what exists.
      await expectUnauthorized(await fetch(`${runner.url}/runs/no-such-task/events`, { headers }));
    }
    expect(runner.server.registry.get(taskId)?.log.done).toBe(false);

    const cancel = await fetch(`${runner.url}/runs/${taskId}/cancel`, { method: "POST", headers: AUTH });
    expect(await cancel.json()).toEqual({ cancelled: true });
    expect(resultOf(await readEvents(runner.url, taskId)).outcome).toBe("cancelled");
  });

  it("leaves /health open", async () => {
    const health = await fetch(`${runner.url}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: "ok" });
  });

  it("keeps RUNNER_SECRET out of the CLI's environment", async () => {
    const taskId = "task-auth-env";
    const started = await postRun(runner.url, runRequest({ taskId, prompt: "hello" }));
    expect(started.status).toBe(202);
    expect(resultOf(await readEvents(runner.url, taskId)).outcome).toBe("succeeded");
    const records = (await readFile(recordFile, "utf8"))
      .split("\n")
      .filter(Boolean)
      .map((line) => JSON.parse(line) as { env?: Record<string, string> });
    const envs = records.map((r) => r.env).filter((env): env is Record<string, string> => Boolean(env));
    expect(envs.length).toBeGreaterThan(0);
    for (const env of envs) {
      expect(env).not.toHaveProperty("RUNNER_SECRET");
      expect(Object.values(env)).not.toContain(RUNNER_SECRET);
    }
  });
});

describe("rotating RUNNER_SECRET", () => {
  it("accepts RUNNER_SECRET_PREVIOUS beside the current secret, and nothing else", async () => {
    const previous = "previous-runner-secret-0123456789abcdef";
    const rotating = await startRunner({ env: { RUNNER_SECRET_PREVIOUS: previous } });
    try {
      const cancel = (token: string) =>
        fetch(`${rotating.url}/runs/none/cancel`, { method: "POST", headers: { authorization: `Bearer ${token}` } });
      expect((await cancel(RUNNER_SECRET)).status).toBe(200);
      expect((await cancel(previous)).status).toBe(200);
      await expectUnauthorized(await cancel("another-secret-0123456789abcdef0123456789"));
    } finally {
      await rotating.close();
    }
    // Without it, the old secret is refused.
    expect(
      (await fetch(`${runner.url}/runs/none/cancel`, { method: "POST", headers: { authorization: `Bearer ${previous}` } })).status,
    ).toBe(401);
    expect(() => loadConfig({ RUNNER_SECRET, RUNNER_SECRET_PREVIOUS: "short" })).toThrow(/RUNNER_SECRET_PREVIOUS: at least 32 characters/);
    expect(loadConfig({ RUNNER_SECRET, RUNNER_SECRET_PREVIOUS: "" }).previousSecret).toBeUndefined();
  });
});

describe("the runner's RUNNER_SECRET setting", () => {
  it("is required, and at least 32 characters", () => {
    expect(() => loadConfig({ PATH: "/usr/bin" })).toThrow(/RUNNER_SECRET: required/);
    expect(() => loadConfig({ PATH: "/usr/bin", RUNNER_SECRET: "short" })).toThrow(/RUNNER_SECRET: at least 32 characters/);
    expect(loadConfig({ RUNNER_SECRET }).secret).toBe(RUNNER_SECRET);
  });
});
