// A new Sentry issue in a configured project asks for agent work; alerts and
// comments are recorded for context only. No person asks: the title and
// message come from whatever the application put into the error (user input too),
// so they are fenced in the prompt, and REQUIRE_APPROVAL runs the task read-only.
import type { AgentEvent } from "../../../core/agent-event";
import type { Config } from "../../config";
import type { TriggerDecision } from "../types";

export function decideSentry(event: AgentEvent, config: Config): TriggerDecision {
  if (event.type !== "issue" || event.action !== "created") {
    return { decision: "not_triggered", reason: "only a created issue starts work" };
  }
  const installation = event.subject.installationId;
  if (config.SENTRY_INSTALLATION_ID && installation !== config.SENTRY_INSTALLATION_ID) {
    return { decision: "refused", reason: `installation ${installation} is not SENTRY_INSTALLATION_ID` };
  }
  const project = event.subject.sentryProject ?? "";
  if (!config.SENTRY_PROJECTS.includes(project)) {
    return { decision: "not_triggered", reason: `project ${project} is not in SENTRY_PROJECTS` };
  }
  const source = "Sentry event data (error titles and messages can carry anyone's input)";
  return {
    decision: "triggered",
    reason: `new issue ${event.subject.sentryShortId ?? event.subject.sentryIssueId} in ${project}`,
    trigger: "sentry:new_issue",
    untrusted: { subject: source, request: source },
  };
}

/** A person of the Sentry organization (not an application) on the configured installation: who may approve in a Sentry thread. */
export function isPermittedSentryUser(event: AgentEvent, config: Config): boolean {
  const installation = event.subject.installationId;
  if (config.SENTRY_INSTALLATION_ID && installation !== config.SENTRY_INSTALLATION_ID) return false;
  return Boolean(event.actor && !event.actor.isBot && event.actor.association === "user");
}
