// One MCP server per name, each assembled from its vendor's tool module. Adding
// a server: write `tools/<name>.tools.ts` exporting `register<Name>Tools`, add
// the name to MCP_SERVERS (auth/scopes.ts) and to REGISTRARS here.
import { McpServer } from "@modelcontextprotocol/server";
import type { McpServerName } from "./auth/scopes";
import type { ToolContext } from "./tools/define";
import { registerAgentBotTools } from "./tools/agent-bot.tools";
import { registerGitHubTools } from "./tools/github.tools";

const REGISTRARS: Partial<Record<McpServerName, (server: McpServer, ctx: ToolContext) => void>> = {
  github: registerGitHubTools,
  "agent-bot": registerAgentBotTools,
};

/** The servers that are served; the others are valid scope names not yet backed by tools. */
export const SERVED: readonly McpServerName[] = Object.keys(REGISTRARS) as McpServerName[];

export function isServed(name: string): name is McpServerName {
  return (SERVED as readonly string[]).includes(name);
}

export function buildServer(ctx: ToolContext): McpServer {
  const register = REGISTRARS[ctx.server];
  if (!register) throw new Error(`no MCP server named ${ctx.server}`);
  const server = new McpServer({ name: `agent-bot-${ctx.server}`, version: "0.1.0" }, { capabilities: { tools: {} } });
  register(server, ctx);
  return server;
}
