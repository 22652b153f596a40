// The consumer side: dedup across redeliveries, retries with backoff on failure,
// and the dead-letter record when retries run out.
import { createExecutionContext, createMessageBatch, getQueueResult, listDurableObjectIds } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import worker from "../../workers/index";
import { retryDelaySeconds } from "../../workers/queue/events.consumer";
import { taskIdFor } from "../../workers/queue/task-spec";
import { deliveryId } from "../../workers/webhooks/ingest";
import { api, eventually, processed, rows, send } from "./support";
import * as samples from "./samples";

function mention() {
  const payload = samples.github("issue_comment", "created");
  payload.comment.body = "@agent-bot fix the flaky login test";
  return payload;
}

/** A message exactly as the ingest route would enqueue it. */
async function eventMessage(key: string, overrides: Record<string, unknown> = {}) {
  const id = await deliveryId("github", key);
  return {
    id,
    vendor: "github",
    deliveryKey: key,
    type: "issue_comment",
    action: "created",
    handled: true,
    actor: { id: "21031067", login: "Codertocat", association: "OWNER", isBot: false },
    subject: { repository: "Codertocat/Hello-World", issueNumber: 1 },
    title: "Spelling error in the README file",
    text: "@agent-bot fix it",
    labels: [],
    assigneeIds: [],
    links: [],
    payloadRef: `payloads/github/${id}.json`,
    receivedAt: Date.now(),
    ...overrides,
  };
}

async function runBatch(queue: string, messages: { id: string; body: unknown; attempts: number }[], bindings: Env = env) {
  const batch = createMessageBatch(
    queue,
    messages.map((m) => ({ ...m, timestamp: new Date() })),
  );
  // getQueueResult reports which messages were retried, not their delays: record those here.
  const delays: Record<string, number | undefined> = {};
  for (const message of batch.messages) {
    const retry = message.retry.bind(message);
    message.retry = (options) => {
      delays[message.id] = options?.delaySeconds;
      retry(options);
    };
  }
  const ctx = createExecutionContext();
  await worker.queue(batch, bindings, ctx);
  return { ...(await getQueueResult(batch, ctx)), delays };
}

/** Env whose TaskAgent namespace fails, as when the Durable Object is unreachable. */
function envWithBrokenTaskAgent(): Env {
  const broken = new Proxy(env.TASK_AGENT, {
    get(target, prop) {
      if (prop === "idFromName" || prop === "get" || prop === "getByName") {
        return () => {
          throw new Error(`TaskAgent unavailable (token ${env.GITHUB_WEBHOOK_SECRET})`);
        };
      }
      return Reflect.get(target, prop);
    },
  });
  return { ...env, TASK_AGENT: broken };
}

