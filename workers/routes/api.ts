// The JSON API behind the dashboard: tasks, the delivery ledger, dead letters.
// Mounted behind requireApiToken.
import { desc } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { Hono } from "hono";
import { z } from "zod";
import { getAgentByName } from "agents";
import type { AppEnv } from "../app-env";
import { listDeliveries } from "../db/deliveries";
import { decodeCursor, olderThan, page } from "../db/pagination";
import { deadLetters } from "../db/schema";
import { getTaskRow, listTasks } from "../db/tasks";
import { AppError } from "../errors";
import { vendorSchema } from "../events/agent-event";
import { TASK_STATUSES } from "../../durable-objects/task-types";

const pageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().optional(),
});

function parseQuery<S extends z.ZodType>(schema: S, query: Record<string, string>): z.infer<S> {
  const result = schema.safeParse(query);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new AppError("bad_request", `invalid query parameter ${issue?.path.join(".")}: ${issue?.message}`);
  }
  return result.data;
}

function cursorOf(text: string | undefined) {
  const cursor = decodeCursor(text);
  if (text && !cursor) throw new AppError("bad_request", "invalid cursor");
  return cursor;
}

export function apiRoutes() {
  const app = new Hono<AppEnv>();

  app.get("/tasks", async (c) => {
    const query = parseQuery(pageQuery.extend({ vendor: vendorSchema.optional(), status: z.enum(TASK_STATUSES).optional() }), c.req.query());
    const rows = await listTasks(c.env.DB, { ...query, cursor: cursorOf(query.cursor) });
    return c.json(page(rows, query.limit, (row) => ({ at: row.createdAt, id: row.id })));
  });

  app.get("/tasks/:id", async (c) => {
    const id = c.req.param("id");
    const row = await getTaskRow(c.env.DB, id);
    if (!row) throw new AppError("not_found", `no task ${id}`);
    const agent = await getAgentByName(c.env.TASK_AGENT, id);
    const [state, log] = await Promise.all([agent.getTask(), agent.getLog()]);
    return c.json({ task: row, state, log });
  });

  app.get("/events", async (c) => {
    const query = parseQuery(pageQuery.extend({ vendor: vendorSchema.optional() }), c.req.query());
    const rows = await listDeliveries(c.env.DB, { ...query, cursor: cursorOf(query.cursor) });
    return c.json(page(rows, query.limit, (row) => ({ at: row.receivedAt, id: row.id })));
  });

  app.get("/dead-letters", async (c) => {
    const query = parseQuery(pageQuery, c.req.query());
    const rows = await drizzle(c.env.DB)
      .select()
      .from(deadLetters)
      .where(olderThan(cursorOf(query.cursor), deadLetters.receivedAt, deadLetters.id))
      .orderBy(desc(deadLetters.receivedAt), desc(deadLetters.id))
      .limit(query.limit + 1);
    return c.json(page(rows, query.limit, (row) => ({ at: row.receivedAt, id: row.id })));
  });

  return app;
}
