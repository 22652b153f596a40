// The JSON API behind the dashboard: tasks, the delivery ledger, dead letters and their replay.
// Mounted behind requireApiToken.
import { Hono } from "hono";
import { z } from "zod";
import { getAgentByName } from "agents";
import { agentEventSchema, vendorSchema } from "../../core/agent-event";
import type { ReplayResult, TaskDetail } from "../../core/api-types";
import { TASK_STATUSES } from "../../core/task-types";
import type { AppEnv } from "../app-env";
import { claimReplay, getDeadLetter, listDeadLetters, releaseReplay } from "../db/dead-letters";
import { listDeliveries } from "../db/deliveries";
import { decodeCursor, page } from "../db/pagination";
import { getTaskRow, listTasks } from "../db/tasks";
import { AppError } from "../errors";
import { validate } from "../middleware/validate";

const pageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().optional(),
});

/** A text filter; empty (`?q=`) means no filter. */
const optionalText = z
  .string()
  .trim()
  .max(200)
  .optional()
  .transform((value) => value || undefined);

const tasksQuery = pageQuery.extend({
  vendor: vendorSchema.optional(),
  status: z.enum(TASK_STATUSES).optional(),
  repository: optionalText,
  q: optionalText,
});
const eventsQuery = pageQuery.extend({ vendor: vendorSchema.optional() });

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    // The row was written with JSON.stringify; unparseable means it cannot be replayed, which the caller reports.
    return undefined;
  }
}

function cursorOf(text: string | undefined) {
  const cursor = decodeCursor(text);
  if (text && !cursor) throw new AppError("bad_request", "invalid cursor");
  return cursor;
}

export function apiRoutes() {
  const app = new Hono<AppEnv>();

  app.get("/tasks", validate("query", tasksQuery), async (c) => {
    const query = c.req.valid("query");
    const rows = await listTasks(c.env.DB, { ...query, cursor: cursorOf(query.cursor) });
    return c.json(page(rows, query.limit, (row) => ({ at: row.createdAt, id: row.id })));
  });

  app.get("/tasks/:id", async (c) => {
    const id = c.req.param("id");
    const row = await getTaskRow(c.env.DB, id);
    if (!row) throw new AppError("not_found", `no task ${id}`);
    const agent = await getAgentByName(c.env.TASK_AGENT, id);
    const [state, log] = await Promise.all([agent.getTask(), agent.getLog()]);
    return c.json({ task: row, state, log } satisfies TaskDetail);
  });

  app.get("/events", validate("query", eventsQuery), async (c) => {
    const query = c.req.valid("query");
    const rows = await listDeliveries(c.env.DB, { ...query, cursor: cursorOf(query.cursor) });
    return c.json(page(rows, query.limit, (row) => ({ at: row.receivedAt, id: row.id })));
  });

  app.get("/dead-letters", validate("query", pageQuery), async (c) => {
    const query = c.req.valid("query");
    const rows = await listDeadLetters(c.env.DB, { ...query, cursor: cursorOf(query.cursor) });
    return c.json(page(rows, query.limit, (row) => ({ at: row.receivedAt, id: row.id })));
  });

  // Sends the stored message to the events queue again. The consumer treats it like a
  // retry: the delivery was never marked processed, so its claim lets it through, and the
  // task id derives from the delivery id, so at most one task ever exists for it.
  app.post("/dead-letters/:id/replay", async (c) => {
    const id = c.req.param("id");
    const row = await getDeadLetter(c.env.DB, id);
    if (!row) throw new AppError("not_found", `no dead letter ${id}`);
    if (row.replayedAt !== null)
      throw new AppError("conflict", `dead letter ${id} was already replayed at ${new Date(row.replayedAt).toISOString()}`);
    const event = agentEventSchema.safeParse(parseJson(row.body));
    if (!event.success) throw new AppError("conflict", `dead letter ${id} is not a valid event message and cannot be replayed`);

    const replayedAt = Date.now();
    if (!(await claimReplay(c.env.DB, id, replayedAt))) throw new AppError("conflict", `dead letter ${id} was already replayed`);
    try {
      await c.env.EVENTS.send(event.data, { contentType: "json" });
    } catch (error) {
      await releaseReplay(c.env.DB, id, replayedAt);
      throw error;
    }
    Object.assign(c.get("log"), { outcome: "dead_letter_replayed", vendor: event.data.vendor, deliveryId: event.data.id });
    return c.json({ id, deliveryId: event.data.id, replayedAt } satisfies ReplayResult, 202);
  });

  return app;
}
