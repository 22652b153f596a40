// Consumer of the dead-letter queue: whatever arrives is written to D1 with
// the last error its delivery recorded, so nothing is lost silently.
import { drizzle } from "drizzle-orm/d1";
import { deadLetters } from "../db/schema";
import { markDeadLettered } from "../db/deliveries";
import { logLine } from "../observability/log";
import { incrementCounters } from "../observability/metrics";

function describeBody(body: unknown): { deliveryId?: string; vendor?: string; eventType?: string } {
  if (!body || typeof body !== "object") return {};
  const { id, vendor, type } = body as Record<string, unknown>;
  return {
    deliveryId: typeof id === "string" ? id : undefined,
    vendor: typeof vendor === "string" ? vendor : undefined,
    eventType: typeof type === "string" ? type : undefined,
  };
}

export async function recordDeadLetter(env: Env, queue: string, message: Message<unknown>, error?: string): Promise<void> {
  const about = describeBody(message.body);
  const lastError = about.deliveryId ? await markDeadLettered(env.DB, about.deliveryId) : null;
  await drizzle(env.DB)
    .insert(deadLetters)
    .values({
      id: message.id,
      queue,
      ...about,
      body: JSON.stringify(message.body) ?? "null",
      lastError: error ?? lastError,
      attempts: message.attempts,
      receivedAt: Date.now(),
    })
    .onConflictDoNothing();
  logLine("error", { kind: "dead_letter", queue, messageId: message.id, ...about, attempts: message.attempts });
}

export async function consumeDeadLetters(batch: MessageBatch<unknown>, env: Env): Promise<void> {
  let recorded = 0;
  for (const message of batch.messages) {
    try {
      await recordDeadLetter(env, batch.queue, message);
      message.ack();
      recorded++;
    } catch (error) {
      logLine("error", { kind: "dead_letter_write_failed", messageId: message.id, error: String(error) });
      message.retry({ delaySeconds: 30 });
    }
  }
  if (recorded > 0) {
    await incrementCounters(env.DB, [{ name: "agentbot_dead_letters_total", labels: { queue: batch.queue }, by: recorded }]);
  }
}
