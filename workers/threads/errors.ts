// One mapping from a vendor API failure to VendorApiError, shared by every
// vendor client: 4xx is final, 5xx and network failures are retryable, 429 is
// retryable after the vendor's Retry-After. Messages never carry a credential.
import { VendorApiError } from "./types";

/** Seconds to wait from a `Retry-After` header: delta-seconds or an HTTP date. */
export function parseRetryAfter(value: string | null | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.ceil(Number(trimmed));
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - now) / 1000));
}

/** Replaces every occurrence of each secret with `[redacted]`; short values are skipped to keep ordinary words. */
export function redact(text: string, secrets: readonly (string | undefined)[]): string {
  let out = text;
  for (const secret of secrets) {
    if (secret && secret.length >= 4) out = out.split(secret).join("[redacted]");
  }
  return out;
}

export interface HttpFailure {
  vendor: string;
  /** What was attempted, e.g. `POST /repos/acme/shop/issues/7/comments`. */
  operation: string;
  status: number;
  /** The vendor's own error text. */
  detail?: string;
  /** Seconds, when the vendor said how long to wait; pass it only for statuses where the wait means "retry". */
  retryAfterSeconds?: number;
  /** Credentials to scrub from the message. */
  secrets: readonly (string | undefined)[];
}

/** An HTTP answer of 400 or more, as a VendorApiError. */
export function httpError(failure: HttpFailure): VendorApiError {
  const { vendor, operation, status, retryAfterSeconds } = failure;
  // A wait the vendor asked for makes any status retryable (GitHub's rate limits answer 403 with one).
  const retryable = status === 429 || status >= 500 || retryAfterSeconds !== undefined;
  const detail = failure.detail?.trim() ? `: ${oneLine(failure.detail)}` : "";
  const message = redact(`${vendor} ${operation} failed with ${status}${detail}`, failure.secrets);
  return new VendorApiError(vendor, status, message, retryable, retryable ? retryAfterSeconds : undefined);
}

/** No HTTP answer at all (DNS, refused connection, reset, timeout): status 0, retryable. */
export function networkError(vendor: string, operation: string, cause: unknown, secrets: readonly (string | undefined)[]): VendorApiError {
  const reason = cause instanceof Error ? cause.message : String(cause);
  return new VendorApiError(vendor, 0, redact(`${vendor} ${operation} failed: ${oneLine(reason)}`, secrets), true);
}

/** A request agent-bot cannot even make (the task's subject lacks the ids, a setting is malformed): status 0, final. */
export function unusableRequest(vendor: string, message: string): VendorApiError {
  return new VendorApiError(vendor, 0, `${vendor}: ${message}`, false);
}

/** The text of a JSON or plain error body, capped so a vendor's HTML error page does not flood the logs. */
export function describeBody(body: unknown, pick: (json: Record<string, unknown>) => unknown = defaultPick): string | undefined {
  if (body === undefined || body === null || body === "") return undefined;
  if (typeof body === "string") {
    try {
      return describeBody(JSON.parse(body), pick);
    } catch {
      return body.slice(0, 300);
    }
  }
  if (typeof body === "object") {
    const picked = pick(body as Record<string, unknown>);
    if (typeof picked === "string" && picked) return picked.slice(0, 500);
    return JSON.stringify(body).slice(0, 500);
  }
  return String(body).slice(0, 300);
}

function defaultPick(json: Record<string, unknown>): unknown {
  return json.message ?? json.detail ?? json.error;
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}
