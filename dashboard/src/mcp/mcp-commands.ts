import type { McpServerName } from "../../../core/mcp-scopes";
// The lines a user pastes to connect a client to the MCP servers, as the
// docs/mcp.md gives them.

/** The name a server is registered under in Claude Code. */
export function clientServerName(server: McpServerName): string {
  return server === "agent-bot" ? "agent-bot" : `agent-bot-${server}`;
}

export function claudeMcpAddLines(origin: string, servers: McpServerName[], token: string): string[] {
  return servers.map(
    (server) =>
      `claude mcp add --transport http ${clientServerName(server)} ${origin}/mcp/${server} --header "Authorization: Bearer ${token}"`,
  );
}

export function cursorConfig(origin: string, servers: McpServerName[], token: string): string {
  const mcpServers = Object.fromEntries(
    servers.map((server) => [clientServerName(server), { url: `${origin}/mcp/${server}`, headers: { Authorization: `Bearer ${token}` } }]),
  );
  return JSON.stringify({ mcpServers }, null, 2);
}
