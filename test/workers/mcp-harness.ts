// Shared by the MCP vendor tests: a client connected to one server through the
// same createMcpHandler the McpHost serves with (settings of the test's own), and
// readers for tool results.
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { createMcpHandler } from "agents/mcp/server";
import { env } from "cloudflare:workers";
import type { McpPrincipal, McpServerName } from "../../mcp/auth/scopes";
import { buildServer } from "../../mcp/servers";
import { getConfig, type Config } from "../../workers/config";

export async function connectMcp(server: McpServerName, access: "read" | "write", settings: Partial<Config>): Promise<Client> {
  const principal: McpPrincipal = { tokenId: "mtk_test", name: "test", servers: [server], access, expiresAt: Date.now() + 60_000, taskId: null };
  const config = { ...getConfig(env), ...settings };
  const handler = createMcpHandler(() => buildServer({ env, config, principal, server }), { route: `/mcp/${server}` });
  const client = new Client({ name: `${server}-test`, version: "1.0.0" });
  await client.connect(
    new StreamableHTTPClientTransport(new URL(`http://agent-bot.test/mcp/${server}`), { fetch: (url, init) => handler.fetch(new Request(url, init)) }),
  );
  return client;
}

export const text = (result: unknown) => (result as { content: { text: string }[] }).content.map((c) => c.text).join("");
export const json = (result: unknown) => JSON.parse(text(result));
