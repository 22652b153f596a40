// When a Jira event asks for agent work: the ticket is assigned to the bot
// account or labelled, or a comment mentions the bot; only in allowed projects.
import type { AgentEvent } from "../../../core/agent-event";
import type { Config } from "../../config";
import { mentionsHandle } from "../mentions";
import type { TriggerDecision } from "../types";

function asksForWork(event: AgentEvent, config: Config): string | undefined {
  if (event.type === "comment_created") {
    const mentionsAccount = config.JIRA_BOT_ACCOUNT_ID && event.text?.includes(`[~accountid:${config.JIRA_BOT_ACCOUNT_ID}]`);
    return mentionsHandle(event.text, config.BOT_HANDLE) || mentionsAccount ? "comment mentions the bot" : undefined;
  }
  if (config.JIRA_BOT_ACCOUNT_ID && event.assigneeIds.includes(config.JIRA_BOT_ACCOUNT_ID)) return "assigned to the bot account";
  if (event.labels.includes(config.TRIGGER_LABEL)) return `labelled "${config.TRIGGER_LABEL}"`;
  return undefined;
}

export function decideJira(event: AgentEvent, config: Config): TriggerDecision {
  if (event.actor?.isBot) return { decision: "not_triggered", reason: "actor is an app account" };
  const why = asksForWork(event, config);
  if (!why) return { decision: "not_triggered", reason: "not assigned to the bot, labelled, or mentioning it" };
  const project = event.subject.projectKey ?? "";
  if (config.JIRA_ALLOWED_PROJECTS.length === 0) {
    return { decision: "refused", reason: `${why}, but JIRA_ALLOWED_PROJECTS is empty` };
  }
  if (!config.JIRA_ALLOWED_PROJECTS.includes(project)) {
    return { decision: "refused", reason: `${why}, but project ${project} is not in JIRA_ALLOWED_PROJECTS` };
  }
  return { decision: "triggered", reason: `${event.subject.ticketKey} ${why}` };
}
