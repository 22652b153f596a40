// Puts config and a log-field bag on the context, then writes the one log line
// per request: request id, route, status, duration, and what the handler added.
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../app-env";
import { getConfig } from "../config";
import { logLine } from "../observability/log";

export const requestContext = createMiddleware<AppEnv>(async (c, next) => {
  const started = performance.now();
  c.set("config", getConfig(c.env));
  c.set("log", {});
  try {
    await next();
  } finally {
    const status = c.res.status;
    logLine(status >= 500 ? "error" : "info", {
      kind: "request",
      requestId: c.get("requestId"),
      method: c.req.method,
      path: c.req.path,
      status,
      durationMs: Math.round((performance.now() - started) * 100) / 100,
      ...c.get("log"),
    });
  }
});
