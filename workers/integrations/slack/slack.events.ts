// Slack Events API envelopes → ParsedEvent.
import { z } from "zod";
import { truncateText, type ParsedEvent } from "../../../core/agent-event";
import { parseWith, unhandled } from "../parse";

const envelope = <E extends z.ZodType>(event: E) =>
  z.object({ type: z.literal("event_callback"), team_id: z.string(), event_id: z.string(), event });

const appMention = envelope(
  z.object({
    type: z.literal("app_mention"),
    /** Absent when a bot or integration posted the mention. */
    user: z.string().optional(),
    /** Set when a bot or workflow posted the mention. */
    bot_id: z.string().optional(),
    /** Set when an app posted it, or relayed it from elsewhere. */
    app_id: z.string().optional(),
    /** `bot_message`, `thread_broadcast`…: see PERSON_SUBTYPES. */
    subtype: z.string().optional(),
    /** The poster's own workspace: another one's in a Slack Connect channel. */
    user_team: z.string().optional(),
    text: z.string(),
    ts: z.string(),
    channel: z.string(),
    thread_ts: z.string().optional(),
  }),
);
const message = envelope(
  z.object({
    type: z.literal("message"),
    subtype: z.string().optional(),
    user: z.string().optional(),
    bot_id: z.string().optional(),
    text: z.string().default(""),
    ts: z.string(),
    channel: z.string(),
    thread_ts: z.string().optional(),
  }),
);

/** Subtypes a person's own message has; any other (`bot_message`…) is automation or relayed content. */
const PERSON_SUBTYPES = new Set(["thread_broadcast", "file_share"]);

const permalink = (team: string, channel: string, ts: string) => `https://app.slack.com/client/${team}/${channel}/thread/${channel}-${ts}`;

const parsers: Record<string, (payload: unknown) => ParsedEvent> = {
  app_mention: (payload) =>
    parseWith(appMention, payload, ({ team_id, event }) => {
      const threadTs = event.thread_ts ?? event.ts;
      return {
        handled: true,
        // The bot's own user id travels in every mention's text; a bot or relay is told by these fields.
        actor: {
          id: event.user ?? event.bot_id ?? "unknown",
          association: event.user_team,
          isBot: Boolean(event.bot_id || event.app_id || !event.user || (event.subtype && !PERSON_SUBTYPES.has(event.subtype))),
        },
        subject: { teamId: team_id, channelId: event.channel, threadTs },
        text: truncateText(event.text),
        labels: [],
        assigneeIds: [],
        links: [permalink(team_id, event.channel, threadTs)],
      };
    }),
  message: (payload) =>
    parseWith(message, payload, ({ team_id, event }) => {
      // Only replies in a thread are understood; channel chatter and edits are not.
      if (!event.thread_ts || event.subtype) return unhandled(event.subtype ? `message subtype ${event.subtype}` : "not in a thread");
      return {
        handled: true,
        actor: { id: event.user ?? event.bot_id ?? "unknown", isBot: Boolean(event.bot_id) },
        subject: { teamId: team_id, channelId: event.channel, threadTs: event.thread_ts },
        text: truncateText(event.text),
        labels: [],
        assigneeIds: [],
        links: [permalink(team_id, event.channel, event.thread_ts)],
      };
    }),
};

export function parseSlackEvent(type: string, payload: unknown): ParsedEvent {
  const parser = parsers[type];
  return parser ? parser(payload) : unhandled();
}
