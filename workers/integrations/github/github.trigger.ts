// When a GitHub event asks for agent work, and whether its actor may ask.
import type { AgentEvent } from "../../../core/agent-event";
import type { Config } from "../../config";
import { mentionsHandle } from "../mentions";
import type { TriggerDecision } from "../types";

const MENTION_EVENTS: Record<string, string[]> = {
  issue_comment: ["created"],
  pull_request_review_comment: ["created"],
  issues: ["opened"],
  pull_request: ["opened"],
};
const LABEL_EVENTS = new Set(["issues", "pull_request"]);

export function decideGitHub(event: AgentEvent, config: Config): TriggerDecision {
  const actor = event.actor;
  if (actor?.isBot) return { decision: "not_triggered", reason: `actor ${actor.login} is a bot` };

  const labelled = LABEL_EVENTS.has(event.type) && event.action === "labeled" && event.labels.includes(config.TRIGGER_LABEL);
  const mentioned =
    (MENTION_EVENTS[event.type] ?? []).includes(event.action ?? "") &&
    (mentionsHandle(event.text, config.BOT_HANDLE) || mentionsHandle(event.title, config.BOT_HANDLE));
  if (!labelled && !mentioned) {
    return { decision: "not_triggered", reason: `no ${config.BOT_HANDLE} mention or "${config.TRIGGER_LABEL}" label` };
  }

  // Only users with triage access can add labels, so GitHub has already checked a labeller.
  if (labelled) return { decision: "triggered", reason: `labelled "${config.TRIGGER_LABEL}" by ${actor?.login}` };

  if (actor?.login && config.GITHUB_ALLOWED_USERS.includes(actor.login)) {
    return { decision: "triggered", reason: `${actor.login} is in GITHUB_ALLOWED_USERS` };
  }
  if (actor?.association && config.GITHUB_PERMITTED_ASSOCIATIONS.includes(actor.association)) {
    return { decision: "triggered", reason: `mentioned by ${actor.login} (${actor.association})` };
  }
  return {
    decision: "refused",
    reason: `${actor?.login ?? "unknown actor"} (${actor?.association ?? "no association"}) is not permitted: not in GITHUB_PERMITTED_ASSOCIATIONS or GITHUB_ALLOWED_USERS`,
  };
}
