// The Durable Object that hosts MCP servers: one instance per (server, token),
// so a client's requests land in one place and one token's traffic never
// shares an instance with another's. It serves with the agents SDK's
// createMcpHandler (SDK v2 factory, streamable HTTP) rather than the
// deprecated McpAgent. The Worker has already authenticated and rate-limited
// the request; the principal arrives over RPC, never from request headers.
import type { AuthInfo } from "@modelcontextprotocol/server";
import { createMcpHandler, type StatelessMcpHandler } from "agents/mcp/server";
import { DurableObject } from "cloudflare:workers";
import { errorMessage } from "../core/error-message";
import { scopesOf, type McpPrincipal, type McpServerName } from "../core/mcp-scopes";
import { getConfig } from "../workers/config";
import { logLine } from "../workers/observability/log";
import { buildServer } from "./servers";

export class McpHost extends DurableObject<Env> {
  private readonly handlers = new Map<McpServerName, StatelessMcpHandler>();

  private handlerFor(server: McpServerName): StatelessMcpHandler {
    let handler = this.handlers.get(server);
    if (!handler) {
      handler = createMcpHandler(
        ({ authInfo }) => {
          const principal = authInfo?.extra?.principal as McpPrincipal | undefined;
          if (!principal) throw new Error("MCP request without a principal");
          return buildServer({ env: this.env, config: getConfig(this.env), principal, server });
        },
        {
          route: `/mcp/${server}`,
          onerror: (error) => logLine("error", { kind: "mcp_handler_error", server, error: errorMessage(error) }),
        },
      );
      this.handlers.set(server, handler);
    }
    return handler;
  }

  async serve(request: Request, server: McpServerName, principal: McpPrincipal): Promise<Response> {
    const authInfo: AuthInfo = {
      token: principal.tokenId,
      clientId: principal.tokenId,
      scopes: scopesOf(principal),
      expiresAt: Math.floor(principal.expiresAt / 1000),
      extra: { principal },
    };
    return this.handlerFor(server).fetch(request, { authInfo });
  }
}
