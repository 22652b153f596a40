// The webhook path up to the queue: verify the raw body, parse it into an
// AgentEvent and enqueue it. It never waits on D1 or a Durable Object; ledger
// and metric writes for rejections go to waitUntil.
import { agentEventSchema, type AgentEvent } from "../../core/agent-event";
import type { Config } from "../config";
import type { Rejection } from "../db/deliveries";
import { AppError } from "../errors";
import type { WebhookIntegration, WebhookRequest } from "../integrations/types";
import type { Increment } from "../observability/metrics";
import { sha256Hex } from "../security/hmac";
import { storePayload } from "./payloads";
import { queueMessage } from "./queue-message";

export type IngestResult = { kind: "queued"; event: AgentEvent } | { kind: "handshake"; body: Record<string, unknown> };

export interface IngestEffects {
  /** Ledger rows and counters the caller writes after replying. */
  rejection?: Rejection;
  increments: Increment[];
}

/** Stable delivery id: the same vendor delivery always maps to the same id (and task). */
export async function deliveryId(vendor: string, deliveryKey: string): Promise<string> {
  return `dlv_${(await sha256Hex(`${vendor}:${deliveryKey}`)).slice(0, 32)}`;
}

export async function ingestWebhook(
  integration: WebhookIntegration,
  request: WebhookRequest,
  config: Config,
  env: Pick<Env, "EVENTS" | "PAYLOADS">,
  effects: IngestEffects,
): Promise<IngestResult> {
  const vendor = integration.vendor;
  const reject = (
    code: ConstructorParameters<typeof AppError>[0],
    message: string,
    rejection?: Omit<Rejection, "vendor" | "receivedAt">,
  ) => {
    effects.increments.push({ name: "agentbot_webhooks_rejected_total", labels: { vendor, reason: code } });
    if (rejection) effects.rejection = { vendor, receivedAt: request.receivedAt, ...rejection };
    return new AppError(code, message);
  };

  const verified = await integration.verify(request, config);
  if (!verified.ok) {
    const code = verified.signature === "stale" ? "stale_timestamp" : "invalid_signature";
    // Only headers are read from an unverified request: its body is not trusted even to parse.
    const { deliveryKey: claimedKey, type: eventType } = integration.identify(request, undefined);
    throw reject(code, verified.message, { signature: verified.signature, reason: verified.message, claimedKey, eventType });
  }

  let payload: unknown;
  try {
    payload = JSON.parse(request.rawBody);
  } catch (error) {
    throw reject("malformed_json", `body is not valid JSON: ${(error as Error).message}`, {
      signature: "valid",
      reason: "malformed JSON",
    });
  }

  const handshake = integration.handshake?.(payload);
  if (handshake) return { kind: "handshake", body: handshake };

  const { deliveryKey: claimedKey, type } = integration.identify(request, payload);
  if (!type)
    throw reject("bad_request", `cannot tell the ${vendor} event type from the request`, {
      signature: "valid",
      reason: "no event type",
      claimedKey,
    });
  // Deliveries without a vendor id are deduplicated by their content; so is every delivery of a
  // vendor whose signature covers no timestamp, where a captured body replays under any new id.
  const bodyKey = `body:${await sha256Hex(request.rawBody)}`;
  const deliveryKey = claimedKey ?? bodyKey;
  const id = await deliveryId(vendor, integration.dedupeBy === "body" ? bodyKey : deliveryKey);
  const payloadRef = `payloads/${vendor}/${id}.json`;

  const parsed = integration.parse(type, payload);
  const event = agentEventSchema.parse({
    ...parsed,
    id,
    vendor,
    deliveryKey,
    type,
    action: parsed.action ?? (payload as { action?: unknown } | null)?.action?.toString(),
    payloadRef,
    receivedAt: request.receivedAt,
    ...(verified.signedWith === "previous" ? { signedWith: "previous" } : {}),
  });

  // Most payloads fit in the queue message, and the consumer stores them; only
  // large ones cost an R2 write before the reply. (The received counter is also
  // kept by the consumer, which sees every accepted message, duplicates included.)
  const { message, inline } = queueMessage(event, request.rawBody);
  if (inline) {
    await env.EVENTS.send(message, { contentType: "json" });
  } else {
    await Promise.all([storePayload(env.PAYLOADS, payloadRef, request.rawBody), env.EVENTS.send(message, { contentType: "json" })]);
  }
  return { kind: "queued", event };
}
