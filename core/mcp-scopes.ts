// What an MCP token may do: which servers it reaches, and whether it may write.
// A token with `write` access may also read. No zod here: the dashboard imports the lists.
export const MCP_SERVERS = ["github", "jira", "slack", "sentry", "agent-bot"] as const;
export type McpServerName = (typeof MCP_SERVERS)[number];

export const MCP_ACCESS = ["read", "write"] as const;
export type McpAccess = (typeof MCP_ACCESS)[number];

/** The verified caller of an MCP request, handed from the Worker to the server host. */
export interface McpPrincipal {
  tokenId: string;
  name: string;
  servers: McpServerName[];
  access: McpAccess;
  expiresAt: number;
  taskId: string | null;
}

/** `github:read`, `github:write`, …: the scopes a principal holds, as OAuth-style strings. */
export function scopesOf(principal: Pick<McpPrincipal, "servers" | "access">): string[] {
  return principal.servers.flatMap((server) => (principal.access === "write" ? [`${server}:read`, `${server}:write`] : [`${server}:read`]));
}
