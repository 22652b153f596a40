// The OAuth surface MCP connectors discover from a 401: protected-resource metadata
// (RFC 9728) for the origin and for each /mcp/<server>, and the authorization server's
// own endpoints (RFC 8414 metadata, RFC 7591 registration, token with refresh rotation,
// RFC 7009 revocation), which the library serves. The consent step is authorize.routes.ts.
import { type Context, Hono } from "hono";
import { errorBody } from "../../core/error-codes";
import { MCP_SERVERS, type McpServerName, scopesOf } from "../../core/mcp-scopes";
import type { AppEnv } from "../../workers/app-env";
import { authorizationServerFor, OAUTH_PATHS, resourceUrl } from "./authorization-server";
import { ALL_SCOPES } from "./grant-scopes";

const CORS = { "access-control-allow-origin": "*", "cache-control": "public, max-age=300" };
// Browser clients send MCP-Protocol-Version with discovery requests, so they preflight.
const PREFLIGHT = {
  "access-control-allow-origin": "*",
  "access-control-allow-methods": "GET, OPTIONS",
  "access-control-allow-headers": "*",
  "access-control-max-age": "86400",
};

function resourceMetadata(c: Context<AppEnv>, server: McpServerName | undefined) {
  const origin = new URL(c.req.url).origin;
  if (!authorizationServerFor(origin)) return c.json(errorBody("not_found", "OAuth needs https, or http on a loopback host"), 404);
  return c.json(
    {
      resource: server ? resourceUrl(origin, server) : origin,
      authorization_servers: [origin],
      scopes_supported: server ? scopesOf({ servers: [server], access: "write" }) : ALL_SCOPES,
      bearer_methods_supported: ["header"],
      resource_name: server ? `agent-bot ${server} MCP server` : "agent-bot MCP servers",
    },
    200,
    CORS,
  );
}

/** Hands the request to the library's authorization server for this origin. */
async function toAuthorizationServer(c: Context<AppEnv>) {
  const server = authorizationServerFor(new URL(c.req.url).origin);
  if (!server) return c.json(errorBody("not_found", "OAuth needs https, or http on a loopback host"), 404);
  c.get("log").outcome = `oauth_${c.req.path.split("/").pop()}`;
  // Hono types its context without `exports`; the object is the runtime's own ExecutionContext.
  return server.fetch(c.req.raw, c.env, c.executionCtx as ExecutionContext);
}

/** Mounted at the root: /.well-known/* and /oauth/{token,register}. */
export function oauthRoutes() {
  const app = new Hono<AppEnv>();
  app.options("/.well-known/oauth-protected-resource/*", (c) => c.body(null, 204, PREFLIGHT));
  app.options("/.well-known/oauth-protected-resource", (c) => c.body(null, 204, PREFLIGHT));
  app.get("/.well-known/oauth-protected-resource", (c) => resourceMetadata(c, undefined));
  app.get("/.well-known/oauth-protected-resource/mcp/:server", (c) => {
    const server = MCP_SERVERS.find((name) => name === c.req.param("server"));
    return server ? resourceMetadata(c, server) : c.json(errorBody("not_found", `no MCP server named ${c.req.param("server")}`), 404);
  });
  app.all("/.well-known/oauth-authorization-server", toAuthorizationServer);
  app.all(OAUTH_PATHS.token, toAuthorizationServer);
  app.all(OAUTH_PATHS.register, toAuthorizationServer);
  return app;
}
