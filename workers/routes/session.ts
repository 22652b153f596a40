// GET /api/session: who the dashboard is signed in as. Mounted behind
// requireApiToken, so reaching the handler means the credentials are good.
import { Hono } from "hono";
import type { AppEnv } from "../app-env";

export function sessionRoutes() {
  const app = new Hono<AppEnv>();
  app.get("/session", (c) => c.json({ user: c.get("user") }, 200, { "cache-control": "no-store" }));
  return app;
}
