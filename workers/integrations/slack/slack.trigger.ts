// A Slack app_mention asks for agent work, in allowed workspaces and channels, from a person.
// A mention a bot, an app or a workflow posted (relayed content: `bot_id`, `app_id` or a subtype
// such as `bot_message`) never starts work, like GitHub bots and Jira app accounts, so nothing
// another integration relays into a channel can ask. A person of another workspace in a Slack
// Connect channel is refused unless SLACK_ALLOWED_EXTERNAL_TEAMS names their workspace; then the
// task (`slack:external`) has their text fenced in the prompt and REQUIRE_APPROVAL runs it read-only.
import type { AgentEvent } from "../../../core/agent-event";
import type { Config } from "../../config";
import type { TriggerDecision } from "../types";

export function decideSlack(event: AgentEvent, config: Config): TriggerDecision {
  if (event.type !== "app_mention") return { decision: "not_triggered", reason: "only app_mention starts work" };
  const actor = event.actor;
  if (!actor || actor.isBot) return { decision: "not_triggered", reason: `posted by a bot, app or workflow (${actor?.id ?? "unknown"})` };
  const { teamId = "", channelId = "" } = event.subject;
  if (!config.SLACK_ALLOWED_TEAMS.includes(teamId)) {
    return { decision: "refused", reason: `workspace ${teamId} is not in SLACK_ALLOWED_TEAMS` };
  }
  // An empty channel list allows every channel of an allowed workspace.
  if (config.SLACK_ALLOWED_CHANNELS.length > 0 && !config.SLACK_ALLOWED_CHANNELS.includes(channelId)) {
    return { decision: "refused", reason: `channel ${channelId} is not in SLACK_ALLOWED_CHANNELS` };
  }
  // An empty user list allows every person of an allowed workspace.
  if (config.SLACK_ALLOWED_USERS.length > 0 && !config.SLACK_ALLOWED_USERS.includes(actor.id)) {
    return { decision: "refused", reason: `user ${actor.id} is not in SLACK_ALLOWED_USERS` };
  }
  const reason = `mentioned by ${actor.id} in ${channelId}`;
  const home = actor.association;
  if (home && home !== teamId) {
    if (!config.SLACK_ALLOWED_EXTERNAL_TEAMS.includes(home)) {
      return { decision: "refused", reason: `${actor.id} is of another workspace (${home}), not in SLACK_ALLOWED_EXTERNAL_TEAMS` };
    }
    const source = `Slack message by ${actor.id} of another workspace (${home})`;
    return { decision: "triggered", reason, trigger: "slack:external", untrusted: { request: source } };
  }
  return { decision: "triggered", reason, trigger: "slack:mention" };
}
