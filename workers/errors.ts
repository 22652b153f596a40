// The Worker's errors: an AppError carries a code from the one registry (core/error-codes.ts),
// and the error handler answers with that code's status and the shared JSON shape.
import type { Context } from "hono";
import { ERROR_STATUS, errorBody, type ErrorCode } from "../core/error-codes";

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

export function errorResponse(c: Context, error: AppError): Response {
  for (const [name, value] of Object.entries(error.headers)) c.header(name, value);
  return c.json(errorBody(error.code, error.message), error.status);
}
