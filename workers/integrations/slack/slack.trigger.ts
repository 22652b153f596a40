// A Slack app_mention asks for agent work, in allowed workspaces and channels.
// A person of the allowed workspace asks as themselves; a mention a bot or workflow
// posted (`slack:automation`), or one from another workspace in a Slack Connect channel
// (`slack:external`), has no permitted person behind it: its text is fenced in the prompt
// and REQUIRE_APPROVAL runs it read-only.
import type { AgentEvent } from "../../../core/agent-event";
import type { Config } from "../../config";
import type { TriggerDecision } from "../types";

/** Why no permitted person wrote the mention, or undefined when one did. */
function outsider(event: AgentEvent): { kind: string; source: string } | undefined {
  const actor = event.actor;
  if (actor?.isBot) return { kind: "automation", source: `Slack message posted by a bot or workflow (${actor.id})` };
  if (actor?.association && actor.association !== event.subject.teamId) {
    return { kind: "external", source: `Slack message by ${actor.id} of another workspace (${actor.association})` };
  }
  return undefined;
}

export function decideSlack(event: AgentEvent, config: Config): TriggerDecision {
  if (event.type !== "app_mention") return { decision: "not_triggered", reason: "only app_mention starts work" };
  const { teamId = "", channelId = "" } = event.subject;
  if (!config.SLACK_ALLOWED_TEAMS.includes(teamId)) {
    return { decision: "refused", reason: `workspace ${teamId} is not in SLACK_ALLOWED_TEAMS` };
  }
  // An empty channel list allows every channel of an allowed workspace.
  if (config.SLACK_ALLOWED_CHANNELS.length > 0 && !config.SLACK_ALLOWED_CHANNELS.includes(channelId)) {
    return { decision: "refused", reason: `channel ${channelId} is not in SLACK_ALLOWED_CHANNELS` };
  }
  const other = outsider(event);
  const reason = `mentioned by ${event.actor?.id} in ${channelId}`;
  if (other) return { decision: "triggered", reason, trigger: `slack:${other.kind}`, untrusted: { request: other.source } };
  return { decision: "triggered", reason, trigger: "slack:mention" };
}
