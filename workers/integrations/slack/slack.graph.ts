// Slack events in the knowledge graph: the channel, the thread, who wrote and who was mentioned, and
// what the thread references, both ways (driver: workers/graph/extract.ts).
import type { AgentEvent } from "../../../core/agent-event";
import { keys } from "../../../core/graph-types";
import { firstLine, person, type Builder } from "../../graph/builder";
import { findSlackMentions } from "../../graph/references";

export function slackGraph(event: AgentEvent, b: Builder): void {
  const { teamId, channelId, threadTs } = event.subject;
  if (!teamId || !channelId) return;
  const channel = b.entity({ key: keys.slackChannel(teamId, channelId), type: "slack_channel", title: channelId });
  if (!threadTs) return;
  const thread = b.entity({
    key: keys.slackThread(teamId, channelId, threadTs),
    type: "slack_thread",
    // Only a mention starts a thread agent-bot tracks; replies leave its title alone.
    title: event.type === "app_mention" ? firstLine(event.text?.replace(/<@[A-Z0-9]+(?:\|[^>]*)?>\s*/g, "")) : undefined,
    url: event.links[0],
    text: event.type === "app_mention" ? event.text : undefined,
  });
  b.edge(thread, channel, "belongs_to");
  const who = person(b, "slack", event, teamId);
  if (who) b.edge(who, thread, "comments_on");
  for (const user of findSlackMentions(event.text)) {
    b.edge(
      thread,
      b.entity({
        key: keys.person("slack", `${teamId}/${user}`),
        type: "person",
        title: user,
        properties: { vendor: "slack", vendorId: user },
      }),
      "mentions",
    );
  }
  // Slack wraps links as <url|label>; the brackets and labels are not part of the reference.
  const text = event.text?.replace(/<(https?:\/\/[^|>]+)(?:\|[^>]*)?>/g, " $1 ");
  b.references(thread, text);
  // The other direction too: anything a thread names was discussed there (the edge its own page shows).
  for (const target of b.referenced(text)) b.edge(target, thread, "discussed_in");
}
