// The delivery ledger's writes: rejections at the edge, and the consumer's
// claim → decide → finish cycle that makes processing idempotent per delivery.
import { and, desc, eq, sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { describeSubject, type AgentEvent } from "../../core/agent-event";
import type { Delivery, SignatureResult } from "../../core/api-types";
import type { Vendor } from "../../core/names";
import type { Decision } from "../integrations/types";
import { olderThan, type Cursor } from "./pagination";
import { sha256Hex } from "../security/hmac";
import { deliveries } from "./schema";

export interface Rejection {
  vendor: Vendor;
  signature: SignatureResult;
  reason: string;
  claimedKey?: string;
  eventType?: string;
  receivedAt: number;
}

/** Longest header value a rejection row keeps: its headers are whatever the sender chose. */
export const MAX_REJECTED_FIELD = 200;
/** Rejections of one vendor, kind and reason within this window share one row (its `duplicates` count the rest). */
export const REJECTION_WINDOW_MS = 60_000;
const clip = (text: string) => (text.length > MAX_REJECTED_FIELD ? `${text.slice(0, MAX_REJECTED_FIELD - 1)}…` : text);

/**
 * One ledger row per vendor, signature result and reason per minute, however many requests a
 * sender makes: a flood of forged POSTs costs a bounded number of rows (the first one's headers,
 * clipped), while /metrics counts every rejection.
 */
export async function recordRejection(db: D1Database, rejection: Rejection): Promise<void> {
  const window = Math.floor(rejection.receivedAt / REJECTION_WINDOW_MS);
  const bucket = await sha256Hex(`${rejection.vendor}:${rejection.signature}:${rejection.reason}:${window}`);
  await drizzle(db)
    .insert(deliveries)
    .values({
      id: `rej_${bucket.slice(0, 32)}`,
      vendor: rejection.vendor,
      deliveryKey: clip(rejection.claimedKey ?? ""),
      eventType: clip(rejection.eventType ?? "unknown"),
      signature: rejection.signature,
      status: "rejected",
      decision: "rejected",
      reason: clip(rejection.reason),
      receivedAt: rejection.receivedAt,
    })
    .onConflictDoUpdate({ target: deliveries.id, set: { duplicates: sql`${deliveries.duplicates} + 1` } });
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
      signature: event.signedWith === "previous" ? "valid_previous" : "valid",
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
