// The TaskAgent's runner client authenticates every call with RUNNER_SECRET, and says so
// when the secret is missing instead of sending calls the runner would refuse.
import { describe, expect, it } from "vitest";
import { RunnerUnavailableError, runnerFor, urlRunner } from "../../durable-objects/runner/runner-client";
import { RUNNER_SECRET } from "./fake-runner";

function recordingFetch(seen: { path: string; authorization: string | null }[]): typeof fetch {
  return async (input, init) => {
    const request = new Request(input, init);
    seen.push({ path: new URL(request.url).pathname, authorization: request.headers.get("authorization") });
    return request.url.endsWith("/cancel") ? Response.json({ cancelled: true }) : new Response("", { status: 202 });
  };
}

describe("runner client authentication", () => {
  it("sends Authorization: Bearer <RUNNER_SECRET> on start, events and cancel", async () => {
    const seen: { path: string; authorization: string | null }[] = [];
    const runner = urlRunner("http://runner.test", RUNNER_SECRET, recordingFetch(seen));
    await runner.start({ taskId: "t1" } as Parameters<typeof runner.start>[0]);
    await runner.events("t1", 0).catch(() => undefined);
    await runner.cancel("t1");
    expect(seen.map((s) => s.path)).toEqual(["/runs", "/runs/t1/events", "/runs/t1/cancel"]);
    expect(seen.every((s) => s.authorization === `Bearer ${RUNNER_SECRET}`)).toBe(true);
  });

  it("refuses to call the runner without RUNNER_SECRET", async () => {
    const seen: { path: string; authorization: string | null }[] = [];
    const runner = urlRunner("http://runner.test", undefined, recordingFetch(seen));
    await expect(runner.cancel("t1")).rejects.toThrow(RunnerUnavailableError);
    await expect(runner.cancel("t1")).rejects.toThrow(/RUNNER_SECRET is not set/);
    expect(seen).toEqual([]);
    // A blank secret counts as none.
    const blank = runnerFor({ RUNNER_URL: "http://runner.test", RUNNER_SECRET: "  " } as Parameters<typeof runnerFor>[0]);
    await expect(blank.cancel("t1")).rejects.toThrow(/RUNNER_SECRET is not set/);
  });

  it("during a rotation retries a 401 with RUNNER_SECRET_PREVIOUS, which a container started before still holds", async () => {
    const previous = "previous-runner-secret-0123456789abcdef";
    const seen: string[] = [];
    const oldContainer: typeof fetch = async (input, init) => {
      const authorization = new Request(input, init).headers.get("authorization") ?? "";
      seen.push(authorization);
      return authorization === `Bearer ${previous}` ? Response.json({ cancelled: true }) : new Response("unauthorized", { status: 401 });
    };
    const rotating = urlRunner("http://runner.test", RUNNER_SECRET, oldContainer, previous);
    expect(await rotating.cancel("t1")).toBe(true);
    expect(seen).toEqual([`Bearer ${RUNNER_SECRET}`, `Bearer ${previous}`]);
    // Without a previous secret the 401 stands.
    await expect(urlRunner("http://runner.test", RUNNER_SECRET, oldContainer).cancel("t1")).rejects.toThrow(/runner answered 401/);
  });
});
