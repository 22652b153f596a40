// The bad-input table: each case gets its defined status and error code, and
// nothing reaches the queue (no accepted ledger row ever appears).
import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { rows, send, type Vendor } from "./support";
import * as samples from "./samples";

const comment = () => {
  const payload = samples.github("issue_comment", "created");
  payload.comment.body = "@agent-bot do it";
  return payload;
};

async function expectError(res: Response, status: number, code: string) {
  expect(res.status).toBe(status);
  const body = (await res.json()) as { error: { code: string; message: string } };
  expect(body.error.code).toBe(code);
  expect(body.error.message.length).toBeGreaterThan(5);
  return body.error.message;
}

/** Nothing enqueued: after the consumer's batch window, no accepted row exists for the delivery. */
async function expectNothingQueued(vendor: Vendor, deliveryKey: string) {
  await new Promise((resolve) => setTimeout(resolve, 1500));
  const accepted = await rows(
    "SELECT id FROM deliveries WHERE vendor = ? AND delivery_key LIKE ? AND status != 'rejected'",
    vendor,
    `%${deliveryKey}`,
  );
  expect(accepted).toHaveLength(0);
}

describe("bad input", () => {
  it("missing signature → 401", async () => {
    const body = JSON.stringify(comment());
    const res = await exports.default.fetch("https://agent-bot.test/webhooks/github", {
      method: "POST",
      headers: { "content-type": "application/json", "x-github-event": "issue_comment", "x-github-delivery": "no-sig-1" },
      body,
    });
    await expectError(res, 401, "invalid_signature");
    await expectNothingQueued("github", "no-sig-1");
  });

  it("invalid signature → 401", async () => {
    await expectError(
      await send("github", comment(), { eventType: "issue_comment", secret: "x", deliveryId: "bad-sig-1" }),
      401,
      "invalid_signature",
    );
    await expectNothingQueued("github", "bad-sig-1");
  });

  it("Slack timestamp outside the window → 401", async () => {
    const payload = samples.slack.appMention();
    payload.event_id = "Ev-stale-1";
    const res = await send("slack", payload, { timestamp: Math.floor(Date.now() / 1000) - 3600 });
    await expectError(res, 401, "stale_timestamp");
    await expectNothingQueued("slack", "Ev-stale-1");
  });

  it("signed but malformed JSON → 400", async () => {
    await expectError(
      await send("github", null, { eventType: "issue_comment", body: "{", deliveryId: "malformed-1" }),
      400,
      "malformed_json",
    );
    await expectNothingQueued("github", "malformed-1");
  });

  it("body over the limit (25 MB) → 413, judged from Content-Length before reading", async () => {
    const res = await send("github", null, {
      eventType: "issue_comment",
      deliveryId: "too-big-1",
      body: JSON.stringify({ padding: "x".repeat(25 * 1024 * 1024) }),
    });
    await expectError(res, 413, "payload_too_large");
    await expectNothingQueued("github", "too-big-1");
  });

  it("body over the limit without Content-Length (chunked) → 413", async () => {
    const chunk = new TextEncoder().encode("x".repeat(1024 * 1024));
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent++ < 27) controller.enqueue(chunk);
        else controller.close();
      },
    });
    const res = await exports.default.fetch("https://agent-bot.test/webhooks/github", {
      method: "POST",
      headers: { "content-type": "application/json", "x-github-event": "issue_comment", "x-hub-signature-256": "sha256=00" },
      body,
    });
    await expectError(res, 413, "payload_too_large");
  });

  it("wrong content type → 415", async () => {
    const message = await expectError(
      await send("github", comment(), { eventType: "issue_comment", headers: { "content-type": "application/x-www-form-urlencoded" } }),
      415,
      "unsupported_media_type",
    );
    expect(message).toContain("application/json");
  });

  it("unknown vendor → 404", async () => {
    const res = await exports.default.fetch("https://agent-bot.test/webhooks/gitlab", { method: "POST", body: "{}" });
    await expectError(res, 404, "unknown_vendor");
  });

  it("wrong method → 405 with Allow: POST", async () => {
    const res = await exports.default.fetch("https://agent-bot.test/webhooks/github");
    await expectError(res, 405, "method_not_allowed");
    expect(res.headers.get("allow")).toBe("POST");
  });

  it("a vendor whose secret is not configured → 503 naming the setting", async () => {
    // The same Worker code, with the Slack secret unset in its environment.
    const { default: worker } = await import("../../workers/index");
    const { createExecutionContext, waitOnExecutionContext } = await import("cloudflare:test");
    const ctx = createExecutionContext();
    const res = await worker.fetch(
      new Request("https://agent-bot.test/webhooks/slack", { method: "POST", headers: { "content-type": "application/json" }, body: "{}" }),
      { ...env, SLACK_SIGNING_SECRET: "" },
      ctx,
    );
    await waitOnExecutionContext(ctx);
    const message = await expectError(res, 503, "not_configured");
    expect(message).toContain("SLACK_SIGNING_SECRET");
  });

  it("unknown routes → 404 in the JSON error shape", async () => {
    await expectError(await exports.default.fetch("https://agent-bot.test/nope"), 404, "not_found");
  });
});
