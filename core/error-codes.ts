// One registry of error codes for every HTTP surface (the Worker's API and MCP routes, the
// runner's server): one status per code, one JSON shape, { "error": { "code", "message" } }.
export const ERROR_STATUS = {
  unauthorized: 401,
  invalid_signature: 401,
  stale_timestamp: 401,
  forbidden: 403,
  not_found: 404,
  unknown_vendor: 404,
  method_not_allowed: 405,
  conflict: 409,
  /** The runner: a run request for an attempt older than the one it has. */
  stale_attempt: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  malformed_json: 400,
  bad_request: 400,
  /** The runner: a run request that is JSON but not a RunRequest. */
  invalid_request: 400,
  rate_limited: 429,
  internal: 500,
  upstream_error: 502,
  not_configured: 503,
  /** The runner: stopping, so it takes no new runs. */
  shutting_down: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

export interface ErrorBody {
  error: { code: ErrorCode; message: string };
}

export function errorBody(code: ErrorCode, message: string): ErrorBody {
  return { error: { code, message } };
}
