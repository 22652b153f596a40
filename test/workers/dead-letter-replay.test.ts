// POST /api/dead-letters/:id/replay: a message that exhausted its retries goes back
// onto the events queue once; the consumer processes it like a retry (the delivery
// was never marked processed) and the task exists exactly once.
import { createExecutionContext, createMessageBatch, getQueueResult, listDurableObjectIds, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import worker from "../../workers/index";
import { taskIdFor } from "../../workers/queue/task-spec";
import { deliveryId } from "../../workers/webhooks/ingest";
import { installFakeRunner } from "./fake-runner";
import { api, deliver, processed, rows } from "./support";
import * as samples from "./samples";

// Installed for the whole file, not per test: the tasks these tests create keep
// working (runner polls, the tracking comment on GITHUB_API_URL) after a test ends.
beforeAll(() => {
  installFakeRunner({
    "github.test": () =>
      Response.json({ id: 9001, html_url: "https://github.com/Codertocat/Hello-World/issues/1#issuecomment-9001" }, { status: 201 }),
  });
});
afterAll(() => vi.restoreAllMocks());

/** Each test uses its own issue, so no event here joins another test's open task. */
async function eventMessage(key: string, issueNumber: number) {
  const id = await deliveryId("github", key);
  return {
    id,
    vendor: "github",
    deliveryKey: key,
    type: "issue_comment",
    action: "created",
    handled: true,
    actor: { id: "21031067", login: "Codertocat", association: "OWNER", isBot: false },
    subject: { repository: "Codertocat/Hello-World", issueNumber },
    title: "Spelling error in the README file",
    text: "@agent-bot fix it",
    labels: [],
    assigneeIds: [],
    links: [],
    payloadRef: `payloads/github/${id}.json`,
    inlinePayload: JSON.stringify({ action: "created", replay: key }),
    receivedAt: Date.now(),
  };
}

async function runBatch(queue: string, messages: { id: string; body: unknown; attempts: number }[], bindings: Env = env) {
  const batch = createMessageBatch(
    queue,
    messages.map((m) => ({ ...m, timestamp: new Date() })),
  );
  const ctx = createExecutionContext();
  await worker.queue(batch, bindings, ctx);
  return getQueueResult(batch, ctx);
}

/** Env whose TaskAgent namespace fails, so every attempt at the delivery fails. */
function envWithBrokenTaskAgent(): Env {
  const broken = new Proxy(env.TASK_AGENT, {
    get(target, prop) {
      if (prop === "idFromName" || prop === "get" || prop === "getByName") {
        return () => {
          throw new Error("TaskAgent unavailable");
        };
      }
      return Reflect.get(target, prop);
    },
  });
  return { ...env, TASK_AGENT: broken };
}

/** Runs a message through every retry to the dead-letter queue, as the queue would. */
async function deadLetter(messageId: string, body: unknown) {
  for (let attempt = 1; attempt <= 6; attempt++) {
    expect(
      (await runBatch("agent-bot-events", [{ id: messageId, body, attempts: attempt }], envWithBrokenTaskAgent())).retryMessages,
    ).toHaveLength(1);
  }
  expect((await runBatch("agent-bot-events-dlq", [{ id: messageId, body, attempts: 1 }])).explicitAcks).toEqual([messageId]);
}

async function replay(id: string, bindings?: Env): Promise<Response> {
  if (!bindings) return api(`/api/dead-letters/${id}/replay`, { method: "POST" });
  const ctx = createExecutionContext();
  const request = new Request(`https://agent-bot.test/api/dead-letters/${id}/replay`, {
    method: "POST",
    headers: { authorization: `Bearer ${env.API_TOKEN}` },
  });
  const res = await worker.fetch(request, bindings, ctx);
  await waitOnExecutionContext(ctx);
  return res;
}

async function agentCount(taskId: string): Promise<number> {
  const ids = await listDurableObjectIds(env.TASK_AGENT);
  return ids.filter((id) => id.equals(env.TASK_AGENT.idFromName(taskId))).length;
}

type DeadLetterItem = { id: string; deliveryId: string | null; replayedAt: number | null };

describe("dead-letter replay", () => {
  it("re-sends a dead-lettered delivery, which then creates its task exactly once; a second replay is 409", async () => {
    const body = await eventMessage("replay-me", 9101);
    await deadLetter("dl-replay-1", body);
    const [before] = await rows<{ status: string; attempts: number }>("SELECT status, attempts FROM deliveries WHERE id = ?", body.id);
    expect(before).toEqual({ status: "dead_lettered", attempts: 6 });
    expect(await rows("SELECT id FROM tasks WHERE delivery_id = ?", body.id)).toHaveLength(0);

    const listed = (await (await api("/api/dead-letters?limit=200")).json()) as { items: DeadLetterItem[] };
    expect(listed.items.find((item) => item.id === "dl-replay-1")).toMatchObject({ deliveryId: body.id, replayedAt: null });

    const started = Date.now();
    const res = await replay("dl-replay-1");
    expect(res.status).toBe(202);
    const answer = (await res.json()) as { id: string; deliveryId: string; replayedAt: number };
    expect(answer).toEqual({ id: "dl-replay-1", deliveryId: body.id, replayedAt: expect.any(Number) });
    expect(answer.replayedAt).toBeGreaterThanOrEqual(started);

    // The real EVENTS queue delivers it to the consumer, which is not fooled into calling it a duplicate.
    const row = await processed(body.id);
    expect(row).toMatchObject({ decision: "triggered", task_id: taskIdFor(body.id), duplicates: 0, attempts: 7, last_error: null });
    expect(await rows("SELECT id FROM tasks WHERE delivery_id = ?", body.id)).toHaveLength(1);
    expect(await agentCount(taskIdFor(body.id))).toBe(1);
    // The raw payload that travelled inline is in R2 again under its key.
    expect(await (await env.PAYLOADS.get(body.payloadRef))?.text()).toBe(body.inlinePayload);

    const again = await replay("dl-replay-1");
    expect(again.status).toBe(409);
    expect(((await again.json()) as { error: { code: string } }).error.code).toBe("conflict");

    const after = (await (await api("/api/dead-letters?limit=200")).json()) as { items: DeadLetterItem[] };
    expect(after.items.find((item) => item.id === "dl-replay-1")?.replayedAt).toBe(answer.replayedAt);
  });

  it("does not double a task that already exists for the delivery", async () => {
    const payload = samples.github("issue_comment", "created");
    payload.comment.body = "@agent-bot replay without doubling";
    payload.issue.number = 9102;
    const delivered = await deliver("github", payload, { eventType: "issue_comment", deliveryId: "replay-existing-task" });
    expect(delivered.task_id).toBe(taskIdFor(delivered.id));
    expect(await rows("SELECT id FROM tasks WHERE delivery_id = ?", delivered.id)).toHaveLength(1);

    // A copy of this delivery ran out of retries after the task was made (the ledger says dead_lettered).
    const body = {
      ...(await eventMessage("unused", 9102)),
      id: delivered.id,
      deliveryKey: delivered.delivery_key,
      payloadRef: delivered.payload_ref!,
      inlinePayload: undefined,
    };
    await rows("UPDATE deliveries SET status = 'dead_lettered' WHERE id = ?", delivered.id);
    await rows(
      "INSERT INTO dead_letters (id, queue, delivery_id, vendor, event_type, body, last_error, attempts, received_at) VALUES ('dl-existing', 'agent-bot-events-dlq', ?, 'github', 'issue_comment', ?, 'boom', 6, ?)",
      delivered.id,
      JSON.stringify(body),
      Date.now(),
    );

    expect((await replay("dl-existing")).status).toBe(202);
    await processed(delivered.id);
    expect(await rows("SELECT id FROM tasks WHERE delivery_id = ?", delivered.id)).toHaveLength(1);
    expect(await agentCount(delivered.task_id!)).toBe(1);
  });

  it("answers 404 for an unknown dead letter", async () => {
    const res = await replay("no-such-message");
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("not_found");
  });

  it("refuses to replay a message that is not an event (409) and leaves it unreplayed", async () => {
    expect((await runBatch("agent-bot-events", [{ id: "dl-garbage", body: { hello: "world" }, attempts: 1 }])).explicitAcks).toEqual([
      "dl-garbage",
    ]);
    const res = await replay("dl-garbage");
    expect(res.status).toBe(409);
    expect(await rows("SELECT replayed_at FROM dead_letters WHERE id = 'dl-garbage'")).toEqual([{ replayed_at: null }]);
  });

  it("leaves the dead letter replayable when the queue refuses the message", async () => {
    const body = await eventMessage("queue-down", 9103);
    await deadLetter("dl-queue-down", body);
    const queueDown = { ...env, EVENTS: { send: () => Promise.reject(new Error("queue unavailable")) } } as unknown as Env;
    expect((await replay("dl-queue-down", queueDown)).status).toBe(500);
    expect(await rows("SELECT replayed_at FROM dead_letters WHERE id = 'dl-queue-down'")).toEqual([{ replayed_at: null }]);
    expect((await replay("dl-queue-down")).status).toBe(202);
    await processed(body.id);
  });

  it("needs the API token", async () => {
    expect((await api("/api/dead-letters/x/replay", { method: "POST", token: null })).status).toBe(401);
  });
});
