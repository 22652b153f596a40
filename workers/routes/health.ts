// GET /health is open and answers from the isolate alone (for load balancers and uptime checks).
// GET /health?deep=1 reaches D1, R2, the queue and the runner, so it needs the API token: it
// would otherwise be a way for anyone to make the Worker do work.
import { Hono } from "hono";
import type { AppEnv } from "../app-env";
import { requireApiToken } from "../middleware/api-auth";
import { deepHealth } from "../observability/deep-health";

export function healthRoutes() {
  const app = new Hono<AppEnv>();
  app.get(
    "/",
    (c, next) => (c.req.query("deep") ? requireApiToken(c, next) : next()),
    async (c) => {
      if (!c.req.query("deep")) return c.json({ status: "ok" });
      const health = await deepHealth(c.env);
      return c.json(health, health.status === "ok" ? 200 : 503);
    },
  );
  return app;
}
