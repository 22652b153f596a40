// The Sentry MCP server. Tool calls run through the SDK client and the same
// createMcpHandler the McpHost serves with, but with Sentry settings of the
// test's own (the Worker's test bindings have none); a fake Sentry records every
// request and fails on any it does not expect. Through the Worker, an
// unconfigured Sentry is a tool error, not a crash.
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { connectMcp, fakeVendorApi, json, text } from "./mcp-harness";
import { api } from "./support";

const SENTRY_TOKEN = "sntrys_test_mcp_token";

const fake = fakeVendorApi("sentry.test", "Sentry");

const connect = (access: "read" | "write") =>
  connectMcp("sentry", access, { SENTRY_API_URL: "http://sentry.test/api/0/", SENTRY_AUTH_TOKEN: SENTRY_TOKEN });

const ISSUE = {
  id: "4001",
  shortId: "BACKEND-1",
  title: "TypeError: x is undefined",
  culprit: "checkout",
  level: "error",
  status: "unresolved",
  project: { slug: "backend" },
  count: "12",
  userCount: 3,
  permalink: "https://sentry.io/issues/4001/",
};

describe("MCP: Sentry", () => {
  it("lists its tools", async () => {
    const client = await connect("read");
    expect((await client.listTools()).tools.map((t) => t.name).sort()).toEqual([
      "get_event",
      "get_issue",
      "list_issue_events",
      "search_issues",
      "update_issue",
    ]);
    await client.close();
  });

  it("get_issue, list_issue_events, get_event (with the stack trace), search_issues", async () => {
    fake.answers.set("GET /api/0/issues/4001/", { body: ISSUE });
    fake.answers.set("GET /api/0/issues/4001/events/", {
      body: [{ eventID: "a".repeat(32), dateCreated: "2026-01-01T00:00:00Z", message: "boom", tags: [{ key: "env", value: "prod" }] }],
    });
    fake.answers.set("GET /api/0/issues/4001/events/latest/", {
      body: {
        eventID: "a".repeat(32),
        title: "TypeError: x is undefined",
        tags: [],
        entries: [
          {
            type: "exception",
            data: {
              values: [
                {
                  type: "TypeError",
                  value: "x is undefined",
                  stacktrace: {
                    frames: [
                      { filename: "src/checkout.ts", function: "pay", lineNo: 42, colNo: 7, inApp: true, context: [[42, "  x.total()"]] },
                    ],
                  },
                },
              ],
            },
          },
        ],
      },
    });
    fake.answers.set("GET /api/0/organizations/acme/issues/", { body: [ISSUE] });
    const client = await connect("read");

    expect(json(await client.callTool({ name: "get_issue", arguments: { issue_id: "4001" } }))).toMatchObject({
      shortId: "BACKEND-1",
      project: "backend",
    });
    expect(json(await client.callTool({ name: "list_issue_events", arguments: { issue_id: "4001" } }))).toEqual([
      { eventId: "a".repeat(32), dateCreated: "2026-01-01T00:00:00Z", message: "boom", tags: { env: "prod" } },
    ]);
    expect(json(await client.callTool({ name: "get_event", arguments: { issue_id: "4001" } })).exceptions).toEqual([
      {
        type: "TypeError",
        value: "x is undefined",
        frames: [{ file: "src/checkout.ts", function: "pay", line: 42, column: 7, inApp: true, context: ["42:   x.total()"] }],
      },
    ]);
    expect(
      json(
        await client.callTool({ name: "search_issues", arguments: { organization: "acme", query: "is:unresolved", project: "backend" } }),
      ),
    ).toHaveLength(1);
    expect(fake.calls[3]!.query).toEqual({ query: "is:unresolved project:backend", limit: "25" });
    for (const call of fake.calls) expect(call.headers.authorization).toBe(`Bearer ${SENTRY_TOKEN}`);
    await client.close();
  });

  it("update_issue sends exactly one PUT with the change", async () => {
    fake.answers.set("PUT /api/0/issues/4001/", { body: { ...ISSUE, status: "resolved", assignedTo: { email: "dev@example.com" } } });
    const client = await connect("write");
    const result = await client.callTool({
      name: "update_issue",
      arguments: { issue_id: "4001", status: "resolved", assigned_to: "dev@example.com" },
    });
    expect(json(result)).toMatchObject({ status: "resolved", assignedTo: "dev@example.com" });
    expect(fake.calls).toEqual([
      expect.objectContaining({ method: "PUT", path: "/api/0/issues/4001/", body: { status: "resolved", assignedTo: "dev@example.com" } }),
    ]);
    await client.close();
  });

  it("update_issue with a read token is refused naming sentry:write; Sentry 503 is a retryable tool error", async () => {
    const reader = await connect("read");
    const refused = await reader.callTool({ name: "update_issue", arguments: { issue_id: "4001", status: "resolved" } });
    expect(refused.isError).toBe(true);
    expect(text(refused)).toContain('"sentry:write"');
    fake.answers.set("GET /api/0/issues/4001/", { status: 503, body: { detail: "Service unavailable" } });
    const failed = await reader.callTool({ name: "get_issue", arguments: { issue_id: "4001" } });
    expect(failed.isError).toBe(true);
    expect(failed.structuredContent).toMatchObject({ error: { vendor: "sentry", status: 503, retryable: true } });
    expect(fake.calls).toHaveLength(1);
    await reader.close();
  });

  it("through the Worker, the tools reach the configured Sentry API with its token", async () => {
    fake.answers.set("GET /api/0/issues/4001/", { body: ISSUE });
    const issued = await api("/api/mcp-tokens", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ name: "s", servers: ["sentry"] }),
    });
    const { token } = (await issued.json()) as { token: string };
    const client = new Client({ name: "sentry-worker", version: "1.0.0" });
    await client.connect(
      new StreamableHTTPClientTransport(new URL("http://agent-bot.test/mcp/sentry"), {
        requestInit: { headers: { authorization: `Bearer ${token}` } },
        fetch: (url, init) => exports.default.fetch(url, init),
      }),
    );
    const result = await client.callTool({ name: "get_issue", arguments: { issue_id: "4001" } });
    expect(result.isError).toBeFalsy();
    expect(fake.calls).toEqual([expect.objectContaining({ method: "GET", path: "/api/0/issues/4001/" })]);
    // The Worker's own setting (vitest.config.ts), not the test's MCP token.
    expect(fake.calls[0]?.headers.authorization).toBe("Bearer test-sentry-token");
    await client.close();
  });

  it("an unconfigured Sentry is a tool error naming the setting", async () => {
    const client = await connectMcp("sentry", "read", { SENTRY_AUTH_TOKEN: undefined });
    const result = await client.callTool({ name: "get_issue", arguments: { issue_id: "4001" } });
    expect(result.isError).toBe(true);
    expect(text(result)).toContain("SENTRY_AUTH_TOKEN is not set");
    await client.close();
  });
});
