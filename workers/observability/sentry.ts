// Unhandled errors go to Sentry through toucan-js when SENTRY_DSN is set.
import { Toucan } from "toucan-js";
import type { Config } from "../config";

export function reportError(error: unknown, config: Config, context: ExecutionContext, request?: Request): void {
  if (!config.SENTRY_DSN) return;
  const sentry = new Toucan({ dsn: config.SENTRY_DSN, context, request, requestDataOptions: { allowedHeaders: ["user-agent", "content-type"] } });
  sentry.captureException(error);
}
