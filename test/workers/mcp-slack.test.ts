// The Slack MCP server, through the SDK client and the same createMcpHandler the
// McpHost serves with, with Slack settings of the test's own (the Worker's test
// bindings have none). A fake Slack Web API records every request and fails on
// any it does not expect; each write tool sends exactly one call.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { connectMcp, json, text } from "./mcp-harness";

const SLACK_TOKEN = "xoxb-test-mcp-token";

interface Recorded {
  method: string;
  path: string;
  headers: Record<string, string>;
  form: Record<string, string>;
}

let calls: Recorded[];
let unexpected: string[];
let answers: Map<string, { status?: number; body: unknown; headers?: Record<string, string> }>;

beforeEach(() => {
  calls = [];
  unexpected = [];
  answers = new Map();
  vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
    const request = new Request(input, init);
    const url = new URL(request.url);
    if (url.host !== "slack.test") throw new TypeError(`unexpected request in test: ${request.method} ${request.url}`);
    const method = url.pathname.replace(/^\/api\//, "");
    calls.push({
      method: request.method,
      path: url.pathname,
      headers: Object.fromEntries(request.headers),
      form: Object.fromEntries(new URLSearchParams(new TextDecoder().decode(await request.arrayBuffer()))),
    });
    const answer = answers.get(method);
    if (!answer) {
      unexpected.push(`${request.method} ${url.pathname}`);
      throw new TypeError(`unexpected request to the fake Slack: ${method}`);
    }
    return Response.json(answer.body, { status: answer.status ?? 200, headers: answer.headers });
  });
});

afterEach(() => {
  expect(unexpected).toEqual([]);
  vi.restoreAllMocks();
});

const connect = (access: "read" | "write") =>
  connectMcp("slack", access, { SLACK_API_URL: "http://slack.test/api/", SLACK_BOT_TOKEN: SLACK_TOKEN });

describe("MCP: Slack", () => {
  it("lists its tools", async () => {
    const client = await connect("read");
    expect((await client.listTools()).tools.map((t) => t.name).sort()).toEqual([
      "add_reaction",
      "get_thread",
      "list_channels",
      "post_message",
      "reply_in_thread",
    ]);
    await client.close();
  });

  it("list_channels and get_thread", async () => {
    answers.set("conversations.list", {
      body: {
        ok: true,
        channels: [{ id: "C01", name: "general", is_member: true, topic: { value: "hi" } }],
        response_metadata: { next_cursor: "" },
      },
    });
    answers.set("conversations.replies", {
      body: {
        ok: true,
        messages: [
          { ts: "1700000000.000100", user: "U1", text: "help", reply_count: 1 },
          { ts: "1700000001.000100", user: "U2", text: "on it", thread_ts: "1700000000.000100" },
        ],
        has_more: false,
      },
    });
    const client = await connect("read");
    expect(json(await client.callTool({ name: "list_channels", arguments: {} }))).toEqual({
      channels: [{ id: "C01", name: "general", isMember: true, topic: "hi" }],
      nextCursor: null,
    });
    const thread = json(await client.callTool({ name: "get_thread", arguments: { channel: "C01", thread_ts: "1700000000.000100" } }));
    expect(thread.messages.map((m: { text: string }) => m.text)).toEqual(["help", "on it"]);
    expect(calls[1]!.form).toMatchObject({ channel: "C01", ts: "1700000000.000100", limit: "100" });
    for (const call of calls) expect(call.headers.authorization).toBe(`Bearer ${SLACK_TOKEN}`);
    await client.close();
  });

  it("post_message, reply_in_thread and add_reaction send exactly one call each", async () => {
    answers.set("chat.postMessage", { body: { ok: true, channel: "C01", ts: "1700000002.000100" } });
    answers.set("reactions.add", { body: { ok: true } });
    const client = await connect("write");

    expect(json(await client.callTool({ name: "post_message", arguments: { channel: "C01", text: "Deployed" } }))).toEqual({
      channel: "C01",
      ts: "1700000002.000100",
    });
    expect(calls.at(-1)).toMatchObject({ method: "POST", path: "/api/chat.postMessage", form: { channel: "C01", text: "Deployed" } });
    expect(Object.keys(calls.at(-1)!.form).sort()).toEqual(["channel", "text"]);

    await client.callTool({ name: "reply_in_thread", arguments: { channel: "C01", thread_ts: "1700000000.000100", text: "Done" } });
    expect(calls.at(-1)).toMatchObject({
      path: "/api/chat.postMessage",
      form: { channel: "C01", thread_ts: "1700000000.000100", text: "Done" },
    });

    expect(
      json(await client.callTool({ name: "add_reaction", arguments: { channel: "C01", timestamp: "1700000000.000100", name: "eyes" } })),
    ).toEqual({ ok: true });
    expect(calls.at(-1)).toMatchObject({
      path: "/api/reactions.add",
      form: { channel: "C01", timestamp: "1700000000.000100", name: "eyes" },
    });
    expect(calls).toHaveLength(3);
    await client.close();
  });

  it("a Slack error is a final tool error; Slack's rate limit is retryable with its wait; read tokens cannot post", async () => {
    answers.set("chat.postMessage", { body: { ok: false, error: "channel_not_found" } });
    const writer = await connect("write");
    const notFound = await writer.callTool({ name: "post_message", arguments: { channel: "C404", text: "x" } });
    expect(notFound.isError).toBe(true);
    expect(text(notFound)).toContain("channel_not_found");
    expect(notFound.structuredContent).toMatchObject({ error: { vendor: "slack", retryable: false } });

    answers.set("reactions.add", { status: 429, body: { ok: false, error: "ratelimited" }, headers: { "retry-after": "7" } });
    const limited = await writer.callTool({
      name: "add_reaction",
      arguments: { channel: "C01", timestamp: "1700000000.000100", name: "eyes" },
    });
    expect(limited.structuredContent).toMatchObject({ error: { vendor: "slack", retryable: true, retryAfterSeconds: 7 } });
    await writer.close();

    const reader = await connect("read");
    const refused = await reader.callTool({ name: "post_message", arguments: { channel: "C01", text: "x" } });
    expect(text(refused)).toContain('"slack:write"');
    expect(calls).toHaveLength(2);
    await reader.close();
  });
});
