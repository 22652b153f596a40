// A triggering event either joins the open task already working on the same
// problem (found through the knowledge graph's links, from any vendor) or starts
// its own task, with the graph's view of its subject attached for the prompt.
// Both paths are idempotent: a retried delivery joins or creates nothing new.
import { getAgentByName } from "agents";
import type { AgentEvent } from "../../core/agent-event";
import { dashboardUrl } from "../../core/dashboard-url";
import { errorMessage } from "../../core/error-message";
import { getConfig } from "../config";
import { insertTaskRow } from "../db/tasks";
import { relatedEntities } from "../graph/task-context";
import { findOpenLinkedTask, recordTaskEntity, subjectKeyFor, type LinkedTask } from "../graph/task-link";
import { logLine } from "../observability/log";
import type { TriggerDecision } from "../integrations/types";
import type { Increment } from "../observability/metrics";
import { addTaskInputs } from "./task-inputs";
import { taskIdFor, taskSpecFor } from "./task-spec";

/** Entities from the graph attached to a new task. */
const RELATED_LIMIT = 10;

export interface StartOutcome {
  taskId: string;
  /** Whether the event joined an existing task rather than starting one. */
  joined: boolean;
  /** Why the request's choice of CLI or model is refused; the task ends with it, unrun. */
  refusal?: string;
  reason: string;
  increments: Increment[];
}

export async function startOrJoinTask(event: AgentEvent, decision: TriggerDecision, env: Env): Promise<StartOutcome> {
  const { reason } = decision;
  const config = getConfig(env);
  const ownTaskId = taskIdFor(event.id);
  const subjectKey = subjectKeyFor(event.subject);
  const linked = subjectKey ? await graphStep("link", event, () => findOpenLinkedTask(env.DB, subjectKey)) : undefined;

  // On a retry the open task found may be this delivery's own: then it is "create" again, which is idempotent.
  if (linked && linked.taskId !== ownTaskId) {
    const joined = await joinTask(event, reason, linked, env);
    if (joined) return joined;
  }

  const spec = taskSpecFor(event, decision, config);
  await addTaskInputs(spec, event, env, config);
  const related = subjectKey
    ? await graphStep("context", event, () => relatedEntities(env.DB, subjectKey, { limit: RELATED_LIMIT }))
    : undefined;
  if (related?.length) spec.related = related;
  const agent = await getAgentByName(env.TASK_AGENT, spec.id);
  const { state } = await agent.createTask(spec);
  const created = state.spec ?? spec;
  const increments: Increment[] = [];
  // The D1 row mirrors the agent's own spec, so a retried delivery writes the same row.
  if (await insertTaskRow(env.DB, created, state.status ?? "queued")) {
    increments.push({ name: "agentbot_tasks_created_total", labels: { vendor: event.vendor } });
  }
  await graphStep("task", event, () =>
    recordTaskEntity(
      env.DB,
      { taskId: created.id, subject: created.subject, deliveryId: event.id, title: created.title, url: dashboardUrl(config, created.id) },
      event.receivedAt,
    ),
  );
  if (created.refusal)
    return { taskId: created.id, joined: false, reason: `${reason}; refused: ${created.refusal}`, refusal: created.refusal, increments };
  return { taskId: created.id, joined: false, reason, increments };
}

async function joinTask(event: AgentEvent, reason: string, linked: LinkedTask, env: Env): Promise<StartOutcome | undefined> {
  const spec = taskSpecFor(event, { reason }, getConfig(env));
  const how = `is linked to ${linked.subjectKey}, the subject of open task ${linked.taskId}`;
  const agent = await getAgentByName(env.TASK_AGENT, linked.taskId);
  const { joined } = await agent.joinTask({
    deliveryId: event.id,
    vendor: event.vendor,
    eventType: event.type,
    subject: spec.subject,
    subjectText: spec.subjectText,
    title: spec.title,
    links: spec.links,
    reason: `${spec.subjectText ?? "the event's subject"} ${how}`,
  });
  // The task ended between the lookup and the join: the event starts its own task.
  if (!joined) return undefined;
  // The joining thread is the task's too: a later message in it is a turn of the task.
  await graphStep("join", event, () =>
    recordTaskEntity(env.DB, { taskId: linked.taskId, subject: event.subject, deliveryId: event.id }, event.receivedAt),
  );
  return {
    taskId: linked.taskId,
    joined: true,
    reason: `${reason}; joined open task ${linked.taskId}: ${spec.subjectText ?? "its subject"} ${how}`,
    increments: [{ name: "agentbot_tasks_joined_total", labels: { vendor: event.vendor } }],
  };
}

/** Graph lookups enrich a task but never decide whether it exists: a failure is logged and skipped. */
async function graphStep<T>(step: string, event: AgentEvent, run: () => Promise<T>): Promise<T | undefined> {
  try {
    return await run();
  } catch (error) {
    logLine("error", { kind: "graph_task_step_failed", step, deliveryId: event.id, vendor: event.vendor, error: errorMessage(error) });
    return undefined;
  }
}
