import { describe, expect, it } from "vitest";
import { deliver, rows, send } from "./support";
import * as samples from "./samples";

const now = () => Math.floor(Date.now() / 1000);

describe("Slack webhooks", () => {
  it("answers the url_verification challenge", async () => {
    const payload = samples.slack.urlVerification();
    const res = await send("slack", payload);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ challenge: payload.challenge });
  });

  it("does not answer the challenge without a valid signature", async () => {
    const res = await send("slack", samples.slack.urlVerification(), { secret: "wrong" });
    expect(res.status).toBe(401);
  });

  it("triggers on an app_mention in an allowed workspace", async () => {
    const row = await deliver("slack", samples.slack.appMention());
    expect(row).toMatchObject({ event_type: "app_mention", decision: "triggered", delivery_key: "Ev0LAN670R" });
    const [task] = await rows("SELECT * FROM tasks WHERE id = ?", row.task_id);
    expect(task).toMatchObject({ vendor: "slack", subject: "slack:C0LAN2Q65/1515449522.000016" });
  });

  it("records a reply in a thread without starting work", async () => {
    const row = await deliver("slack", samples.slack.messageThread());
    expect(row).toMatchObject({ event_type: "message", decision: "not_triggered" });
  });

  it("ignores a channel message outside a thread", async () => {
    const payload = samples.slack.messageThread();
    delete payload.event.thread_ts;
    payload.event_id = "Ev-no-thread";
    const row = await deliver("slack", payload);
    expect(row.decision).toBe("ignored");
  });

  it("refuses a mention from a workspace that is not allowed", async () => {
    const payload = samples.slack.appMention();
    payload.team_id = "T9999";
    payload.event_id = "Ev-other-team";
    const row = await deliver("slack", payload);
    expect(row.decision).toBe("refused");
    expect(row.reason).toContain("SLACK_ALLOWED_TEAMS");
  });

  it("treats Slack's retries (same event_id, X-Slack-Retry-Num) as one event", async () => {
    const payload = samples.slack.appMention();
    payload.event_id = "Ev-retried";
    // A thread of its own: a later mention in a thread with a task is that task's next turn.
    payload.event.ts = "1515449522.000901";
    const first = await deliver("slack", payload);
    for (const attempt of ["1", "2"]) {
      const res = await send("slack", payload, { headers: { "x-slack-retry-num": attempt, "x-slack-retry-reason": "http_timeout" } });
      expect(res.status).toBe(202);
    }
    expect(await rows("SELECT id FROM tasks WHERE delivery_id = ?", first.id)).toHaveLength(1);
  });

  it("rejects a forged signature with 401", async () => {
    const res = await send("slack", samples.slack.appMention(), { secret: "wrong" });
    expect(res.status).toBe(401);
    expect(((await res.json()) as any).error.code).toBe("invalid_signature");
  });

  it.each([
    ["older", -301],
    ["newer", +301],
  ])("rejects a timestamp %s than the 5-minute window with 401", async (_label, offset) => {
    const res = await send("slack", samples.slack.appMention(), { timestamp: now() + offset });
    expect(res.status).toBe(401);
    expect(((await res.json()) as any).error.code).toBe("stale_timestamp");
  });

  it("accepts a timestamp inside the window", async () => {
    const payload = samples.slack.appMention();
    payload.event_id = "Ev-in-window";
    const res = await send("slack", payload, { timestamp: now() - 290 });
    expect(res.status).toBe(202);
  });

  it("rejects signed but malformed JSON with 400", async () => {
    const res = await send("slack", null, { body: '{"type": "event_callback"' });
    expect(res.status).toBe(400);
  });
});
