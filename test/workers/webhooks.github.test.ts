import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { deliver, eventually, rows, send } from "./support";
import * as samples from "./samples";

function commentMentioning(text = "@agent-bot please fix the flaky login test") {
  const payload = samples.github("issue_comment", "created");
  payload.comment.body = text;
  return payload;
}

describe("GitHub webhooks", () => {
  it("accepts a signed issue_comment that mentions the bot and creates one task", async () => {
    const row = await deliver("github", commentMentioning(), { eventType: "issue_comment" });
    expect(row).toMatchObject({
      vendor: "github",
      event_type: "issue_comment",
      action: "created",
      signature: "valid",
      decision: "triggered",
    });
    expect(row.task_id).toMatch(/^task_/);
    const [task] = await rows("SELECT * FROM tasks WHERE id = ?", row.task_id);
    expect(task).toMatchObject({ vendor: "github", delivery_id: row.id, repository: "Codertocat/Hello-World" });
  });

  it.each([
    ["issues", "opened", (p: any) => (p.issue.body = "@agent-bot implement this")],
    ["pull_request", "opened", (p: any) => (p.pull_request.body = "@agent-bot review please")],
    ["pull_request_review_comment", "created", (p: any) => (p.comment.body = "@agent-bot rename this")],
  ])("triggers on %s.%s with a mention", async (event, action, edit) => {
    const payload = samples.github(event, action);
    edit(payload);
    const row = await deliver("github", payload, { eventType: event });
    expect(row.decision).toBe("triggered");
  });

  it("triggers on an issue labelled with the trigger label", async () => {
    const payload = samples.github("issues", "labeled");
    payload.label = { ...payload.label, name: "agent-bot" };
    const row = await deliver("github", payload, { eventType: "issues" });
    expect(row).toMatchObject({ decision: "triggered" });
  });

  it.each([
    ["push", undefined],
    ["installation", "created"],
    ["issue_comment", "created"],
  ])("records %s without starting work", async (event, action) => {
    const row = await deliver("github", samples.github(event, action), { eventType: event });
    expect(row.decision).toBe("not_triggered");
    expect(row.task_id).toBeNull();
  });

  it("refuses a mention from an actor without a permitted association", async () => {
    const payload = commentMentioning();
    payload.comment.author_association = "NONE";
    const row = await deliver("github", payload, { eventType: "issue_comment" });
    expect(row.decision).toBe("refused");
    expect(row.reason).toContain("not permitted");
    expect(await rows("SELECT id FROM tasks WHERE delivery_id = ?", row.id)).toHaveLength(0);
  });

  it("does not answer bots, so the agent cannot trigger itself", async () => {
    const payload = commentMentioning();
    payload.comment.user = { ...payload.comment.user, login: "agent-bot[bot]", type: "Bot" };
    const row = await deliver("github", payload, { eventType: "issue_comment" });
    expect(row.decision).toBe("not_triggered");
  });

  it("does not treat @agent-botany as a mention", async () => {
    const row = await deliver("github", commentMentioning("ask @agent-botany"), { eventType: "issue_comment" });
    expect(row.decision).toBe("not_triggered");
  });

  it("records event types it does not handle as ignored, with 202", async () => {
    const row = await deliver("github", samples.github("star"), { eventType: "star" });
    expect(row).toMatchObject({ decision: "ignored", event_type: "star" });
  });

  it("rejects a forged signature with 401 and records the rejection", async () => {
    const res = await send("github", commentMentioning(), {
      eventType: "issue_comment",
      secret: "not-the-secret",
      deliveryId: "forged-gh-1",
    });
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ error: { code: "invalid_signature", message: expect.stringContaining("X-Hub-Signature-256") } });
    const rejected = await eventually(async () => {
      const [row] = await rows(
        "SELECT signature, decision, event_type FROM deliveries WHERE vendor = 'github' AND delivery_key = '1:forged-gh-1'",
      );
      return row;
    });
    expect(rejected).toEqual({ signature: "invalid", decision: "rejected", event_type: "issue_comment" });
    expect(
      await rows("SELECT id FROM deliveries WHERE vendor = 'github' AND delivery_key = '1:forged-gh-1' AND status != 'rejected'"),
    ).toHaveLength(0);
  });

  it("treats a replayed (stale) delivery as a duplicate: no second task", async () => {
    const payload = commentMentioning();
    const first = await deliver("github", payload, { eventType: "issue_comment", deliveryId: "replayed-gh-1" });
    const res = await send("github", payload, { eventType: "issue_comment", deliveryId: "replayed-gh-1" });
    expect(res.status).toBe(202);
    expect(((await res.json()) as { id: string }).id).toBe(first.id);
    expect(await rows("SELECT id FROM tasks WHERE delivery_id = ?", first.id)).toHaveLength(1);
  });

  it("rejects signed but malformed JSON with 400", async () => {
    const res = await send("github", null, { eventType: "issue_comment", body: '{"action": "created",' });
    expect(res.status).toBe(400);
    expect(((await res.json()) as any).error.code).toBe("malformed_json");
  });

  it("tells deliveries apart by their signed body: another hook's event under the same delivery id is new, the same body is not", async () => {
    const options = (hook: string) => ({ eventType: "issue_comment", deliveryId: "shared-id", headers: { "x-github-hook-id": hook } });
    const a = await deliver("github", commentMentioning(), options("100"));
    const b = await deliver("github", commentMentioning("@agent-bot another request"), options("200"));
    expect(a.id).not.toBe(b.id);
    // The hook id header is not signed: the same body under another hook is a replay.
    const replay = await send("github", commentMentioning(), options("300"));
    expect(((await replay.json()) as { id: string }).id).toBe(a.id);
  });
});

describe("raw payloads", () => {
  it.each([
    ["small, carried on the queue", 0],
    ["large, written to R2 before the reply", 200_000],
  ])("keeps the exact raw body in R2 (%s)", async (_label, padding) => {
    const payload = samples.github("issue_comment", "created");
    payload.comment.body = `@agent-bot ${"x".repeat(padding)}`;
    const body = JSON.stringify(payload);
    const row = await deliver("github", payload, { eventType: "issue_comment", body });
    const stored = await env.PAYLOADS.get(row.payload_ref!);
    expect(await stored?.text()).toBe(body);
  });
});
