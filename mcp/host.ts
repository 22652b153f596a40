// The Durable Object that hosts MCP servers: one instance per (server, token),
// so a client's requests land in one place and one token's traffic never
// shares an instance with another's. It serves with the agents SDK's
// createMcpHandler (SDK v2 factory, streamable HTTP) rather than the
// deprecated McpAgent; the legacy HTTP+SSE transport runs on sse-transport.ts here, so a
// stream and the messages POSTed for it meet in one instance. The Worker has already
// authenticated and rate-limited the request; the principal arrives over RPC, never from
// request headers.
import type { AuthInfo } from "@modelcontextprotocol/server";
import { createMcpHandler, type StatelessMcpHandler } from "agents/mcp/server";
import { DurableObject } from "cloudflare:workers";
import { errorBody } from "../core/error-codes";
import { errorMessage } from "../core/error-message";
import { scopesOf, type McpPrincipal, type McpServerName } from "../core/mcp-scopes";
import { getConfig } from "../workers/config";
import { logLine } from "../workers/observability/log";
import { buildServer } from "./servers";
import { SseServerTransport } from "./sse-transport";

function authInfoOf(principal: McpPrincipal): AuthInfo {
  return {
    token: principal.tokenId,
    clientId: principal.tokenId,
    scopes: scopesOf(principal),
    expiresAt: Math.floor(principal.expiresAt / 1000),
    extra: { principal },
  };
}

export class McpHost extends DurableObject<Env> {
  private readonly handlers = new Map<McpServerName, StatelessMcpHandler>();
  /** Open legacy SSE streams by session id; a stream is in memory by nature, and ends with the instance. */
  private readonly sseSessions = new Map<string, { server: McpServerName; transport: SseServerTransport }>();

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
    return this.handlerFor(server).fetch(request, { authInfo: authInfoOf(principal) });
  }

  /** GET /mcp/<server>/sse: a new legacy session, its stream announcing where to POST. */
  async openSse(server: McpServerName, principal: McpPrincipal): Promise<Response> {
    const transport = new SseServerTransport((sessionId) => `/mcp/${server}/messages?sessionId=${sessionId}`);
    transport.onclose = () => this.sseSessions.delete(transport.sessionId);
    transport.onerror = (error) => logLine("warn", { kind: "mcp_sse_error", server, error: errorMessage(error) });
    await buildServer({ env: this.env, config: getConfig(this.env), principal, server }).connect(transport);
    this.sseSessions.set(transport.sessionId, { server, transport });
    return transport.response;
  }

  /** POST /mcp/<server>/messages?sessionId=…: 202, with the answer going down the session's stream. */
  async postSse(server: McpServerName, principal: McpPrincipal, sessionId: string, body: string): Promise<Response> {
    const session = this.sseSessions.get(sessionId);
    if (!session || session.server !== server) {
      return Response.json(errorBody("not_found", `no open SSE session ${sessionId} on the ${server} server`), { status: 404 });
    }
    try {
      session.transport.receive(body, authInfoOf(principal));
    } catch (error) {
      return Response.json(errorBody("bad_request", `not a JSON-RPC message: ${errorMessage(error)}`), { status: 400 });
    }
    return new Response("Accepted", { status: 202 });
  }
}
