// GET /api/analytics?from=YYYY-MM-DD&to=YYYY-MM-DD: tasks per day and vendor,
// outcomes, duration percentiles, cost per day and top repositories over a range of
// UTC days (the last 7 by default, at most 90), computed in D1 (workers/db/analytics.ts).
import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../app-env";
import { DAY_MS, dayStart, taskAnalytics } from "../db/analytics";
import { AppError } from "../errors";
import { validate } from "../middleware/validate";

export const DEFAULT_RANGE_DAYS = 7;
export const MAX_RANGE_DAYS = 90;

const isoDay = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, "expected YYYY-MM-DD")
  .refine((day) => {
    const start = dayStart(day);
    // Date.parse rolls 2026-02-30 over to March; a real day formats back to itself.
    return Number.isFinite(start) && new Date(start).toISOString().slice(0, 10) === day;
  }, "not a calendar day");

const rangeQuery = z.object({ from: isoDay.optional(), to: isoDay.optional() });

function formatDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

export function analyticsRoutes() {
  const app = new Hono<AppEnv>();

  app.get("/analytics", validate("query", rangeQuery), async (c) => {
    const query = c.req.valid("query");
    const to = query.to ?? formatDay(Date.now());
    const from = query.from ?? formatDay(dayStart(to) - (DEFAULT_RANGE_DAYS - 1) * DAY_MS);
    const days = (dayStart(to) - dayStart(from)) / DAY_MS + 1;
    if (days < 1) throw new AppError("bad_request", `from (${from}) is after to (${to})`);
    if (days > MAX_RANGE_DAYS) throw new AppError("bad_request", `the range is ${days} days; at most ${MAX_RANGE_DAYS} are allowed`);
    return c.json(await taskAnalytics(c.env.DB, { from, to }));
  });

  return app;
}
