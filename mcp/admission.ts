// Whether an MCP request gets in, the same for every transport and path: authenticate the
// bearer token, an `mcp_` token (D1, by hash) or an OAuth access token (mcp/oauth/, its grant
// as a principal), check the server is in its scopes, then take the request from the
// token's limiter (McpRateLimiter: calls against the token's rate, the rest against the
// session bound; see request-kind.ts). A refusal is the project's error shape with an
// RFC 6750 challenge that names the resource metadata, so OAuth clients can discover.
import type { Context } from "hono";
import { errorBody, type ErrorCode } from "../core/error-codes";
import type { McpPrincipal, McpServerName } from "../core/mcp-scopes";
import type { AppEnv } from "../workers/app-env";
import { TOKEN_PREFIX, verifyToken } from "../workers/auth/mcp-tokens";
import { incrementCounters } from "../workers/observability/metrics";
import { authorizationServerFor, resourceMetadataUrl, verifyOAuthToken } from "./oauth/authorization-server";
import { classifyRequest, type RequestKind } from "./request-kind";

const REALM = 'Bearer realm="agent-bot-mcp"';

const REASONS = {
  missing: "Authorization: Bearer <MCP token> is required",
  unknown: "invalid MCP token",
  expired: "the MCP token has expired",
  revoked: "the MCP token has been revoked",
  oauth: "the OAuth access token is invalid, expired or revoked",
} as const;

// Browser clients (the MCP Inspector in direct mode) must read the challenge to start OAuth.
const REFUSAL_CORS = { "access-control-allow-origin": "*", "access-control-expose-headers": "WWW-Authenticate, Retry-After" };

export function refuse(
  c: Context<AppEnv>,
  status: 401 | 403 | 404 | 429,
  code: ErrorCode,
  message: string,
  headers: Record<string, string> = {},
) {
  c.get("log").outcome = code;
  return c.json(errorBody(code, message), status, { ...REFUSAL_CORS, ...headers });
}

/**
 * The challenge, with resource_metadata where OAuth is served (RFC 9728 §5.1). Under /mcp/<server>
 * it names that server's resource; an alias path (/<server>/mcp, /<server>/sse) is not below it,
 * and clients refuse a resource that does not contain their URL, so there it names the origin's.
 */
function challengeFor(c: Context<AppEnv>, server: McpServerName): string {
  const url = new URL(c.req.url);
  if (!authorizationServerFor(url.origin)) return REALM;
  const canonical = url.pathname === `/mcp/${server}` || url.pathname.startsWith(`/mcp/${server}/`);
  const metadata = canonical ? resourceMetadataUrl(url.origin, server) : `${url.origin}/.well-known/oauth-protected-resource`;
  return `${REALM}, resource_metadata="${metadata}"`;
}

function unauthorized(c: Context<AppEnv>, server: McpServerName, reason: keyof typeof REASONS) {
  const realm = challengeFor(c, server);
  const challenge = reason === "missing" ? realm : `${realm}, error="invalid_token", error_description="${REASONS[reason]}"`;
  return refuse(c, 401, "unauthorized", REASONS[reason], { "WWW-Authenticate": challenge });
}

function limitMessage(request: RequestKind, rate: number): string {
  if (request.kind === "session") {
    return `more than ${rate} requests per second of session traffic (initialize, notifications, lists, ping, streams) for this token: the session-traffic limit`;
  }
  if (request.count > rate) return `a batch of ${request.count} calls is more than the ${rate} calls per second this token may make`;
  return `more than ${rate} calls (tools/call, resources/read, prompts/get) per second for this token`;
}

type Verified = { ok: true; principal: McpPrincipal; rateLimitPerSecond: number | null } | { ok: false; reason: keyof typeof REASONS };

async function authenticate(c: Context<AppEnv>, server: McpServerName): Promise<Verified> {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(c.req.header("authorization") ?? "");
  if (!match) return { ok: false, reason: "missing" };
  const token = match[1]!;
  if (token.startsWith(TOKEN_PREFIX)) return verifyToken(c.env.DB, token);
  const principal = await verifyOAuthToken(c.env, new URL(c.req.url).origin, server, token);
  return principal ? { ok: true, principal, rateLimitPerSecond: null } : { ok: false, reason: "oauth" };
}

/** The principal of an admitted request, or the refusal to answer with. */
export async function admit(c: Context<AppEnv>, server: McpServerName): Promise<{ principal: McpPrincipal } | { refused: Response }> {
  const check = await authenticate(c, server);
  if (!check.ok) return { refused: unauthorized(c, server, check.reason) };
  const { principal } = check;
  c.get("log").mcpToken = principal.tokenId;
  c.get("log").mcpServer = server;
  if (!principal.servers.includes(server)) {
    return {
      refused: refuse(c, 403, "forbidden", `this token's scopes do not include the ${server} server`, {
        "WWW-Authenticate": `${challengeFor(c, server)}, error="insufficient_scope", scope="${server}:read"`,
      }),
    };
  }

  const request = await classifyRequest(c.req.raw);
  c.get("log").mcpKind = request.kind;
  const config = c.get("config");
  const rate =
    request.kind === "calls" ? (check.rateLimitPerSecond ?? config.MCP_RATE_LIMIT_PER_SECOND) : config.MCP_SESSION_RATE_LIMIT_PER_SECOND;
  const limiter = c.env.MCP_RATE_LIMITER.getByName(principal.tokenId);
  const taken = await limiter.take(request.kind, rate, request.kind === "calls" ? request.count : 1);
  if (!taken.allowed) {
    const counted = incrementCounters(c.env.DB, [{ name: "agentbot_mcp_rate_limited_total", labels: { server, kind: request.kind } }]);
    c.executionCtx.waitUntil(counted.catch(() => {}));
    return { refused: refuse(c, 429, "rate_limited", limitMessage(request, rate), { "Retry-After": String(taken.retryAfterSeconds) }) };
  }
  return { principal };
}
