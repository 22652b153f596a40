// The Hono app's type, declared once: bindings from `wrangler types`, plus
// what middleware puts on the context.
import type { ApiUser } from "../core/api-types";
import type { Config } from "./config";
import type { LogFields } from "./observability/log";

export type AppEnv = {
  Bindings: Env;
  Variables: {
    requestId: string;
    config: Config;
    /** Fields the handler adds to the request's log line (vendor, delivery id, outcome). */
    log: LogFields;
    /** Who signed in, set by requireApiToken on /api/* and /metrics. */
    user: ApiUser;
  };
};
