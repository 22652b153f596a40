// Turns a triggering event into the spec of the task it starts.
import type { TaskSpec } from "../../durable-objects/task-types";
import { describeSubject, type AgentEvent } from "../events/agent-event";

/** Task ids derive from delivery ids, so one delivery can only ever name one task. */
export function taskIdFor(deliveryId: string): string {
  return deliveryId.replace(/^dlv_/, "task_");
}

export function taskSpecFor(event: AgentEvent, reason: string): TaskSpec {
  const subjectText = describeSubject(event.subject);
  return {
    id: taskIdFor(event.id),
    deliveryId: event.id,
    vendor: event.vendor,
    eventType: event.type,
    action: event.action,
    actor: event.actor?.login ?? event.actor?.name ?? event.actor?.id,
    subject: event.subject,
    subjectText,
    title: event.title ?? `${event.vendor} ${event.type}${subjectText ? ` on ${subjectText}` : ""}`,
    prompt: event.text ?? event.title ?? "",
    links: event.links,
    reason,
    payloadRef: event.payloadRef,
    createdAt: Date.now(),
  };
}
