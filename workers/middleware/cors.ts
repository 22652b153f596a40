// CORS for the dashboard when it is served from another origin (Pages): only the
// origin of DASHBOARD_URL is allowed, never a wildcard, with credentials so the
// Cloudflare Access cookie is sent. Runs before auth, so preflights need no token
// and error answers (401) stay readable by the dashboard.
import { cors } from "hono/cors";
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../app-env";
import { dashboardOrigin } from "../auth/origins";

const handler = cors({
  origin: (origin, c) => (origin && origin === dashboardOrigin(c.get("config")) ? origin : null),
  allowMethods: ["GET", "POST", "DELETE", "OPTIONS"],
  allowHeaders: ["Authorization", "Content-Type", "Idempotency-Key"],
  exposeHeaders: ["x-request-id", "www-authenticate", "retry-after"],
  credentials: true,
  maxAge: 600,
});

// WebSockets are outside CORS (browsers send Origin but enforce nothing), and a 101
// answer's headers are not to be rewritten, so upgrades pass straight through.
export const dashboardCors = createMiddleware<AppEnv>((c, next) =>
  c.req.header("upgrade")?.toLowerCase() === "websocket" ? next() : handler(c, next),
);
