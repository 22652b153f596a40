// Turns a triggering event into the spec of the task it starts.
import { describeSubject, type AgentEvent, type PullRequestRef, type Subject } from "../../core/agent-event";
import type { TaskPullRequest, TaskSpec } from "../../core/task-types";
import type { Config } from "../config";
import type { TriggerDecision } from "../integrations/types";
import { requiresApproval } from "./approval";

/** Task ids derive from delivery ids, so one delivery can only ever name one task. */
export function taskIdFor(deliveryId: string): string {
  return deliveryId.replace(/^dlv_/, "task_");
}

/** The repository a Jira project, Slack channel or Sentry project works on (PROJECT_REPOSITORIES). */
export function mappedRepository(
  subject: Subject,
  vendor: AgentEvent["vendor"],
  config: Pick<Config, "PROJECT_REPOSITORIES">,
): string | undefined {
  const scope =
    vendor === "jira"
      ? subject.projectKey
      : vendor === "slack"
        ? subject.channelId
        : vendor === "sentry"
          ? subject.sentryProject
          : undefined;
  return scope ? config.PROJECT_REPOSITORIES[`${vendor}:${scope}`] : undefined;
}

function taskPullRequest({ reviewState: _, ...pullRequest }: PullRequestRef): TaskPullRequest {
  return pullRequest;
}

export function taskSpecFor(
  event: AgentEvent,
  decision: Pick<TriggerDecision, "reason" | "trigger" | "untrusted" | "mode">,
  config: Pick<Config, "PROJECT_REPOSITORIES" | "REQUIRE_APPROVAL">,
): TaskSpec {
  const subjectText = describeSubject(event.subject);
  // A mapped repository gives a Jira, Slack or Sentry task a checkout to work in.
  const repository = event.subject.repository ?? mappedRepository(event.subject, event.vendor, config);
  return {
    id: taskIdFor(event.id),
    deliveryId: event.id,
    vendor: event.vendor,
    eventType: event.type,
    action: event.action,
    actor: event.actor?.login ?? event.actor?.name ?? event.actor?.id,
    subject: repository ? { ...event.subject, repository } : event.subject,
    subjectText,
    title: event.title ?? `${event.vendor} ${event.type}${subjectText ? ` on ${subjectText}` : ""}`,
    prompt: event.text ?? event.title ?? "",
    links: event.links,
    reason: decision.reason,
    payloadRef: event.payloadRef,
    ...(decision.untrusted ? { untrusted: decision.untrusted } : {}),
    ...(requiresApproval(decision.trigger, config) ? { readOnly: true } : {}),
    // A GitHub pull request is iterated in place: the task works on its head branch.
    ...(event.vendor === "github" && event.pullRequest ? { pullRequest: taskPullRequest(event.pullRequest) } : {}),
    ...(decision.mode ? { mode: decision.mode } : {}),
    createdAt: Date.now(),
  };
}
