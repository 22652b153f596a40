// One registry of error codes, one HTTP status per code, one JSON shape:
// { "error": { "code", "message" } }.
import type { Context } from "hono";

export const ERROR_STATUS = {
  unauthorized: 401,
  invalid_signature: 401,
  stale_timestamp: 401,
  forbidden: 403,
  not_found: 404,
  unknown_vendor: 404,
  method_not_allowed: 405,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  malformed_json: 400,
  bad_request: 400,
  rate_limited: 429,
  upstream_error: 502,
  not_configured: 503,
  internal: 500,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

export class AppError extends Error {
  readonly status: (typeof ERROR_STATUS)[ErrorCode];
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = "AppError";
    this.status = ERROR_STATUS[code];
  }
}

export function errorBody(code: ErrorCode, message: string) {
  return { error: { code, message } };
}

export function errorResponse(c: Context, error: AppError): Response {
  for (const [name, value] of Object.entries(error.headers)) c.header(name, value);
  return c.json(errorBody(error.code, error.message), error.status);
}
