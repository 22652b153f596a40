import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { hmacHex } from "../../scripts/webhook-signer.mjs";
import { deliver, rows, send } from "./support";
import * as samples from "./samples";

describe("Jira webhooks", () => {
  it("triggers on a created issue labelled agent-bot in an allowed project", async () => {
    const row = await deliver("jira", samples.jira.issueCreated());
    expect(row).toMatchObject({ event_type: "jira:issue_created", decision: "triggered" });
    const [task] = await rows("SELECT * FROM tasks WHERE id = ?", row.task_id);
    expect(task).toMatchObject({ vendor: "jira", subject: "PAY-142", url: "https://example.atlassian.net/browse/PAY-142" });
  });

  it("triggers when an update assigns the ticket to the bot account", async () => {
    const payload = samples.jira.issueUpdated();
    payload.issue.fields.labels = [];
    const row = await deliver("jira", payload);
    expect(row.decision).toBe("triggered");
    expect(row.reason).toContain("assigned to the bot account");
  });

  it("does not re-trigger on an unrelated update of an already-assigned ticket", async () => {
    const payload = samples.jira.issueUpdated();
    payload.changelog.items = [{ field: "summary", fieldtype: "jira", from: null, fromString: "old", to: null, toString: "new" }];
    const row = await deliver("jira", payload);
    expect(row.decision).toBe("not_triggered");
  });

  it("triggers on a comment that mentions the bot", async () => {
    const row = await deliver("jira", samples.jira.commentCreated());
    expect(row).toMatchObject({ event_type: "comment_created", decision: "triggered" });
  });

  it("refuses work in a project that is not allowed", async () => {
    const payload = samples.jira.issueCreated();
    payload.issue.fields.project.key = "HR";
    const row = await deliver("jira", payload);
    expect(row.decision).toBe("refused");
    expect(row.reason).toContain("JIRA_ALLOWED_PROJECTS");
  });

  it("records event types it does not handle as ignored", async () => {
    const payload = { ...samples.jira.issueCreated(), webhookEvent: "jira:issue_deleted" };
    const row = await deliver("jira", payload);
    expect(row.decision).toBe("ignored");
  });

  it("rejects a forged X-Hub-Signature with 401", async () => {
    const res = await send("jira", samples.jira.issueCreated(), { secret: "wrong" });
    expect(res.status).toBe(401);
  });

  it("treats a retried delivery (same X-Atlassian-Webhook-Identifier) as a duplicate", async () => {
    const payload = samples.jira.commentCreated();
    // A ticket of its own: a later mention on a ticket with a task is that task's next turn.
    payload.issue.key = "PAY-901";
    const first = await deliver("jira", payload, { deliveryId: "jira-retry-1" });
    const res = await send("jira", payload, { deliveryId: "jira-retry-1", headers: { "x-atlassian-webhook-retry": "1" } });
    expect(res.status).toBe(202);
    expect(await rows("SELECT id FROM tasks WHERE delivery_id = ?", first.id)).toHaveLength(1);
  });

  it("rejects signed but malformed JSON with 400", async () => {
    const res = await send("jira", null, { body: "{not json" });
    expect(res.status).toBe(400);
  });

  describe("shared-secret token fallback for app-registered webhooks", () => {
    const post = (query: string, body: string, headers: Record<string, string> = {}) =>
      exports.default.fetch(`https://agent-bot.test/webhooks/jira${query}`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-atlassian-webhook-identifier": crypto.randomUUID(), ...headers },
        body,
      });

    it("refuses the right ?token= without a signature while JIRA_WEBHOOK_SECRET is set (webhooks.abuse.test.ts: when it is accepted)", async () => {
      const res = await post("?token=test-jira-token", JSON.stringify(samples.jira.issueCreated()));
      expect(res.status).toBe(401);
    });

    it("rejects a wrong ?token= and a request with neither token nor signature", async () => {
      expect((await post("?token=guess", "{}")).status).toBe(401);
      const res = await post("", "{}");
      expect(res.status).toBe(401);
      expect(((await res.json()) as any).error.message).toContain("X-Hub-Signature");
    });

    it("prefers a present signature over the token: a bad signature fails even with the right token", async () => {
      const body = JSON.stringify(samples.jira.issueCreated());
      const res = await post("?token=test-jira-token", body, { "x-hub-signature": `sha256=${await hmacHex("wrong", body)}` });
      expect(res.status).toBe(401);
    });
  });
});
