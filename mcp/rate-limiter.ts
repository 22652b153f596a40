// The per-token request limits. Every isolate asks the same Durable Object
// (named by the token id), so the limits hold however many isolates serve the
// token. Each kind of traffic (mcp/request-kind.ts) has its own window, so a
// client's start-up never spends the budget for calls. A window counts requests
// in the last second (sliding), so "10 per second" means no 11th inside any one
// second; a token bucket of 10 refilled at 10/s would let up to 20 through in
// the first second. The windows are in memory: an evicted limiter starts empty,
// which at worst lets one more window's worth through.
import { DurableObject } from "cloudflare:workers";
import type { RequestKind } from "./request-kind";

const WINDOW_MS = 1000;

export type LimitKind = RequestKind["kind"];

export interface TakeResult {
  allowed: boolean;
  /** Whole seconds until the request would be allowed; 0 when allowed. */
  retryAfterSeconds: number;
  remaining: number;
}

export class McpRateLimiter extends DurableObject<Env> {
  /** Times of the allowed slots in each window, oldest first. */
  private readonly windows: Record<LimitKind, number[]> = { calls: [], session: [] };

  /** Takes `count` slots (a JSON-RPC batch of calls takes one per call) from the `kind` window, or none. */
  take(kind: LimitKind, perSecond: number, count = 1, now = Date.now()): TakeResult {
    const recent = this.windows[kind];
    while (recent.length && recent[0]! <= now - WINDOW_MS) recent.shift();
    if (recent.length + count <= perSecond) {
      for (let i = 0; i < count; i++) recent.push(now);
      return { allowed: true, retryAfterSeconds: 0, remaining: perSecond - recent.length };
    }
    // Room for `count` opens when the (length + count - perSecond)th oldest leaves; a batch larger
    // than the limit never fits, and waits a whole window like any other refusal.
    const frees = recent[recent.length + count - perSecond - 1] ?? now;
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((frees + WINDOW_MS - now) / 1000)), remaining: 0 };
  }
}
