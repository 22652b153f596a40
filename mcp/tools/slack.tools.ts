// Slack tools, through the same @slack/web-api WebClient (SLACK_API_URL,
// SLACK_BOT_TOKEN) and error mapping agent-bot's Slack thread reports use.
import type { McpServer } from "@modelcontextprotocol/server";
import { z } from "zod";
import { createSlackClient, slackCall } from "../../workers/integrations/slack/slack.client";
import { registerTools, tool, type ToolContext } from "./define";
import { notWhenScoped, slackChannel, slackThread } from "./scope";

// biome-ignore lint/suspicious/noExplicitAny: vendor API JSON, narrowed field by field into the tool result
type Json = Record<string, any>;

const channel = z
  .string()
  .regex(/^[CGD][A-Z0-9]+$/, "a channel id such as C0123ABCD")
  .describe("Channel id");
const ts = z.string().regex(/^\d+\.\d+$/, "a Slack message timestamp such as 1700000000.000100");
const text = z.string().min(1).max(40_000).describe("Message text (Slack mrkdwn)");

function client(ctx: ToolContext) {
  return createSlackClient(ctx.config);
}

function message(m: Json) {
  return { ts: m.ts, user: m.user ?? m.bot_id ?? null, text: m.text, threadTs: m.thread_ts ?? null, replyCount: m.reply_count ?? 0 };
}

export const slackTools = [
  tool({
    name: "list_channels",
    title: "List channels",
    description: "Public channels the bot can see (ids, names, topics). Pass `nextCursor` back as `cursor` for more.",
    input: z.object({ limit: z.number().int().min(1).max(1000).default(100), cursor: z.string().optional() }),
    reaches: notWhenScoped("slack", "list_channels"),
    run: async (a, ctx) => {
      const data = await slackCall(ctx.config, "conversations.list", () =>
        client(ctx).conversations.list({ limit: a.limit, cursor: a.cursor, exclude_archived: true, types: "public_channel" }),
      );
      return {
        channels: (data.channels ?? []).map((c) => ({ id: c.id, name: c.name, isMember: c.is_member, topic: c.topic?.value ?? "" })),
        nextCursor: data.response_metadata?.next_cursor || null,
      };
    },
  }),
  tool({
    name: "get_thread",
    title: "Get thread",
    description: "A message and its replies, oldest first.",
    input: z.object({
      channel,
      thread_ts: ts.describe("Timestamp of the thread's parent message"),
      limit: z.number().int().min(1).max(1000).default(100),
    }),
    reaches: (a, scope) => slackThread(scope, a.channel, a.thread_ts),
    run: async (a, ctx) => {
      const data = await slackCall(ctx.config, "conversations.replies", () =>
        client(ctx).conversations.replies({ channel: a.channel, ts: a.thread_ts, limit: a.limit }),
      );
      return { messages: (data.messages ?? []).map(message), hasMore: Boolean(data.has_more) };
    },
  }),
  tool({
    name: "post_message",
    title: "Post message",
    description: "Post a message to a channel.",
    write: true,
    input: z.object({ channel, text }),
    reaches: (a, scope) => slackChannel(scope, a.channel),
    run: async (a, ctx) => {
      const data = await slackCall(ctx.config, "chat.postMessage", () =>
        client(ctx).chat.postMessage({ channel: a.channel, text: a.text }),
      );
      return { channel: data.channel, ts: data.ts };
    },
  }),
  tool({
    name: "reply_in_thread",
    title: "Reply in thread",
    description: "Reply to a message's thread.",
    write: true,
    input: z.object({ channel, thread_ts: ts.describe("Timestamp of the thread's parent message"), text }),
    reaches: (a, scope) => slackThread(scope, a.channel, a.thread_ts),
    run: async (a, ctx) => {
      const data = await slackCall(ctx.config, "chat.postMessage", () =>
        client(ctx).chat.postMessage({ channel: a.channel, thread_ts: a.thread_ts, text: a.text }),
      );
      return { channel: data.channel, ts: data.ts, threadTs: a.thread_ts };
    },
  }),
  tool({
    name: "add_reaction",
    title: "Add reaction",
    description: "React to a message with an emoji, by name without colons (e.g. `eyes`).",
    write: true,
    input: z.object({ channel, timestamp: ts.describe("Timestamp of the message"), name: z.string().regex(/^[\w+-]+$/) }),
    reaches: (a, scope) => slackChannel(scope, a.channel),
    run: async (a, ctx) => {
      await slackCall(ctx.config, "reactions.add", () =>
        client(ctx).reactions.add({ channel: a.channel, timestamp: a.timestamp, name: a.name }),
      );
      return { ok: true };
    },
  }),
];

export function registerSlackTools(server: McpServer, ctx: ToolContext): void {
  registerTools(server, ctx, slackTools);
}
