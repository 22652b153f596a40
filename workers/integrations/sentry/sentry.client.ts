// Sentry Web API access with plain fetch: Bearer auth token, JSON in and out.
// SENTRY_API_URL is the API root (`https://sentry.io/api/0/`), so paths here
// are relative to it.
import type { Config } from "../../config";
import { describeBody, httpError, networkError, parseRetryAfter, unusableRequest } from "../../threads/errors";

export type SentrySettings = Pick<Config, "SENTRY_API_URL" | "SENTRY_AUTH_TOKEN">;

const TIMEOUT_MS = 15_000;

/** One Sentry API call; any failure is thrown as a VendorApiError. */
export async function sentryRequest<T>(
  config: SentrySettings,
  method: "GET" | "POST" | "PUT" | "DELETE",
  path: string,
  body?: unknown,
): Promise<T> {
  if (!config.SENTRY_AUTH_TOKEN) throw unusableRequest("sentry", "SENTRY_AUTH_TOKEN is not set");
  const url = `${config.SENTRY_API_URL.replace(/\/+$/, "")}/${path.replace(/^\/+/, "")}`;
  const operation = `${method} /${path.replace(/^\/+/, "")}`;
  const secrets = [config.SENTRY_AUTH_TOKEN];
  let response: Response;
  try {
    response = await fetch(url, {
      method,
      headers: {
        accept: "application/json",
        authorization: `Bearer ${config.SENTRY_AUTH_TOKEN}`,
        "user-agent": "agent-bot",
        ...(body === undefined ? {} : { "content-type": "application/json" }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
  } catch (error) {
    throw networkError("sentry", operation, error, secrets);
  }
  const text = await response.text();
  if (!response.ok) {
    throw httpError({
      vendor: "sentry",
      operation,
      status: response.status,
      detail: describeBody(text) ?? response.statusText,
      retryAfterSeconds:
        response.status === 429 || response.status === 503 ? parseRetryAfter(response.headers.get("retry-after")) : undefined,
      secrets,
    });
  }
  if (!text) return undefined as T;
  try {
    return JSON.parse(text) as T;
  } catch {
    throw httpError({ vendor: "sentry", operation, status: 502, detail: "the response is not JSON", secrets });
  }
}
