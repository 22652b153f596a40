// Helpers for Workers-runtime tests: signed deliveries to the real Worker entry,
// API calls with the test token, and D1 reads.
import { env, exports } from "cloudflare:workers";
import { signDelivery } from "../../scripts/webhook-signer.mjs";

export type Vendor = "github" | "jira" | "slack" | "sentry";

export const SECRETS: Record<Vendor, string> = {
  github: env.GITHUB_WEBHOOK_SECRET,
  jira: env.JIRA_WEBHOOK_SECRET,
  slack: env.SLACK_SIGNING_SECRET,
  sentry: env.SENTRY_CLIENT_SECRET,
};

export interface SendOptions {
  eventType?: string;
  deliveryId?: string;
  secret?: string;
  timestamp?: number;
  headers?: Record<string, string>;
  path?: string;
  body?: string;
}

export async function send(vendor: Vendor, payload: unknown, options: SendOptions = {}): Promise<Response> {
  const body = options.body ?? JSON.stringify(payload);
  const { headers } = await signDelivery(vendor, {
    body,
    secret: options.secret ?? SECRETS[vendor],
    eventType: options.eventType,
    deliveryId: options.deliveryId,
    timestamp: options.timestamp,
  });
  return exports.default.fetch(`https://agent-bot.test${options.path ?? `/webhooks/${vendor}`}`, {
    method: "POST",
    headers: { ...headers, ...options.headers },
    body,
  });
}

export function api(path: string, init: RequestInit & { token?: string | null } = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  const token = init.token === undefined ? env.API_TOKEN : init.token;
  if (token) headers.set("authorization", `Bearer ${token}`);
  return exports.default.fetch(`https://agent-bot.test${path}`, { ...init, headers });
}

export async function rows<T = Record<string, unknown>>(query: string, ...params: unknown[]): Promise<T[]> {
  return (
    await env.DB.prepare(query)
      .bind(...params)
      .all<T>()
  ).results;
}

/** Polls until `check` returns a truthy value; the queue consumer runs asynchronously. */
export async function eventually<T>(check: () => Promise<T | undefined | null | false>, timeoutMs = 8000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value) return value;
    } catch (error) {
      last = error;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`condition not met within ${timeoutMs} ms${last ? `: ${String(last)}` : ""}`);
}

export interface DeliveryRow {
  id: string;
  vendor: string;
  delivery_key: string;
  event_type: string;
  action: string | null;
  signature: string;
  status: string;
  decision: string;
  reason: string | null;
  task_id: string | null;
  duplicates: number;
  attempts: number;
  last_error: string | null;
  payload_ref: string | null;
}

/** Waits for the queue consumer to finish a delivery and returns its ledger row. */
export function processed(id: string): Promise<DeliveryRow> {
  return eventually(async () => {
    const [row] = await rows<DeliveryRow>("SELECT * FROM deliveries WHERE id = ? AND status = 'processed'", id);
    return row;
  });
}

/** Sends a delivery, expects 202, and returns its id once the consumer has processed it. */
export async function deliver(vendor: Vendor, payload: unknown, options: SendOptions = {}): Promise<DeliveryRow> {
  const res = await send(vendor, payload, options);
  if (res.status !== 202) throw new Error(`expected 202, got ${res.status}: ${await res.text()}`);
  const { id } = (await res.json()) as { id: string };
  return processed(id);
}
