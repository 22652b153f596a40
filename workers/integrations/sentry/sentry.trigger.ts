// A new Sentry issue in a configured project asks for agent work; alerts and
// comments are recorded for context only.
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
  return { decision: "triggered", reason: `new issue ${event.subject.sentryShortId ?? event.subject.sentryIssueId} in ${project}` };
}
