// How an OAuth grant maps onto the principal an `mcp_` token carries: scopes are
// `<server>:read` / `<server>:write` (the strings scopesOf() makes), the servers a grant
// reaches are those it may read, and `write` on the server being called makes the
// principal a writer there. One model, so scope checks, rate limits (per grant, as per
// token) and the tool registries treat both kinds of caller the same way.
import { z } from "zod";
import { MCP_ACCESS, MCP_SERVERS, scopesOf, type McpAccess, type McpPrincipal, type McpServerName } from "../../core/mcp-scopes";

/** Every scope the authorization server knows, for its metadata and for the consent form. */
export const ALL_SCOPES = scopesOf({ servers: [...MCP_SERVERS], access: "write" });

/**
 * The library's grant owner. agent-bot has one administrator role (whoever holds the API token
 * or passes Access), so every grant belongs to the platform and the person who approved it is
 * recorded in its props; the API lists and revokes them as one set.
 */
export const GRANT_USER_ID = "agent-bot";

/** The principal id of a grant: the limiter and the McpHost instance are keyed by it, so refreshes share them. */
export const grantPrincipalId = (grantId: string) => `oauth_${grantId}`;

/** What the consent step stores, encrypted, on the grant (the library's `props`). */
export const grantPropsSchema = z.object({
  /** The client's name at consent time, shown in lists and logs. */
  name: z.string(),
  /** Epoch milliseconds after which the grant's tokens are refused, whatever their own lifetime. */
  expiresAt: z.number().int(),
  /** Who approved it (the API token's user or an Access identity). */
  approvedBy: z.string(),
});
export type GrantProps = z.infer<typeof grantPropsSchema>;

/** The servers × access a list of scope strings asks for; unknown scopes are dropped. */
export function parseScopes(scopes: readonly string[]): { servers: McpServerName[]; access: McpAccess } {
  const servers = new Set<McpServerName>();
  let access: McpAccess = "read";
  for (const scope of scopes) {
    const [server, level] = scope.split(":");
    if (!(MCP_SERVERS as readonly string[]).includes(server ?? "") || !(MCP_ACCESS as readonly string[]).includes(level ?? "")) continue;
    servers.add(server as McpServerName);
    if (level === "write") access = "write";
  }
  return { servers: MCP_SERVERS.filter((server) => servers.has(server)), access };
}

/** The principal for a call to `server` with a validated OAuth access token. */
export function principalFromGrant(input: {
  grantId: string;
  scope: readonly string[];
  props: GrantProps;
  tokenExpiresAt: number;
  server: McpServerName;
}): McpPrincipal {
  const { servers } = parseScopes(input.scope);
  return {
    tokenId: grantPrincipalId(input.grantId),
    name: input.props.name,
    servers,
    access: input.scope.includes(`${input.server}:write`) ? "write" : "read",
    expiresAt: Math.min(input.props.expiresAt, input.tokenExpiresAt * 1000),
    taskId: null,
    scope: null,
  };
}
