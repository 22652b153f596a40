// /mcp/:server in the Worker: authenticate the bearer token (D1, by hash),
// check the server is in its scopes, take the request from the token's limiter
// (McpRateLimiter: calls against the token's rate, the rest against the session
// bound; see request-kind.ts), then hand the request to the token's McpHost object.
import { Hono, type Context } from "hono";
import { errorBody, type ErrorCode } from "../core/error-codes";
import type { AppEnv } from "../workers/app-env";
import { verifyToken } from "../workers/auth/mcp-tokens";
import { classifyRequest, type RequestKind } from "./request-kind";
import { isServed } from "./servers";

const REALM = 'Bearer realm="agent-bot-mcp"';

const REASONS = {
  missing: "Authorization: Bearer <MCP token> is required",
  unknown: "invalid MCP token",
  expired: "the MCP token has expired",
  revoked: "the MCP token has been revoked",
} as const;

function refuse(c: Context<AppEnv>, status: 401 | 403 | 404 | 429, code: ErrorCode, message: string, headers: Record<string, string> = {}) {
  c.get("log").outcome = code;
  return c.json(errorBody(code, message), status, headers);
}

function unauthorized(c: Context<AppEnv>, reason: keyof typeof REASONS) {
  const challenge = reason === "missing" ? REALM : `${REALM}, error="invalid_token", error_description="${REASONS[reason]}"`;
  return refuse(c, 401, "unauthorized", REASONS[reason], { "WWW-Authenticate": challenge });
}

function limitMessage(request: RequestKind, rate: number): string {
  if (request.kind === "session") {
    return `more than ${rate} requests per second of session traffic (initialize, notifications, lists, ping, streams) for this token: the session-traffic limit`;
  }
  if (request.count > rate) return `a batch of ${request.count} calls is more than the ${rate} calls per second this token may make`;
  return `more than ${rate} calls (tools/call, resources/read, prompts/get) per second for this token`;
}

export function mcpRoutes() {
  const app = new Hono<AppEnv>();

  app.all("/:server", async (c) => {
    const server = c.req.param("server");
    if (!isServed(server)) return refuse(c, 404, "not_found", `no MCP server named ${server}`);
    // Browser clients (the MCP Inspector) preflight without credentials.
    if (c.req.method === "OPTIONS") {
      return c.body(null, 204, {
        "access-control-allow-origin": "*",
        "access-control-allow-methods": "GET, POST, DELETE, OPTIONS",
        "access-control-allow-headers": "Authorization, Content-Type, Accept, mcp-session-id, MCP-Protocol-Version, Last-Event-ID",
        "access-control-expose-headers": "mcp-session-id, WWW-Authenticate, Retry-After",
        "access-control-max-age": "86400",
      });
    }

    const match = /^Bearer\s+(\S+)\s*$/i.exec(c.req.header("authorization") ?? "");
    if (!match) return unauthorized(c, "missing");
    const check = await verifyToken(c.env.DB, match[1]!);
    if (!check.ok) return unauthorized(c, check.reason);
    const { principal } = check;
    c.get("log").mcpToken = principal.tokenId;
    c.get("log").mcpServer = server;
    if (!principal.servers.includes(server)) {
      return refuse(c, 403, "forbidden", `this token's scopes do not include the ${server} server`, {
        "WWW-Authenticate": `${REALM}, error="insufficient_scope", scope="${server}:read"`,
      });
    }

    const request = await classifyRequest(c.req.raw);
    c.get("log").mcpKind = request.kind;
    const config = c.get("config");
    const rate =
      request.kind === "calls" ? (check.rateLimitPerSecond ?? config.MCP_RATE_LIMIT_PER_SECOND) : config.MCP_SESSION_RATE_LIMIT_PER_SECOND;
    const limiter = c.env.MCP_RATE_LIMITER.getByName(principal.tokenId);
    const taken = await limiter.take(request.kind, rate, request.kind === "calls" ? request.count : 1);
    if (!taken.allowed) {
      return refuse(c, 429, "rate_limited", limitMessage(request, rate), { "Retry-After": String(taken.retryAfterSeconds) });
    }

    const host = c.env.MCP_HOST.getByName(`${server}:${principal.tokenId}`);
    return host.serve(c.req.raw, server, principal);
  });

  return app;
}
