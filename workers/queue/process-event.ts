// One event's consumer steps: record the delivery once, apply the trigger
// rules, record the event in the knowledge graph, and start (or join) exactly one
// task for a triggering delivery. Every step is idempotent, so a retry after a crash
// at any point finishes the job without doubling it.
import type { AgentEvent } from "../../core/agent-event";
import { getConfig } from "../config";
import { claimDelivery, finishDelivery } from "../db/deliveries";
import { graphContext, recordEventGraph } from "../graph/record-event";
import { integrations } from "../integrations/registry";
import type { TriggerDecision } from "../integrations/types";
import type { Increment } from "../observability/metrics";
import { approvalAsked, approveFromEvent } from "./approval";
import { githubAppGate } from "./github-app-gate";
import { continueTask } from "./follow-up";
import { startOrJoinTask } from "./start-task";

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

  const config = getConfig(env);
  let decision: TriggerDecision = event.handled
    ? integrations[event.vendor].decide(event, config)
    : { decision: "ignored", reason: event.note ?? `${event.vendor} event ${event.type} is not handled` };
  // GitHub App mode: installation events keep the registry; repositories outside it start nothing.
  decision = await githubAppGate(event, decision, env, config);

  // The graph first: a new task's context and the search for an open task to join both read it.
  await recordEventGraph(env.DB, event, graphContext(config));

  const increments: Increment[] = [];
  let taskId: string | undefined;
  // An approval continues a read-only task; it never starts one of its own.
  const approval = event.handled ? approvalAsked(event, config) : undefined;
  // A message in a thread a task tracks is that task's next turn (docs/conversations.md); a review is a task of its own.
  const followUp = event.handled && !approval && decision.mode !== "review" ? await continueTask(event, decision, env, config) : undefined;
  if (approval) {
    const approved = await approveFromEvent(event, approval, decision, env, config);
    ({ taskId } = approved);
    decision = { decision: approved.decision, reason: approved.reason };
  } else if (followUp) {
    ({ taskId, decision } = followUp);
    increments.push(...followUp.increments);
  } else if (decision.decision === "triggered") {
    const started = await startOrJoinTask(event, decision, env);
    taskId = started.taskId;
    decision = { ...decision, ...(started.refusal ? { decision: "refused" as const } : {}), reason: started.reason };
    increments.push(...started.increments);
  }

  await finishDelivery(env.DB, event.id, { ...decision, taskId });
  return { duplicate: false, ...decision, taskId, increments };
}
