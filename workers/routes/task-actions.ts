// Task management over the API: create a task by hand, cancel, retry, read
// the log after a sequence number, and the live feed (WebSocket) of one task.
import { getAgentByName } from "agents";
import { Hono } from "hono";
import { z } from "zod";
import { CLI_NAMES } from "../../core/names";
import type { TaskSpec } from "../../core/task-types";
import type { AppEnv } from "../app-env";
import { getTaskRow, insertTaskRow } from "../db/tasks";
import { AppError } from "../errors";
import { sha256Hex } from "../security/hmac";

/** The body CreateTaskInput (core/api-types.ts) describes; test/node/api-types.test.ts holds them equal. */
export const createTaskBody = z.object({
  repository: z.string().regex(/^[\w.-]+\/[\w.-]+$/, "owner/name"),
  prompt: z.string().min(1).max(16_000),
  title: z.string().min(1).max(200).optional(),
  cli: z.enum(CLI_NAMES).optional(),
  skill: z.string().regex(/^[a-z0-9-]+$/).optional(),
  ref: z.string().optional(),
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

  app.post("/tasks", async (c) => {
    const parsed = createTaskBody.safeParse(await c.req.json().catch(() => undefined));
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new AppError("bad_request", `invalid task: ${issue?.path.join(".") || "body"}: ${issue?.message}`);
    }
    const body = parsed.data;
    // An Idempotency-Key makes a retried POST return the same task.
    const key = c.req.header("idempotency-key") ?? crypto.randomUUID();
    const id = `task_${(await sha256Hex(`api:${key}`)).slice(0, 32)}`;
    const spec: TaskSpec = {
      id,
      deliveryId: `api:${key}`,
      vendor: "api",
      eventType: "manual",
      subject: { repository: body.repository, ref: body.ref },
      subjectText: body.repository,
      title: body.title ?? body.prompt.split("\n")[0]!.slice(0, 120),
      prompt: body.prompt,
      links: [],
      reason: "created through the API",
      payloadRef: "",
      cli: body.cli,
      skills: body.skill ? [body.skill] : [],
      createdAt: Date.now(),
    };
    const agent = await agentFor(c.env, id);
    const { created, state } = await agent.createTask(spec);
    await insertTaskRow(c.env.DB, state.spec ?? spec, "queued");
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

  app.get("/tasks/:id/logs", async (c) => {
    const after = z.coerce.number().int().min(0).catch(0).parse(c.req.query("after"));
    const limit = z.coerce.number().int().min(1).max(1000).catch(500).parse(c.req.query("limit"));
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
