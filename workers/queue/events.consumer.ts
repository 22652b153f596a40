// Consumer of the EVENTS queue. Each message is processed on its own: a
// failure retries that message with exponential backoff and leaves the rest of
// the batch alone; after max_retries the queue moves it to the dead-letter queue.
import { agentEventSchema } from "../../core/agent-event";
import { errorMessage } from "../../core/error-message";
import { getConfig } from "../config";
import { recordDeliveryError } from "../db/deliveries";
import { logLine, redact } from "../observability/log";
import { incrementCounters, type Increment } from "../observability/metrics";
import { storePayload } from "../webhooks/payloads";
import { recordDeadLetter } from "./dead-letter.consumer";
import { processEvent } from "./process-event";

/** 5 s, 10 s, 20 s … capped at 5 minutes. */
export function retryDelaySeconds(attempts: number): number {
  return Math.min(300, 5 * 2 ** Math.max(0, attempts - 1));
}

export async function consumeEvents(batch: MessageBatch<unknown>, env: Env): Promise<void> {
  const increments: Increment[] = [];
  for (const message of batch.messages) {
    const started = performance.now();
    const parsed = agentEventSchema.safeParse(message.body);
    if (!parsed.success) {
      // A malformed message never gets better by retrying: record it as dead now.
      await recordDeadLetter(env, batch.queue, message, `invalid event message: ${parsed.error.issues[0]?.message}`);
      increments.push({ name: "agentbot_dead_letters_total", labels: { queue: batch.queue } });
      message.ack();
      continue;
    }
    const { inlinePayload, ...event } = parsed.data;
    const base = {
      kind: "message",
      queue: batch.queue,
      messageId: message.id,
      vendor: event.vendor,
      deliveryId: event.id,
      eventType: event.type,
      attempt: message.attempts,
    };
    try {
      if (inlinePayload !== undefined) await storePayload(env.PAYLOADS, event.payloadRef, inlinePayload);
      const outcome = await processEvent(event, env);
      increments.push({ name: "agentbot_webhooks_received_total", labels: { vendor: event.vendor } }, ...outcome.increments);
      message.ack();
      logLine("info", {
        ...base,
        outcome: outcome.duplicate ? "duplicate" : outcome.decision,
        reason: outcome.reason,
        taskId: outcome.taskId,
        durationMs: Math.round(performance.now() - started),
      });
    } catch (error) {
      const text = redact(errorMessage(error), getConfig(env));
      await recordDeliveryError(env.DB, event.id, text).catch(() => undefined);
      increments.push({ name: "agentbot_queue_retries_total", labels: { vendor: event.vendor } });
      const delaySeconds = retryDelaySeconds(message.attempts);
      message.retry({ delaySeconds });
      logLine("warn", { ...base, outcome: "retry", error: text, delaySeconds, durationMs: Math.round(performance.now() - started) });
    }
  }
  await incrementCounters(env.DB, increments).catch((error) =>
    logLine("error", { kind: "metrics_write_failed", error: errorMessage(error) }),
  );
}
