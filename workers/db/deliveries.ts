// The delivery ledger's writes: rejections at the edge, and the consumer's
// claim → decide → finish cycle that makes processing idempotent per delivery.
import { and, desc, eq, sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { describeSubject, type AgentEvent } from "../../core/agent-event";
import type { Delivery, SignatureResult } from "../../core/api-types";
import type { Vendor } from "../../core/names";
import type { Decision } from "../integrations/types";
import { olderThan, type Cursor } from "./pagination";
import { deliveries } from "./schema";

export interface Rejection {
  vendor: Vendor;
  signature: SignatureResult;
  reason: string;
  claimedKey?: string;
  eventType?: string;
  receivedAt: number;
}

export async function recordRejection(db: D1Database, rejection: Rejection): Promise<void> {
  await drizzle(db)
    .insert(deliveries)
    .values({
      id: `rej_${crypto.randomUUID()}`,
      vendor: rejection.vendor,
      deliveryKey: rejection.claimedKey ?? "",
      eventType: rejection.eventType ?? "unknown",
      signature: rejection.signature,
      status: "rejected",
      decision: "rejected",
      reason: rejection.reason,
      receivedAt: rejection.receivedAt,
    });
}

export interface Claim {
  /** The delivery was already fully processed: this message is a redelivery. */
  duplicate: boolean;
  attempts: number;
}

/**
 * Records the delivery (or finds it). A delivery that was processed before is a
 * duplicate; one that is still `processing` (a crash mid-way, or a concurrent
 * redelivery) is processed again, which is safe because every later step is idempotent.
 */
export async function claimDelivery(db: D1Database, event: AgentEvent): Promise<Claim> {
  const [row] = await drizzle(db)
    .insert(deliveries)
    .values({
      id: event.id,
      vendor: event.vendor,
      deliveryKey: event.deliveryKey,
      eventType: event.type,
      action: event.action,
      signature: "valid",
      status: "processing",
      decision: "pending",
      actor: event.actor?.login ?? event.actor?.name ?? event.actor?.id,
      subject: describeSubject(event.subject),
      payloadRef: event.payloadRef,
      attempts: 1,
      receivedAt: event.receivedAt,
    })
    .onConflictDoUpdate({
      target: deliveries.id,
      set: {
        attempts: sql`${deliveries.attempts} + (${deliveries.status} != 'processed')`,
        duplicates: sql`${deliveries.duplicates} + (${deliveries.status} = 'processed')`,
      },
    })
    .returning({ status: deliveries.status, attempts: deliveries.attempts });
  return { duplicate: row?.status === "processed", attempts: row?.attempts ?? 1 };
}

export async function finishDelivery(
  db: D1Database,
  id: string,
  outcome: { decision: Decision; reason: string; taskId?: string },
): Promise<void> {
  await drizzle(db)
    .update(deliveries)
    .set({
      status: "processed",
      decision: outcome.decision,
      reason: outcome.reason,
      taskId: outcome.taskId,
      lastError: null,
      processedAt: Date.now(),
    })
    .where(eq(deliveries.id, id));
}

export async function recordDeliveryError(db: D1Database, id: string, error: string): Promise<void> {
  await drizzle(db).update(deliveries).set({ lastError: error }).where(eq(deliveries.id, id));
}

export async function markDeadLettered(db: D1Database, id: string): Promise<string | null> {
  const [row] = await drizzle(db)
    .update(deliveries)
    .set({ status: "dead_lettered" })
    .where(eq(deliveries.id, id))
    .returning({ lastError: deliveries.lastError });
  return row?.lastError ?? null;
}

export interface DeliveryQuery {
  vendor?: Vendor;
  cursor?: Cursor;
  limit: number;
}

export async function listDeliveries(db: D1Database, query: DeliveryQuery): Promise<Delivery[]> {
  return drizzle(db)
    .select()
    .from(deliveries)
    .where(
      and(query.vendor ? eq(deliveries.vendor, query.vendor) : undefined, olderThan(query.cursor, deliveries.receivedAt, deliveries.id)),
    )
    .orderBy(desc(deliveries.receivedAt), desc(deliveries.id))
    .limit(query.limit + 1);
}
