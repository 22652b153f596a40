// GET /health stays open and shallow; GET /health?deep=1 needs the API token and reaches D1, R2,
// the queue and the runner, each with its latency, answering 503 when one of them fails.
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { deepHealth } from "../../workers/observability/deep-health";
import { RUNNER_URL } from "./fake-runner";
import { api } from "./support";

afterEach(() => vi.restoreAllMocks());

/** Answers the runner's /health like containers/runner/server.ts; anything else fails. */
function runnerAnswers(status: number): void {
  vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
    const request = new Request(input, init);
    if (request.url === `${RUNNER_URL}/health`) return Response.json({ status: "ok", runs: 3 }, { status });
    throw new TypeError(`unexpected request in test: ${request.method} ${request.url}`);
  });
}

describe("GET /health", () => {
  it("is open and shallow without deep=1", async () => {
    const res = await api("/health", { token: null });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: "ok" });
  });

  it("refuses deep=1 without the API token", async () => {
    expect((await api("/health?deep=1", { token: null })).status).toBe(401);
    expect((await api("/health?deep=1", { token: "wrong" })).status).toBe(401);
  });

  it("checks D1, R2, the queue and the runner, each with its latency", async () => {
    runnerAnswers(200);
    const res = await api("/health?deep=1");
    expect(res.status).toBe(200);
    const body = (await res.json()) as Awaited<ReturnType<typeof deepHealth>>;
    expect(body.status).toBe("ok");
    expect(Object.keys(body.checks).sort()).toEqual(["d1", "queue", "r2", "runner"]);
    for (const check of Object.values(body.checks)) {
      expect(check.ok).toBe(true);
      expect(check.latencyMs).toBeGreaterThanOrEqual(0);
    }
    expect(body.checks.d1.detail).toMatch(/^\d+ migrations applied$/);
    expect(body.checks.queue.detail).toMatch(/^backlog \d+$/);
    expect(body.checks.runner.detail).toBe("runner process, 3 runs");
  });

  it("is degraded (503) when the runner is down, naming why", async () => {
    vi.spyOn(globalThis, "fetch").mockRejectedValue(new TypeError("fetch failed: connection refused"));
    const res = await api("/health?deep=1");
    expect(res.status).toBe(503);
    const body = (await res.json()) as Awaited<ReturnType<typeof deepHealth>>;
    expect(body.status).toBe("degraded");
    expect(body.checks.runner).toMatchObject({ ok: false, error: "fetch failed: connection refused" });
    expect(body.checks.d1.ok).toBe(true);
  });

  it("reports a runner answering an error status, and a failing D1", async () => {
    runnerAnswers(500);
    const brokenDb = { prepare: () => ({ first: () => Promise.reject(new Error("D1_ERROR: no such table")) }) };
    const health = await deepHealth({ ...env, DB: brokenDb as unknown as D1Database });
    expect(health.checks.runner).toMatchObject({ ok: false, error: "runner answered 500 to /health" });
    expect(health.checks.d1).toMatchObject({ ok: false, error: "D1_ERROR: no such table" });
  });

  it("does not start a container to probe it when there is no RUNNER_URL", async () => {
    const health = await deepHealth({ ...env, RUNNER_URL: "" });
    expect(health.checks.runner).toMatchObject({ ok: true, detail: expect.stringContaining("container per task") });
    const unset = await deepHealth({ ...env, RUNNER_URL: "", RUNNER_SECRET: "" });
    expect(unset.checks.runner).toMatchObject({ ok: false, error: expect.stringContaining("RUNNER_SECRET") });
  });
});
