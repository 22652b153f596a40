import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import worker from "../../workers/index";
import { send } from "./support";
import * as samples from "./samples";

afterEach(() => vi.restoreAllMocks());

function captureLogs() {
  const lines: Record<string, unknown>[] = [];
  const capture = (text: unknown) => {
    if (typeof text === "string" && text.startsWith("{")) lines.push(JSON.parse(text));
  };
  vi.spyOn(console, "log").mockImplementation(capture);
  vi.spyOn(console, "warn").mockImplementation(capture);
  vi.spyOn(console, "error").mockImplementation(capture);
  return lines;
}

describe("request logs", () => {
  it("writes one JSON line per request with ids and outcome, never the payload or a secret", async () => {
    const lines = captureLogs();
    const payload = samples.github("issue_comment", "created");
    payload.comment.body = "@agent-bot this text must not be logged";
    const res = await send("github", payload, { eventType: "issue_comment", deliveryId: "log-1" });
    const { id } = (await res.json()) as { id: string };

    const requestLines = lines.filter((l) => l.kind === "request");
    expect(requestLines).toHaveLength(1);
    expect(requestLines[0]).toMatchObject({
      level: "info",
      method: "POST",
      path: "/webhooks/github",
      status: 202,
      vendor: "github",
      deliveryId: id,
      outcome: "queued",
      requestId: expect.any(String),
      durationMs: expect.any(Number),
    });
    const text = JSON.stringify(lines);
    expect(text).not.toContain("must not be logged");
    expect(text).not.toContain(env.GITHUB_WEBHOOK_SECRET);
  });

  it("logs the rejection reason for a forged request", async () => {
    const lines = captureLogs();
    await send("github", {}, { eventType: "issue_comment", secret: "forged" });
    expect(lines.find((l) => l.kind === "request")).toMatchObject({ status: 401, outcome: "invalid_signature", vendor: "github" });
  });
});

describe("error reporting", () => {
  it("reports an unhandled error to Sentry (toucan-js) when SENTRY_DSN is set, and answers 500 without details", async () => {
    captureLogs();
    const sentryRequests: Request[] = [];
    const realFetch = globalThis.fetch;
    vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
      const request = new Request(input, init);
      if (new URL(request.url).hostname === "sentry.example") {
        sentryRequests.push(request);
        return new Response("{}", { status: 200 });
      }
      return realFetch(input, init);
    });
    const brokenDb = new Proxy(env.DB, {
      get: (target, prop) =>
        prop === "prepare"
          ? () => {
              throw new Error(`D1 is down (${env.API_TOKEN})`);
            }
          : Reflect.get(target, prop),
    });
    const ctx = createExecutionContext();
    const res = await worker.fetch(
      new Request("https://agent-bot.test/api/events", { headers: { authorization: `Bearer ${env.API_TOKEN}` } }),
      { ...env, DB: brokenDb, SENTRY_DSN: "https://public@sentry.example/42" },
      ctx,
    );
    await waitOnExecutionContext(ctx);
    expect(res.status).toBe(500);
    expect(await res.json()).toEqual({ error: { code: "internal", message: "internal error" } });
    expect(sentryRequests.length).toBeGreaterThan(0);
    const envelope = await sentryRequests[0]!.text();
    expect(sentryRequests[0]!.url).toContain("/api/42/");
    expect(envelope).toContain("D1 is down ([redacted])");
    expect(envelope).not.toContain(env.API_TOKEN);
  });

  it("sends nothing to Sentry when SENTRY_DSN is unset", async () => {
    captureLogs();
    const fetchSpy = vi.spyOn(globalThis, "fetch");
    const brokenDb = new Proxy(env.DB, {
      get: (t, p) =>
        p === "prepare"
          ? () => {
              throw new Error("down");
            }
          : Reflect.get(t, p),
    });
    const ctx = createExecutionContext();
    const res = await worker.fetch(
      new Request("https://agent-bot.test/api/events", { headers: { authorization: `Bearer ${env.API_TOKEN}` } }),
      { ...env, DB: brokenDb },
      ctx,
    );
    await waitOnExecutionContext(ctx);
    expect(res.status).toBe(500);
    expect(fetchSpy).not.toHaveBeenCalled();
  });
});
