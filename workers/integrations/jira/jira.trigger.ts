// When a Jira event asks for agent work: the ticket is assigned to the bot
// account or labelled, or a comment mentions the bot; only in allowed projects.
// A licensed account in an allowed project may ask (only those of JIRA_ALLOWED_USERS when it
// is set). A customer account (Jira Service Management's portal users) is an outsider: refused,
// unless its project is in JIRA_CUSTOMER_PROJECTS; then its tasks run read-only (`jira:customer`
// in REQUIRE_APPROVAL) and its text is fenced in the prompt.
import type { AgentEvent } from "../../../core/agent-event";
import type { UntrustedParts } from "../../../core/task-types";
import type { Config } from "../../config";
import { mentionsHandle } from "../mentions";
import type { TriggerDecision } from "../types";

type Actor = AgentEvent["actor"];

/** A licensed account, not an app or a service-desk customer. */
export const isPermittedJiraUser = (actor: Actor): boolean => Boolean(actor && !actor.isBot && actor.association !== "customer");

const describeUser = (actor: Actor) =>
  `${actor?.name ?? actor?.id ?? "an unknown account"} (${actor?.association ?? "account type unknown"})`;

function asksForWork(event: AgentEvent, config: Config): { why: string; kind: string } | undefined {
  if (event.type === "comment_created") {
    const mentionsAccount = config.JIRA_BOT_ACCOUNT_ID && event.text?.includes(`[~accountid:${config.JIRA_BOT_ACCOUNT_ID}]`);
    return mentionsHandle(event.text, config.BOT_HANDLE) || mentionsAccount
      ? { why: "comment mentions the bot", kind: "mention" }
      : undefined;
  }
  if (config.JIRA_BOT_ACCOUNT_ID && event.assigneeIds.includes(config.JIRA_BOT_ACCOUNT_ID)) {
    return { why: "assigned to the bot account", kind: "assigned" };
  }
  if (event.labels.includes(config.TRIGGER_LABEL)) return { why: `labelled "${config.TRIGGER_LABEL}"`, kind: "label" };
  return undefined;
}

/** The summary and description are the reporter's; a comment is its author's, an assignment or label asks for the description. */
function untrustedParts(event: AgentEvent): UntrustedParts | undefined {
  const subject = isPermittedJiraUser(event.author) ? undefined : `Jira ticket reported by ${describeUser(event.author)}`;
  const request =
    event.type === "comment_created"
      ? isPermittedJiraUser(event.actor)
        ? undefined
        : `Jira comment by ${describeUser(event.actor)}`
      : subject;
  return subject || request ? { subject, request } : undefined;
}

/** Why the actor may not ask, or undefined when they may (as themselves, or as a customer). */
function actorRefusal(actor: Actor, project: string, config: Config): string | undefined {
  if (!actor) return "the webhook names no actor";
  if (actor.association === "customer") {
    return config.JIRA_CUSTOMER_PROJECTS.includes(project)
      ? undefined
      : `${describeUser(actor)} is a customer account, and project ${project} is not in JIRA_CUSTOMER_PROJECTS`;
  }
  if (config.JIRA_ALLOWED_USERS.length > 0 && !config.JIRA_ALLOWED_USERS.includes(actor.id)) {
    return `${describeUser(actor)} is not in JIRA_ALLOWED_USERS`;
  }
  return undefined;
}

export function decideJira(event: AgentEvent, config: Config): TriggerDecision {
  if (event.actor?.isBot) return { decision: "not_triggered", reason: "actor is an app account" };
  const asked = asksForWork(event, config);
  if (!asked) return { decision: "not_triggered", reason: "not assigned to the bot, labelled, or mentioning it" };
  const { why } = asked;
  const project = event.subject.projectKey ?? "";
  if (config.JIRA_ALLOWED_PROJECTS.length === 0) {
    return { decision: "refused", reason: `${why}, but JIRA_ALLOWED_PROJECTS is empty` };
  }
  if (!config.JIRA_ALLOWED_PROJECTS.includes(project)) {
    return { decision: "refused", reason: `${why}, but project ${project} is not in JIRA_ALLOWED_PROJECTS` };
  }
  const refusal = actorRefusal(event.actor, project, config);
  if (refusal) return { decision: "refused", reason: `${why}, but ${refusal}` };
  const trigger = isPermittedJiraUser(event.actor) ? `jira:${asked.kind}` : "jira:customer";
  return { decision: "triggered", reason: `${event.subject.ticketKey} ${why}`, trigger, untrusted: untrustedParts(event) };
}
