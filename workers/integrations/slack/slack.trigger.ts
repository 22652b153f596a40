// A Slack app_mention asks for agent work, in allowed workspaces and channels.
import type { AgentEvent } from "../../../core/agent-event";
import type { Config } from "../../config";
import type { TriggerDecision } from "../types";

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
  return { decision: "triggered", reason: `mentioned by ${event.actor?.id} in ${channelId}` };
}
