// The OAuth grants MCP connectors hold (mcp/oauth/), beside the MCP tokens: list them and
// revoke one, which deletes its access and refresh tokens at once. Mounted under /api, so
// the same sign-in guards it (the entry mounts it; the MCP layer owns the grants).
import type { Context } from "hono";
import { Hono } from "hono";
import { z } from "zod";
import type { OAuthGrant } from "../../core/api-types";
import { MCP_ACCESS, MCP_SERVERS } from "../../core/mcp-scopes";
import { authorizationServerFor } from "./authorization-server";
import { GRANT_USER_ID, grantPrincipalId, parseScopes } from "./grant-scopes";
import type { AppEnv } from "../../workers/app-env";
import { AppError } from "../../workers/errors";

/** What the consent step records in a grant's metadata (authorize.routes.ts). */
const grantMetadata = z.object({
  name: z.string(),
  expiresAt: z.number(),
  approvedBy: z.string(),
  servers: z.array(z.enum(MCP_SERVERS)),
  access: z.enum(MCP_ACCESS),
});

const MAX_PAGES = 20;

function oauthApi(c: Context<AppEnv>) {
  const server = authorizationServerFor(new URL(c.req.url).origin);
  if (!server) throw new AppError("not_configured", "OAuth needs https, or http on a loopback host");
  return server.getOAuthApi(c.env);
}

export function oauthGrantRoutes() {
  const app = new Hono<AppEnv>();

  app.get("/oauth-grants", async (c) => {
    const api = oauthApi(c);
    const items: OAuthGrant[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < MAX_PAGES; page++) {
      const result = await api.listUserGrants(GRANT_USER_ID, { cursor, limit: 100 });
      for (const grant of result.items) {
        const metadata = grantMetadata.safeParse(grant.metadata);
        items.push({
          id: grant.id,
          // The id the MCP route logs and rate-limits this grant's calls under.
          principalId: grantPrincipalId(grant.id),
          clientId: grant.clientId,
          name: metadata.success ? metadata.data.name : grant.clientId,
          ...parseScopes(grant.scope),
          scope: grant.scope,
          resource: grant.resource ?? null,
          approvedBy: metadata.success ? metadata.data.approvedBy : null,
          createdAt: grant.createdAt * 1000,
          expiresAt: metadata.success ? metadata.data.expiresAt : null,
        });
      }
      cursor = result.cursor;
      if (!cursor) break;
    }
    return c.json({ items });
  });

  app.delete("/oauth-grants/:id", async (c) => {
    const api = oauthApi(c);
    const id = c.req.param("id");
    const { items } = await api.listUserGrants(GRANT_USER_ID, { limit: 1000 });
    if (!items.some((grant) => grant.id === id)) throw new AppError("not_found", `no OAuth grant ${id}`);
    await api.revokeGrant(id, GRANT_USER_ID);
    c.get("log").outcome = "oauth_grant_revoked";
    return c.json({ id, revoked: true });
  });

  return app;
}
