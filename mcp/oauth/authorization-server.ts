// The OAuth 2.1 authorization server for MCP connectors, built on
// @cloudflare/workers-oauth-provider's role-based API: its OAuthAuthorizationServer
// serves metadata, registration, token (code + PKCE S256, refresh rotation) and
// revocation, and validates its access tokens; agent-bot keeps its own routing, the
// consent page (authorize.routes.ts) and the MCP route's checks. The library's
// OAuthProvider would have to wrap the Worker's export and own /mcp/*, where `mcp_`
// bearer tokens, rate limits and error shapes must stay as they are.
//
// The issuer is the origin a request arrives on (workers.dev, a custom domain, or
// wrangler dev's loopback), one server per origin, since the library fixes it at
// construction. Resources: the origin itself (a grant across several servers) and
// `/mcp/<server>` for each server (the canonical URL a client connects to).
import { OAuthAuthorizationServer } from "@cloudflare/workers-oauth-provider";
import { MCP_SERVERS, type McpPrincipal, type McpServerName } from "../../core/mcp-scopes";
import { errorMessage } from "../../core/error-message";
import { logLine } from "../../workers/observability/log";
import { ALL_SCOPES, grantPropsSchema, principalFromGrant } from "./grant-scopes";

export const OAUTH_PATHS = { authorize: "/oauth/authorize", token: "/oauth/token", register: "/oauth/register" } as const;

const HOUR_SECONDS = 3600;
/** Refresh tokens live at most as long as the longest grant the consent page offers. */
const MAX_GRANT_DAYS = 90;

/** The canonical resource URL of one MCP server at `origin`. */
export const resourceUrl = (origin: string, server: McpServerName) => `${origin}/mcp/${server}`;
/** Where a client finds the protected-resource metadata of one server (RFC 9728 §3.1). */
export const resourceMetadataUrl = (origin: string, server: McpServerName) =>
  `${origin}/.well-known/oauth-protected-resource/mcp/${server}`;

const servers = new Map<string, OAuthAuthorizationServer<Env> | null>();

/**
 * The authorization server for `origin`, or null where OAuth cannot run: the library (and
 * OAuth 2.1) take https, or http on a loopback host only.
 */
export function authorizationServerFor(origin: string): OAuthAuthorizationServer<Env> | null {
  if (servers.has(origin)) return servers.get(origin) ?? null;
  let server: OAuthAuthorizationServer<Env> | null = null;
  try {
    server = new OAuthAuthorizationServer<Env>({
      issuer: origin,
      resources: [origin, ...MCP_SERVERS.map((name) => resourceUrl(origin, name))],
      // A client that names no resource gets a grant for the origin, reaching the servers it was given.
      defaultResource: origin,
      authorizeEndpoint: OAUTH_PATHS.authorize,
      tokenEndpoint: OAUTH_PATHS.token,
      clientRegistrationEndpoint: OAUTH_PATHS.register,
      scopesSupported: ALL_SCOPES,
      accessTokenTTL: HOUR_SECONDS,
      refreshTokenTTL: MAX_GRANT_DAYS * 24 * HOUR_SECONDS,
      // The grant lives as long as the consent said: its refresh token expires then, and no
      // access token outlives it (KV's minimum lifetime is a minute).
      tokenExchangeCallback: ({ props }) => {
        const grant = grantPropsSchema.safeParse(props);
        if (!grant.success) return undefined;
        const remaining = Math.max(60, Math.floor((grant.data.expiresAt - Date.now()) / 1000));
        return { refreshTokenTTL: remaining, accessTokenTTL: Math.min(HOUR_SECONDS, remaining) };
      },
      onError: ({ status, code, description }) =>
        logLine(status >= 500 ? "error" : "info", { kind: "oauth_error", status, code, description }),
    });
  } catch (error) {
    logLine("warn", { kind: "oauth_unavailable", origin, error: errorMessage(error) });
  }
  servers.set(origin, server);
  return server;
}

/**
 * The principal of an OAuth access token presented to `server`, or null when it is not a
 * live token for that server's resource (or for the origin). A token past its grant's
 * expiry is refused like an expired one.
 */
export async function verifyOAuthToken(
  env: Env,
  origin: string,
  server: McpServerName,
  token: string,
  now = Date.now(),
): Promise<McpPrincipal | null> {
  const authorizationServer = authorizationServerFor(origin);
  if (!authorizationServer) return null;
  const validated =
    (await authorizationServer.validateToken(resourceUrl(origin, server), token, env)) ??
    (await authorizationServer.validateToken(origin, token, env));
  if (!validated) return null;
  const props = grantPropsSchema.safeParse(validated.props);
  if (!props.success) return null;
  const grantId = token.split(":")[1];
  if (!grantId) return null;
  const principal = principalFromGrant({ grantId, scope: validated.scope, props: props.data, tokenExpiresAt: validated.expiresAt, server });
  return principal.expiresAt > now ? principal : null;
}
