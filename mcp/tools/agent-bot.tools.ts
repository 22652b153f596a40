// agent-bot's own tasks as tools: the same D1 rows and TaskAgent RPC methods
// the JSON API (workers/routes/api.ts, task-actions.ts) uses; create_task is
// the API's createManualTask (workers/tasks/manual-task.ts).
import type { McpServer } from "@modelcontextprotocol/server";
import { getAgentByName } from "agents";
import { z } from "zod";
import { vendorSchema } from "../../core/agent-event";
import { TASK_STATUSES } from "../../core/task-types";
import { decodeCursor, page } from "../../workers/db/pagination";
import { getTaskRow, listTasks } from "../../workers/db/tasks";
import { createManualTask, manualTaskInput } from "../../workers/tasks/manual-task";
import { registerTools, tool, ToolError, type ToolContext } from "./define";
import { notWhenScoped, ownTask } from "./scope";

const taskId = z.string().min(1).max(100).describe("Task id, e.g. task_…");

async function existingAgent(ctx: ToolContext, id: string) {
  if (!(await getTaskRow(ctx.env.DB, id))) throw new ToolError(`no task ${id}`, { status: 404, retryable: false });
  return getAgentByName(ctx.env.TASK_AGENT, id);
}

export const agentBotTools = [
  tool({
    name: "get_task",
    title: "Get task",
    description: "A task's listing row and its TaskAgent state: spec, status, transitions, attempts and result.",
    input: z.object({ id: taskId }),
    reaches: (a, scope) => ownTask(scope, a.id),
    run: async ({ id }, ctx) => {
      const row = await getTaskRow(ctx.env.DB, id);
      if (!row) throw new ToolError(`no task ${id}`, { status: 404, retryable: false });
      const agent = await getAgentByName(ctx.env.TASK_AGENT, id);
      return { task: row, state: await agent.getTask() };
    },
  }),
  tool({
    name: "list_tasks",
    title: "List tasks",
    description: "Tasks, newest first, optionally by origin and status. Pass `nextCursor` back as `cursor` for the next page.",
    input: z.object({
      vendor: z
        .union([vendorSchema, z.literal("api")])
        .optional()
        .describe("Where the task came from"),
      status: z.enum(TASK_STATUSES).optional(),
      limit: z.number().int().min(1).max(100).default(20),
      cursor: z.string().optional(),
    }),
    reaches: notWhenScoped("task", "list_tasks"),
    run: async (a, ctx) => {
      const cursor = decodeCursor(a.cursor);
      if (a.cursor && !cursor) throw new ToolError("invalid cursor", { retryable: false });
      const rows = await listTasks(ctx.env.DB, { vendor: a.vendor, status: a.status, limit: a.limit, cursor });
      return page(rows, a.limit, (row) => ({ at: row.createdAt, id: row.id }));
    },
  }),
  tool({
    name: "get_task_logs",
    title: "Get task logs",
    description: "A task's log entries after sequence number `after`. Pass the answer's `next` as `after` to follow along.",
    input: z.object({ id: taskId, after: z.number().int().min(0).default(0), limit: z.number().int().min(1).max(1000).default(200) }),
    reaches: (a, scope) => ownTask(scope, a.id),
    run: async (a, ctx) => {
      const items = await (await existingAgent(ctx, a.id)).getLog(a.after, a.limit);
      return { items, next: items.length ? items[items.length - 1]!.seq : a.after };
    },
  }),
  tool({
    name: "cancel_task",
    title: "Cancel task",
    description: "Cancel a queued or running task.",
    write: true,
    input: z.object({ id: taskId, reason: z.string().max(500).optional() }),
    reaches: (a, scope) => ownTask(scope, a.id),
    run: async (a, ctx) => {
      const agent = await existingAgent(ctx, a.id);
      const state = await agent.cancelTask(a.reason ?? `cancelled through MCP (${ctx.principal.name})`);
      return { id: a.id, status: state.status };
    },
  }),
  tool({
    name: "create_task",
    title: "Create task",
    description: "Start a coding-agent task on a repository. The same idempotency_key returns the same task instead of starting another.",
    write: true,
    input: manualTaskInput.extend({ idempotency_key: z.string().min(1).max(200).optional() }),
    reaches: notWhenScoped("task", "create_task"),
    run: async ({ idempotency_key, ...input }, ctx) => {
      const { id, created, state } = await createManualTask(ctx.env, input, {
        deliveryId: `mcp:${ctx.principal.tokenId}:${idempotency_key ?? crypto.randomUUID()}`,
        eventType: "mcp",
        actor: ctx.principal.name,
        reason: `created through MCP by token ${ctx.principal.name}`,
      });
      return { id, created, status: state.status };
    },
  }),
];

export function registerAgentBotTools(server: McpServer, ctx: ToolContext): void {
  registerTools(server, ctx, agentBotTools);
}
