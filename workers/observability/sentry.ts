// Unhandled errors go to Sentry through toucan-js when SENTRY_DSN is set.
// Every event is passed through redact() first: an error message may quote a secret.
import { Toucan } from "toucan-js";
import type { Config } from "../config";
import { redact } from "./log";

export function reportError(error: unknown, config: Config, context: ExecutionContext, request?: Request): void {
  if (!config.SENTRY_DSN) return;
  const sentry = new Toucan({
    dsn: config.SENTRY_DSN,
    context,
    request,
    requestDataOptions: { allowedHeaders: ["user-agent", "content-type"] },
    beforeSend: (event) => JSON.parse(redact(JSON.stringify(event), config)),
  });
  sentry.captureException(error);
}
