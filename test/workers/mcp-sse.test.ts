// The legacy HTTP+SSE transport (2024-11-05) with the SDK's SSEClientTransport: every server
// lists its tools and answers a call over a stream, with the same tokens, scopes and
// refusals as streamable HTTP; /<server>/sse and /<server>/mcp answer like the canonical paths.
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { SSEClientTransport } from "@modelcontextprotocol/sdk/client/sse.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { exports } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { MCP_SERVERS } from "../../core/mcp-scopes";
import { api } from "./support";

const BASE = "http://agent-bot.test";
let token: string;

beforeAll(async () => {
  const res = await api("/api/mcp-tokens", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ name: "sse", servers: [...MCP_SERVERS], access: "read", rateLimitPerSecond: 1000 }),
  });
  token = ((await res.json()) as { token: string }).token;
});

const fetchWorker = (url: string | URL, init?: RequestInit) => exports.default.fetch(url, init);

async function sseClient(path: string, bearer = token): Promise<Client> {
  const headers = { authorization: `Bearer ${bearer}` };
  const transport = new SSEClientTransport(new URL(path, BASE), {
    requestInit: { headers },
    eventSourceInit: {
      fetch: (url, init) => fetchWorker(url, { ...init, headers: { ...Object.fromEntries(new Headers(init?.headers)), ...headers } }),
    },
    fetch: fetchWorker,
  });
  const client = new Client({ name: "sse-test", version: "1.0.0" });
  await client.connect(transport);
  return client;
}

describe("MCP over the legacy HTTP+SSE transport", () => {
  it("lists the tools of every server and calls one", async () => {
    for (const server of MCP_SERVERS) {
      const client = await sseClient(`/mcp/${server}/sse`);
      expect((await client.listTools()).tools.length, server).toBeGreaterThan(0);
      await client.close();
    }
    const client = await sseClient("/mcp/agent-bot/sse");
    const listed = await client.callTool({ name: "list_tasks", arguments: {} });
    expect(listed.isError).toBeFalsy();
    const write = await client.callTool({ name: "cancel_task", arguments: { id: "tsk_nope" } });
    expect(write.isError).toBe(true);
    expect(JSON.stringify(write.content)).toContain("agent-bot:write");
    await client.close();
  });

  it("refuses a stream without a token (401) and messages for an unknown session (404)", async () => {
    const anonymous = await exports.default.fetch(`${BASE}/mcp/github/sse`);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get("www-authenticate")).toContain("Bearer");
    const unknown = await exports.default.fetch(`${BASE}/mcp/github/messages?sessionId=nope`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "ping" }),
    });
    expect(unknown.status).toBe(404);
  });

  it("answers on /<server>/sse and /<server>/mcp with the same tools", async () => {
    const viaSse = await sseClient("/github/sse");
    const streamable = new Client({ name: "alias", version: "1.0.0" });
    await streamable.connect(
      new StreamableHTTPClientTransport(new URL("/github/mcp", BASE), {
        requestInit: { headers: { authorization: `Bearer ${token}` } },
        fetch: fetchWorker,
      }),
    );
    const names = async (client: Client) => (await client.listTools()).tools.map((t) => t.name).sort();
    expect(await names(viaSse)).toEqual(await names(streamable));
    expect(await names(viaSse)).toContain("get_issue");
    await viaSse.close();
    await streamable.close();
  });
});