describe("events queue consumer", () => {
  it("turns the same delivery sent 5 times into 1 event row and 1 task", async () => {
    const payload = mention();
    const ids = new Set<string>();
    for (let i = 0; i < 5; i++) {
      const res = await send("github", payload, { eventType: "issue_comment", deliveryId: "five-times" });
      expect(res.status).toBe(202);
      ids.add(((await res.json()) as { id: string }).id);
    }
    expect(ids.size).toBe(1);
    const [id] = [...ids];
    // Each copy is either recognised as a duplicate or (arriving while the first was still
    // processing) processed again idempotently; either way all five are accounted for.
    const row = await eventually(async () => {
      const [r] = await rows<{ duplicates: number; attempts: number; task_id: string }>(
        "SELECT * FROM deliveries WHERE id = ? AND status = 'processed' AND duplicates + attempts = 5",
        id,
      );
      return r;
    });
    expect(await rows("SELECT id FROM deliveries WHERE vendor = 'github' AND delivery_key = '1:five-times'")).toHaveLength(1);
    expect(await rows("SELECT id FROM tasks WHERE delivery_id = ?", id)).toHaveLength(1);
    const agents = await listDurableObjectIds(env.TASK_AGENT);
    expect(agents.filter((a) => a.equals(env.TASK_AGENT.idFromName(row.task_id)))).toHaveLength(1);
  });

  it("creates one task when copies of a delivery arrive in the same batch", async () => {
    // An issue of its own: a later mention on an issue with a task is that task's next turn.
    const body = await eventMessage("same-batch", { subject: { repository: "Codertocat/Hello-World", issueNumber: 101 } });
    const result = await runBatch("agent-bot-events", [
      { id: "m1", body, attempts: 1 },
      { id: "m2", body, attempts: 1 },
      { id: "m3", body, attempts: 1 },
    ]);
    expect(result.explicitAcks.sort()).toEqual(["m1", "m2", "m3"]);
    expect(await rows("SELECT id FROM tasks WHERE delivery_id = ?", body.id)).toHaveLength(1);
    const [row] = await rows<{ duplicates: number }>("SELECT duplicates FROM deliveries WHERE id = ?", body.id);
    expect(row?.duplicates).toBe(2);
  });

  it("retries a failed message with exponential backoff and records the error without secrets", async () => {
    const body = await eventMessage("will-fail");
    const result = await runBatch("agent-bot-events", [{ id: "f1", body, attempts: 3 }], envWithBrokenTaskAgent());
    expect(result.explicitAcks).toEqual([]);
    expect(result.retryMessages).toEqual([{ msgId: "f1" }]);
    expect(result.delays).toEqual({ f1: retryDelaySeconds(3) });
    const [row] = await rows<{ status: string; last_error: string }>("SELECT status, last_error FROM deliveries WHERE id = ?", body.id);
    expect(row?.status).toBe("processing");
    expect(row?.last_error).toContain("TaskAgent unavailable");
    expect(row?.last_error).not.toContain(env.GITHUB_WEBHOOK_SECRET);
    expect(await rows("SELECT id FROM tasks WHERE delivery_id = ?", body.id)).toHaveLength(0);
  });

  it("finishes a delivery whose earlier attempt failed half-way, without doubling the task", async () => {
    const body = await eventMessage("recovers", { subject: { repository: "Codertocat/Hello-World", issueNumber: 102 } });
    await runBatch("agent-bot-events", [{ id: "r1", body, attempts: 1 }], envWithBrokenTaskAgent());
    const result = await runBatch("agent-bot-events", [{ id: "r1", body, attempts: 2 }]);
    expect(result.explicitAcks).toEqual(["r1"]);
    const row = await processed(body.id);
    expect(row).toMatchObject({ decision: "triggered", attempts: 2, duplicates: 0, last_error: null });
    expect(await rows("SELECT id FROM tasks WHERE id = ?", taskIdFor(body.id))).toHaveLength(1);
  });

  it("lands an exhausted message in dead_letters with its last error, visible in the API", async () => {
    const body = await eventMessage("exhausted");
    for (let attempt = 1; attempt <= 6; attempt++) {
      const result = await runBatch("agent-bot-events", [{ id: "d1", body, attempts: attempt }], envWithBrokenTaskAgent());
      expect(result.retryMessages).toHaveLength(1);
    }
    // After max_retries the queue delivers the message to the dead-letter queue.
    const result = await runBatch("agent-bot-events-dlq", [{ id: "d1", body, attempts: 1 }]);
    expect(result.explicitAcks).toEqual(["d1"]);
    const [dead] = await rows<{ delivery_id: string; last_error: string; vendor: string }>("SELECT * FROM dead_letters WHERE id = 'd1'");
    expect(dead).toMatchObject({ delivery_id: body.id, vendor: "github" });
    expect(dead?.last_error).toContain("TaskAgent unavailable");
    const [delivery] = await rows<{ status: string }>("SELECT status FROM deliveries WHERE id = ?", body.id);
    expect(delivery?.status).toBe("dead_lettered");

    const listed = (await (await api("/api/dead-letters")).json()) as { items: { id: string }[] };
    expect(listed.items.map((d) => d.id)).toContain("d1");
  });

  it("dead-letters a malformed message at once instead of retrying it", async () => {
    const result = await runBatch("agent-bot-events", [{ id: "p1", body: { not: "an event" }, attempts: 1 }]);
    expect(result.explicitAcks).toEqual(["p1"]);
    expect(result.retryMessages).toEqual([]);
    const [dead] = await rows<{ last_error: string }>("SELECT last_error FROM dead_letters WHERE id = 'p1'");
    expect(dead?.last_error).toContain("invalid event message");
  });

  it("backs off exponentially, capped at 5 minutes", () => {
    expect([1, 2, 3, 4, 10].map(retryDelaySeconds)).toEqual([5, 10, 20, 40, 300]);
  });
});
