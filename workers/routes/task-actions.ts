// Task management over the API: create a task by hand, cancel, retry, read
// the log after a sequence number, and the live feed (WebSocket) of one task.
import { getAgentByName } from "agents";
import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../app-env";
import { getTaskRow } from "../db/tasks";
import { AppError } from "../errors";
import { validate } from "../middleware/validate";
import { createManualTask, manualTaskInput } from "../tasks/manual-task";

/** The body CreateTaskInput (core/api-types.ts) describes; test/node/api-types.test.ts holds them equal. */
export const createTaskBody = manualTaskInput;

/** `after` and `limit` fall back to their defaults rather than fail. */
const logsQuery = z.object({
  after: z.coerce.number().int().min(0).catch(0),
  limit: z.coerce.number().int().min(1).max(1000).catch(500),
});

async function agentFor(env: Env, id: string) {
  return getAgentByName(env.TASK_AGENT, id);
}

async function existingAgent(env: Env, id: string) {
  if (!(await getTaskRow(env.DB, id))) throw new AppError("not_found", `no task ${id}`);
  return agentFor(env, id);
}

export function taskActionRoutes() {
  const app = new Hono<AppEnv>();

  app.post("/tasks", validate("json", createTaskBody, "task"), async (c) => {
    // An Idempotency-Key makes a retried POST return the same task.
    const key = c.req.header("idempotency-key") ?? crypto.randomUUID();
    const { id, created, state } = await createManualTask(c.env, c.req.valid("json"), {
      deliveryId: `api:${key}`,
      eventType: "manual",
      reason: "created through the API",
    });
    return c.json({ id, created, state }, created ? 201 : 200);
  });

  app.post("/tasks/:id/cancel", async (c) => {
    const agent = await existingAgent(c.env, c.req.param("id"));
    return c.json({ state: await agent.cancelTask("cancelled through the API") });
  });

  app.post("/tasks/:id/retry", async (c) => {
    const agent = await existingAgent(c.env, c.req.param("id"));
    const result = await agent.retryTask("retried through the API");
    if (!result.retried) throw new AppError("conflict", result.message ?? "the task cannot be retried");
    return c.json({ state: result.state }, 202);
  });

  app.get("/tasks/:id/logs", validate("query", logsQuery), async (c) => {
    const { after, limit } = c.req.valid("query");
    const agent = await existingAgent(c.env, c.req.param("id"));
    const items = await agent.getLog(after, limit);
    return c.json({ items, next: items.length ? items[items.length - 1]!.seq : after });
  });

  // Live feed: the TaskAgent's hibernating WebSocket (backlog after ?after=, then live events).
  app.get("/tasks/:id/live", async (c) => {
    if (c.req.header("upgrade")?.toLowerCase() !== "websocket") throw new AppError("bad_request", "expected a WebSocket upgrade");
    const agent = await existingAgent(c.env, c.req.param("id"));
    return agent.fetch(c.req.raw);
  });

  return app;
}
