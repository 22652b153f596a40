import { describe, expect, it } from "vitest";
import { deliver, rows, send } from "./support";
import * as samples from "./samples";

describe("Sentry webhooks", () => {
  it("triggers on a created issue in a configured project", async () => {
    const row = await deliver("sentry", samples.sentry.issueCreated(), { eventType: "issue" });
    expect(row).toMatchObject({ event_type: "issue", action: "created", decision: "triggered" });
    const [task] = await rows("SELECT * FROM tasks WHERE id = ?", row.task_id);
    expect(task).toMatchObject({ vendor: "sentry", subject: "sentry:BACKEND-4Z", title: "KeyError: 'currency'" });
  });

  it.each([
    ["event_alert", samples.sentry.eventAlert],
    ["metric_alert", samples.sentry.metricAlert],
    ["comment", samples.sentry.comment],
  ])("records %s without starting work", async (resource, sample) => {
    const row = await deliver("sentry", sample(), { eventType: resource });
    expect(row).toMatchObject({ event_type: resource, decision: "not_triggered" });
  });

  it("does not trigger for a project outside SENTRY_PROJECTS", async () => {
    const payload = samples.sentry.issueCreated();
    payload.data.issue.project.slug = "frontend";
    const row = await deliver("sentry", payload, { eventType: "issue" });
    expect(row.decision).toBe("not_triggered");
  });

  it("refuses an issue from another installation", async () => {
    const payload = samples.sentry.issueCreated();
    payload.installation.uuid = "00000000-0000-0000-0000-000000000000";
    const row = await deliver("sentry", payload, { eventType: "issue" });
    expect(row.decision).toBe("refused");
  });

  it("records unhandled resources as ignored", async () => {
    const row = await deliver("sentry", { action: "created", installation: { uuid: "x" }, data: {} }, { eventType: "installation" });
    expect(row.decision).toBe("ignored");
  });

  it("records a handled resource with an unexpected shape as ignored, with the reason", async () => {
    const row = await deliver("sentry", { action: "created", data: { nothing: true } }, { eventType: "issue" });
    expect(row.decision).toBe("ignored");
    expect(row.reason).toContain("does not match schema");
  });

  it("rejects a forged Sentry-Hook-Signature with 401", async () => {
    const res = await send("sentry", samples.sentry.issueCreated(), { eventType: "issue", secret: "wrong" });
    expect(res.status).toBe(401);
  });

  it("treats a resent Request-ID as a duplicate", async () => {
    const payload = samples.sentry.issueCreated();
    const first = await deliver("sentry", payload, { eventType: "issue", deliveryId: "sentry-req-1" });
    expect((await send("sentry", payload, { eventType: "issue", deliveryId: "sentry-req-1" })).status).toBe(202);
    expect(await rows("SELECT id FROM tasks WHERE delivery_id = ?", first.id)).toHaveLength(1);
  });

  it("rejects signed but malformed JSON with 400", async () => {
    const res = await send("sentry", null, { eventType: "issue", body: "[1, 2" });
    expect(res.status).toBe(400);
  });
});
