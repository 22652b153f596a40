// One event's consumer steps: record the delivery once, apply the trigger
// rules, and create exactly one task for a triggering delivery. Every step is
// idempotent, so a retry after a crash at any point finishes the job without doubling it.
import { getAgentByName } from "agents";
import { getConfig } from "../config";
import { claimDelivery, finishDelivery } from "../db/deliveries";
import { insertTaskRow } from "../db/tasks";
import type { AgentEvent } from "../events/agent-event";
import { recordEventGraph } from "../graph/record-event";
import { integrations } from "../integrations/registry";
import type { TriggerDecision } from "../integrations/types";
import type { Increment } from "../observability/metrics";
import { taskSpecFor } from "./task-spec";

export interface ProcessOutcome extends TriggerDecision {
  duplicate: boolean;
  taskId?: string;
  increments: Increment[];
}

export async function processEvent(event: AgentEvent, env: Env): Promise<ProcessOutcome> {
  const claim = await claimDelivery(env.DB, event);
  if (claim.duplicate) {
    return {
      duplicate: true,
      decision: "ignored",
      reason: "duplicate delivery",
      increments: [{ name: "agentbot_events_deduplicated_total", labels: { vendor: event.vendor } }],
    };
  }

  const decision: TriggerDecision = event.handled
    ? integrations[event.vendor].decide(event, getConfig(env))
    : { decision: "ignored", reason: event.note ?? `${event.vendor} event ${event.type} is not handled` };

  const increments: Increment[] = [];
  let taskId: string | undefined;
  if (decision.decision === "triggered") {
    const spec = taskSpecFor(event, decision.reason);
    const agent = await getAgentByName(env.TASK_AGENT, spec.id);
    const { state } = await agent.createTask(spec);
    // The D1 row mirrors the agent's own spec, so a retried delivery writes the same row.
    if (await insertTaskRow(env.DB, state.spec ?? spec, state.status ?? "queued")) {
      increments.push({ name: "agentbot_tasks_created_total", labels: { vendor: event.vendor } });
    }
    taskId = spec.id;
  }

  await finishDelivery(env.DB, event.id, { ...decision, taskId });
  await recordEventGraph(env.DB, event);
  return { duplicate: false, ...decision, taskId, increments };
}
