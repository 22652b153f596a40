// The one place errors become responses: AppErrors keep their code and status,
// Hono's HTTP errors keep their status, anything else is a reported 500.
import type { ErrorHandler, NotFoundHandler } from "hono";
import { HTTPException } from "hono/http-exception";
import { errorBody, type ErrorCode } from "../../core/error-codes";
import { errorMessage } from "../../core/error-message";
import type { AppEnv } from "../app-env";
import { getConfig } from "../config";
import { AppError, errorResponse } from "../errors";
import { redact } from "../observability/log";
import { reportError } from "../observability/sentry";

const CODE_BY_STATUS: Record<number, ErrorCode> = {
  400: "bad_request",
  401: "unauthorized",
  404: "not_found",
  405: "method_not_allowed",
  413: "payload_too_large",
};

export const handleError: ErrorHandler<AppEnv> = (error, c) => {
  if (error instanceof AppError) return errorResponse(c, error);
  if (error instanceof HTTPException) {
    // Middleware such as bearerAuth builds its full response (headers included).
    if (error.res) return error.getResponse();
    const code = CODE_BY_STATUS[error.status] ?? "internal";
    return c.json(errorBody(code, error.message || code), error.status);
  }
  const config = getConfig(c.env);
  c.get("log").error = redact(errorMessage(error), config);
  reportError(error, config, c.executionCtx as ExecutionContext, c.req.raw);
  return c.json(errorBody("internal", "internal error"), 500);
};

export const handleNotFound: NotFoundHandler<AppEnv> = (c) =>
  c.json(errorBody("not_found", `no route for ${c.req.method} ${c.req.path}`), 404);
