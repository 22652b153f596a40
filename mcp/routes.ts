// The MCP paths in the Worker. Streamable HTTP on /mcp/<server> (and /<server>/mcp, the
// path clients that pick the transport from the last segment ask for); the 2024-11-05
// HTTP+SSE transport on /mcp/<server>/sse (and /<server>/sse) with its message endpoint
// /mcp/<server>/messages. Every request passes admission.ts (token, scopes, rate limit),
// then goes to the token's McpHost object, keyed by server and principal, so a client's
// SSE stream and its POSTed messages meet in one instance.
import { type Context, Hono } from "hono";
import { MCP_SERVERS, type McpServerName } from "../core/mcp-scopes";
import type { AppEnv } from "../workers/app-env";
import { admit, refuse } from "./admission";
import { isServed } from "./servers";

type Transport = "streamable" | "sse" | "messages";

// Browser clients (the MCP Inspector) preflight without credentials.
const PREFLIGHT = {
  "access-control-allow-origin": "*",
  "access-control-allow-methods": "GET, POST, DELETE, OPTIONS",
  "access-control-allow-headers": "Authorization, Content-Type, Accept, mcp-session-id, MCP-Protocol-Version, Last-Event-ID",
  "access-control-expose-headers": "mcp-session-id, WWW-Authenticate, Retry-After",
  "access-control-max-age": "86400",
};

async function serve(c: Context<AppEnv>, name: string, transport: Transport) {
  if (!isServed(name)) return refuse(c, 404, "not_found", `no MCP server named ${name}`);
  const server: McpServerName = name;
  if (c.req.method === "OPTIONS") return c.body(null, 204, PREFLIGHT);
  const admitted = await admit(c, server);
  if ("refused" in admitted) return admitted.refused;
  const { principal } = admitted;
  const host = c.env.MCP_HOST.getByName(`${server}:${principal.tokenId}`);

  if (transport === "sse") {
    if (c.req.method !== "GET") return c.json({ error: { code: "method_not_allowed", message: "the SSE stream is opened with GET" } }, 405);
    return host.openSse(server, principal);
  }
  if (transport === "messages") {
    if (c.req.method !== "POST") return c.json({ error: { code: "method_not_allowed", message: "messages are sent with POST" } }, 405);
    return host.postSse(server, principal, c.req.query("sessionId") ?? "", await c.req.text());
  }
  // The host serves the canonical path; an alias is rewritten to it.
  const url = new URL(c.req.url);
  const canonical = `/mcp/${server}`;
  const forwarded = url.pathname === canonical ? c.req.raw : new Request(new URL(canonical + url.search, url), c.req.raw);
  return host.serve(forwarded, server, principal);
}

/** Mounted at /mcp. */
export function mcpRoutes() {
  const app = new Hono<AppEnv>();
  app.all("/:server", (c) => serve(c, c.req.param("server"), "streamable"));
  app.all("/:server/sse", (c) => serve(c, c.req.param("server"), "sse"));
  app.all("/:server/messages", (c) => serve(c, c.req.param("server"), "messages"));
  return app;
}

/** Mounted at the root: /<server>/mcp and /<server>/sse. */
export function mcpAliasRoutes() {
  const app = new Hono<AppEnv>();
  for (const server of MCP_SERVERS) {
    app.all(`/${server}/mcp`, (c) => serve(c, server, "streamable"));
    app.all(`/${server}/sse`, (c) => serve(c, server, "sse"));
  }
  return app;
}
