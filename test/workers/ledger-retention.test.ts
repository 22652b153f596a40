// Nothing unsigned costs storage for long: the daily Cron Trigger prunes old ledger rows and dead
// letters, and a flood of forged requests shares one ledger row per minute while /metrics counts each.
import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import worker from "../../workers/index";
import * as samples from "./samples";
import { eventually, rows, send } from "./support";

const DAY = 86_400_000;

describe("ledger retention", () => {
  it("the cron prunes rejected and processed rows and dead letters older than LEDGER_RETENTION_DAYS, and keeps the rest", async () => {
    const old = Date.now() - 31 * DAY;
    const insert = (id: string, status: string, receivedAt: number) =>
      env.DB.prepare(
        `INSERT INTO deliveries (id, vendor, delivery_key, event_type, signature, status, decision, received_at)
         VALUES (?, 'github', 'k', 'issue_comment', 'valid', ?, 'ignored', ?)`,
      )
        .bind(id, status, receivedAt)
        .run();
    await insert("rej_old", "rejected", old);
    await insert("dlv_old", "processed", old);
    await insert("dlv_stuck", "processing", old);
    await insert("dlv_new", "processed", Date.now());
    await env.DB.prepare(
      `INSERT INTO dead_letters (id, queue, body, attempts, received_at) VALUES ('dl_old', 'agent-bot-events', '{}', 5, ?)`,
    )
      .bind(old)
      .run();

    const ctx = createExecutionContext();
    await worker.scheduled(createScheduledController({ scheduledTime: Date.now(), cron: "17 3 * * *" }), env, ctx);
    await waitOnExecutionContext(ctx);

    const kept = await rows<{ id: string }>("SELECT id FROM deliveries WHERE id IN ('rej_old', 'dlv_old', 'dlv_stuck', 'dlv_new')");
    expect(kept.map((r) => r.id).sort()).toEqual(["dlv_new", "dlv_stuck"]);
    expect(await rows("SELECT id FROM dead_letters WHERE id = 'dl_old'")).toHaveLength(0);
  });

  it("twenty forged requests in a minute are one ledger row, and twenty in /metrics", async () => {
    for (let i = 0; i < 20; i++) {
      const res = await send("sentry", samples.sentry.comment(), { secret: "wrong", eventType: "comment", deliveryId: `forged-${i}` });
      expect(res.status).toBe(401);
    }
    // Ledger and counters are written after the reply (waitUntil).
    await eventually(async () => {
      const [counter] = await rows<{ value: number }>(
        "SELECT value FROM metric_counters WHERE name = 'agentbot_webhooks_rejected_total' AND labels LIKE '%sentry%'",
      );
      return counter?.value === 20;
    });
    const rejected = await eventually(async () => {
      const found = await rows<{ duplicates: number }>("SELECT duplicates FROM deliveries WHERE vendor = 'sentry' AND status = 'rejected'");
      return found.reduce((n, r) => n + r.duplicates + 1, 0) === 20 && found;
    });
    expect(rejected.length).toBeLessThanOrEqual(2); // a minute boundary may fall inside the loop
  });
});
