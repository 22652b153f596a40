// Slack Web API access through @slack/web-api's WebClient. The client is fetch
// based (v8+), so it runs in workerd — given a fetch that accepts its
// `redirect: "error"` option (see `slackFetch`). Retries are off: the caller
// (a queue or the TaskAgent's schedule) owns retrying, with the Retry-After
// this module reports.
import { ErrorCode, LogLevel, WebClient, type Logger } from "@slack/web-api";
import type { Config } from "../../config";
import { httpError, networkError, redact, unusableRequest } from "../../threads/errors";
import { VendorApiError } from "../../threads/types";

export type SlackSettings = Pick<Config, "SLACK_API_URL" | "SLACK_BOT_TOKEN">;

/** How long one Web API call may take before it counts as a (retryable) network failure. */
const TIMEOUT_MS = 15_000;

/**
 * WebClient asks fetch never to follow redirects with `redirect: "error"`, which
 * workerd rejects ("does not make sense at the edge; use manual"). `manual` plus
 * failing on any 3xx keeps the same guarantee. Everything else goes to the
 * global fetch, looked up per call.
 */
export async function slackFetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
  if (init?.redirect !== "error") return fetch(input, init);
  const response = await fetch(input, { ...init, redirect: "manual" });
  if (response.status >= 300 && response.status < 400) {
    throw new TypeError(`Slack answered with a ${response.status} redirect, which is not followed`);
  }
  return response;
}

/**
 * WebClient logs what it also throws (and Slack's response warnings at error
 * level); the caller logs the VendorApiError, once, with the task's context.
 */
const silent: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  setLevel: () => undefined,
  getLevel: () => LogLevel.ERROR,
  setName: () => undefined,
};

export function createSlackClient(config: SlackSettings): WebClient {
  if (!config.SLACK_BOT_TOKEN) throw unusableRequest("slack", "SLACK_BOT_TOKEN is not set");
  return new WebClient(config.SLACK_BOT_TOKEN, {
    slackApiUrl: config.SLACK_API_URL,
    fetch: slackFetch,
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    timeout: TIMEOUT_MS,
    logger: silent,
  });
}

/** Slack `error` codes that mean "try again later" rather than "this request is wrong". */
const RETRYABLE_PLATFORM_ERRORS = new Set(["ratelimited", "internal_error", "fatal_error", "service_unavailable", "request_timeout"]);

interface SlackFailure {
  code?: string;
  message: string;
  data?: { error?: string; response_metadata?: { messages?: string[]; retryAfter?: number } };
  statusCode?: number;
  headers?: Record<string, string>;
  body?: unknown;
  retryAfter?: number;
}

/** Any failure of a WebClient call, as a VendorApiError. */
export function slackError(error: unknown, method: string, config: SlackSettings): VendorApiError {
  if (error instanceof VendorApiError) return error;
  const secrets = [config.SLACK_BOT_TOKEN];
  const failure = (error instanceof Error ? error : new Error(String(error))) as Error & SlackFailure;
  switch (failure.code) {
    case ErrorCode.PlatformError: {
      // HTTP 200 with { ok: false, error }: Slack's way of reporting almost every failure.
      const code = failure.data?.error ?? "unknown_error";
      const details = failure.data?.response_metadata?.messages ?? [];
      const message = redact(`slack ${method} failed: ${[code, ...details].join("; ")}`, secrets);
      const retryAfter = code === "ratelimited" ? failure.data?.response_metadata?.retryAfter : undefined;
      return new VendorApiError("slack", 200, message, RETRYABLE_PLATFORM_ERRORS.has(code), retryAfter);
    }
    case ErrorCode.RateLimitedError:
      return httpError({
        vendor: "slack",
        operation: method,
        status: 429,
        detail: "ratelimited",
        retryAfterSeconds: failure.retryAfter,
        secrets,
      });
    case ErrorCode.HTTPError:
      return httpError({
        vendor: "slack",
        operation: method,
        status: failure.statusCode ?? 0,
        detail: typeof failure.body === "string" ? failure.body.slice(0, 300) : undefined,
        secrets,
      });
    default:
      // WebClient throws a plain Error for a 429 whose Retry-After it cannot read.
      if (/^Retry header did not contain a valid timeout/.test(failure.message)) {
        return httpError({ vendor: "slack", operation: method, status: 429, detail: "ratelimited", secrets });
      }
      return networkError("slack", method, failure, secrets);
  }
}

/** Runs one WebClient call and maps whatever it throws. */
export async function slackCall<T>(config: SlackSettings, method: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw slackError(error, method, config);
  }
}
