// A task created by hand rather than by a vendor event: through the API (POST /api/tasks)
// or the agent-bot MCP server's create_task tool. Both take the same input and derive the
// task id from a delivery id, so the same idempotency key returns the same task.
import { getAgentByName } from "agents";
import { z } from "zod";
import { CLI_NAMES } from "../../core/names";
import type { TaskSpec } from "../../core/task-types";
import { getConfig } from "../config";
import { insertTaskRow } from "../db/tasks";
import { AppError } from "../errors";
import { githubAppOf, withStoredGitHubApp } from "../integrations/github/app/github-app";
import { installationRefusal } from "../integrations/github/app/installations";
import { sha256Hex } from "../security/hmac";

/** What a manual task needs; CreateTaskInput (core/api-types.ts) describes it. */
export const manualTaskInput = z.object({
  repository: z
    .string()
    .regex(/^[\w.-]+\/[\w.-]+$/, "owner/name")
    .describe("owner/name"),
  prompt: z.string().min(1).max(16_000).describe("What the agent should do"),
  title: z.string().min(1).max(200).optional(),
  cli: z.enum(CLI_NAMES).optional().describe("Agent CLI; the configured default when omitted"),
  skill: z
    .string()
    .regex(/^[a-z0-9-]+$/)
    .optional()
    .describe("A skill to load, by name"),
  ref: z.string().optional().describe("Branch or commit to start from"),
});

export type ManualTaskInput = z.output<typeof manualTaskInput>;

export interface ManualTaskOrigin {
  /** Unique per request: `api:<idempotency key>`, `mcp:<token id>:<idempotency key>`. The task id derives from it. */
  deliveryId: string;
  eventType: "manual" | "mcp";
  actor?: string;
  /** Why the task exists, as its log and thread show it. */
  reason: string;
}

/** Creates the task (or finds the one this delivery id already made) and its D1 row. */
export async function createManualTask(env: Env, input: ManualTaskInput, origin: ManualTaskOrigin) {
  // GitHub App mode: only repositories the App is installed on (and not suspended).
  const app = githubAppOf(await withStoredGitHubApp(env, getConfig(env)));
  const refused = app && (await installationRefusal(env.DB, app, input.repository));
  if (refused) throw new AppError("forbidden", refused);
  const id = `task_${(await sha256Hex(origin.deliveryId)).slice(0, 32)}`;
  const spec: TaskSpec = {
    id,
    deliveryId: origin.deliveryId,
    vendor: "api",
    eventType: origin.eventType,
    ...(origin.actor !== undefined && { actor: origin.actor }),
    subject: { repository: input.repository, ref: input.ref },
    subjectText: input.repository,
    title: input.title ?? input.prompt.split("\n")[0]!.slice(0, 120),
    prompt: input.prompt,
    links: [],
    reason: origin.reason,
    payloadRef: "",
    cli: input.cli,
    skills: input.skill ? [input.skill] : [],
    createdAt: Date.now(),
  };
  const agent = await getAgentByName(env.TASK_AGENT, id);
  const { created, state } = await agent.createTask(spec);
  await insertTaskRow(env.DB, state.spec ?? spec, "queued");
  return { id, created, state };
}
