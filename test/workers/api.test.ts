import { describe, expect, it } from "vitest";
import { api, deliver } from "./support";
import * as samples from "./samples";

type Page<T> = { items: T[]; nextCursor: string | null };

async function json<T>(res: Response): Promise<T> {
  expect(res.headers.get("content-type")).toContain("application/json");
  return (await res.json()) as T;
}

describe("API auth", () => {
  it.each(["/api/tasks", "/api/tasks/task_x", "/api/events", "/api/dead-letters", "/metrics"])("%s needs the API token", async (path) => {
    const none = await api(path, { token: null });
    expect(none.status).toBe(401);
    expect(none.headers.get("www-authenticate")).toContain("Bearer");
    expect(await json(none)).toEqual({ error: { code: "unauthorized", message: expect.any(String) } });

    const wrong = await api(path, { token: "test-api-tokeN" });
    expect(wrong.status).toBe(401);
  });

  it("/health needs no token", async () => {
    expect((await api("/health", { token: null })).status).toBe(200);
  });
});

describe("tasks API", () => {
  it("lists tasks newest first with vendor/status filters and cursor pagination", async () => {
    const github = samples.github("issue_comment", "created");
    github.comment.body = "@agent-bot one";
    const a = await deliver("github", github, { eventType: "issue_comment" });
    const b = await deliver("slack", samples.slack.appMention());
    const c = await deliver("sentry", samples.sentry.issueCreated(), { eventType: "issue" });

    const all = await json<Page<{ id: string; vendor: string }>>(await api("/api/tasks?limit=200"));
    const ours = all.items.filter((t) => [a.task_id, b.task_id, c.task_id].includes(t.id));
    expect(ours.map((t) => t.id)).toEqual([c.task_id, b.task_id, a.task_id]);

    const slackOnly = await json<Page<{ vendor: string }>>(await api("/api/tasks?vendor=slack"));
    expect(slackOnly.items.length).toBeGreaterThan(0);
    expect(slackOnly.items.every((t) => t.vendor === "slack")).toBe(true);

    const queued = await json<Page<{ status: string }>>(await api("/api/tasks?status=queued"));
    expect(queued.items.every((t) => t.status === "queued")).toBe(true);

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const pageRes: Page<{ id: string }> = await json(await api(`/api/tasks?limit=1${cursor ? `&cursor=${cursor}` : ""}`));
      seen.push(...pageRes.items.map((t) => t.id));
      cursor = pageRes.nextCursor;
    } while (cursor && seen.length < 100);
    expect(seen).toEqual(all.items.map((t) => t.id));
  });

  it("returns one task with its agent state and log", async () => {
    const row = await deliver("jira", samples.jira.issueCreated());
    const body = await json<{
      task: { id: string };
      state: { transitions: { status: string }[]; spec: { title: string } };
      log: { message: string }[];
    }>(await api(`/api/tasks/${row.task_id}`));
    expect(body.task.id).toBe(row.task_id);
    expect(body.state.transitions[0]?.status).toBe("queued");
    expect(body.state.spec.title).toBe("Checkout returns 502 for EUR card payments");
    expect(body.log[0]?.message).toContain("task created from jira");
  });

  it("answers 404 for an unknown task and 400 for bad query parameters", async () => {
    expect((await api("/api/tasks/task_nope")).status).toBe(404);
    const bad = await api("/api/tasks?vendor=gitlab");
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as any).error.code).toBe("bad_request");
    expect((await api("/api/tasks?cursor=%%%")).status).toBe(400);
    expect((await api("/api/tasks?limit=0")).status).toBe(400);
  });
});

describe("events API (the delivery ledger)", () => {
  it("shows signature result, dedup and trigger decision with its reason", async () => {
    const payload = samples.github("issue_comment", "created");
    payload.comment.body = "@agent-bot ledger";
    payload.comment.author_association = "NONE";
    const row = await deliver("github", payload, { eventType: "issue_comment", deliveryId: "ledger-1" });
    const page = await json<Page<Record<string, unknown>>>(await api("/api/events?vendor=github&limit=200"));
    const entry = page.items.find((e) => e.id === row.id);
    expect(entry).toMatchObject({
      vendor: "github",
      eventType: "issue_comment",
      signature: "valid",
      status: "processed",
      decision: "refused",
      duplicates: 0,
    });
    expect(entry?.reason).toContain("not permitted");
    expect(page.items.every((e) => e.vendor === "github")).toBe(true);
  });
});

describe("metrics", () => {
  it("exposes counters in Prometheus text format", async () => {
    await deliver("slack", { ...samples.slack.messageThread(), event_id: "Ev-metrics" });
    const res = await api("/metrics");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/plain; version=0.0.4");
    const text = await res.text();
    expect(text).toContain("# TYPE agentbot_webhooks_received_total counter");
    expect(text).toMatch(/agentbot_webhooks_received_total\{vendor="slack"\} [1-9]\d*/);
    for (const name of [
      "agentbot_webhooks_rejected_total",
      "agentbot_events_deduplicated_total",
      "agentbot_tasks_created_total",
      "agentbot_queue_retries_total",
      "agentbot_dead_letters_total",
    ]) {
      expect(text).toContain(`# HELP ${name} `);
    }
  });
});
