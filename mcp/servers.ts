// One MCP server per name, each assembled from its vendor's tool module. Adding
// a server: write `tools/<name>.tools.ts` exporting `register<Name>Tools`, add
// the name to MCP_SERVERS (core/mcp-scopes.ts) and to REGISTRARS here.
import { McpServer } from "@modelcontextprotocol/server";
import { describeScope, type McpServerName, type ScopeArea } from "../core/mcp-scopes";
import { registerAgentBotTools } from "./tools/agent-bot.tools";
import type { ToolContext } from "./tools/define";
import { registerGitHubTools } from "./tools/github.tools";
import { registerGraphTools } from "./tools/graph.tools";
import { registerJiraTools } from "./tools/jira.tools";
import { registerSentryTools } from "./tools/sentry.tools";
import { registerSlackTools } from "./tools/slack.tools";

const REGISTRARS: Record<McpServerName, (server: McpServer, ctx: ToolContext) => void> = {
  github: registerGitHubTools,
  jira: registerJiraTools,
  slack: registerSlackTools,
  sentry: registerSentryTools,
  // agent-bot's own state: its tasks, and the knowledge graph built from every event.
  "agent-bot": (server, ctx) => {
    registerAgentBotTools(server, ctx);
    registerGraphTools(server, ctx);
  },
};

export function isServed(name: string): name is McpServerName {
  return Object.hasOwn(REGISTRARS, name);
}

const SCOPE_AREAS: Record<McpServerName, ScopeArea> = {
  github: "github",
  jira: "jira",
  slack: "slack",
  sentry: "sentry",
  "agent-bot": "task",
};

/** Tells a scoped client up front what it may reach, so it need not learn it from refusals. */
function instructionsFor(ctx: ToolContext): string | undefined {
  const scope = ctx.principal.scope;
  if (!scope) return undefined;
  return `This token is limited to ${describeScope(scope, SCOPE_AREAS[ctx.server])}; calls outside it are refused.`;
}

export function buildServer(ctx: ToolContext): McpServer {
  const register = REGISTRARS[ctx.server];
  const instructions = instructionsFor(ctx);
  const server = new McpServer(
    { name: `agent-bot-${ctx.server}`, version: "0.1.0" },
    { capabilities: { tools: {} }, ...(instructions && { instructions }) },
  );
  register(server, ctx);
  return server;
}
