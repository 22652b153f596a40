// The per-token request limit. Every isolate asks the same Durable Object
// (named by the token id), so the limit holds however many isolates serve the
// token. It counts requests in the last second (a sliding window), so "10 per
// second" means no 11th request inside any one second; a token bucket of 10
// refilled at 10/s would let up to 20 through in the first second. The window
// is in memory: an evicted limiter starts empty, which at worst lets one more
// window's worth through.
import { DurableObject } from "cloudflare:workers";

const WINDOW_MS = 1000;

export interface TakeResult {
  allowed: boolean;
  /** Whole seconds until a request would be allowed; 0 when allowed. */
  retryAfterSeconds: number;
  remaining: number;
}

export class McpRateLimiter extends DurableObject<Env> {
  /** Times of the allowed requests in the current window, oldest first. */
  private recent: number[] = [];

  take(perSecond: number, now = Date.now()): TakeResult {
    while (this.recent.length && this.recent[0]! <= now - WINDOW_MS) this.recent.shift();
    if (this.recent.length < perSecond) {
      this.recent.push(now);
      return { allowed: true, retryAfterSeconds: 0, remaining: perSecond - this.recent.length };
    }
    // The request that frees a slot is the (length - perSecond)th oldest; for an unchanged limit, the oldest.
    const frees = this.recent[this.recent.length - perSecond]!;
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((frees + WINDOW_MS - now) / 1000)), remaining: 0 };
  }
}
