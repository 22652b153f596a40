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
  /** What the token may reach within its servers; null reaches everything. */
  scope: McpResourceScope | null;
}

/** `github:read`, `github:write`, …: the scopes a principal holds, as OAuth-style strings. */
export function scopesOf(principal: Pick<McpPrincipal, "servers" | "access">): string[] {
  return principal.servers.flatMap((server) => (principal.access === "write" ? [`${server}:read`, `${server}:write`] : [`${server}:read`]));
}

/**
 * The resources a token reaches, beyond its servers and access. A token without one (`null`:
 * admin tokens, task tokens minted before scopes existed) reaches every resource. Each list
 * bounds its vendor's tools; an empty list means none of that vendor's resources.
 */
export interface McpResourceScope {
  /** The agent-bot task tools reach this task only; create_task and list_tasks are refused. */
  taskId: string | null;
  /** GitHub `owner/name`: every read and create_pull_request. */
  repositories: string[];
  /** GitHub `owner/name#n`: the issues and pull requests it may comment on and label. */
  issues: string[];
  /** Slack channels; with `threadTs`, reads and replies stay in that thread. */
  slack: { channel: string; threadTs: string | null }[];
  /** Jira projects it may read. */
  jiraProjects: string[];
  /** Jira tickets it may comment on and transition. */
  jiraIssues: string[];
  /** Sentry issue ids (numeric) it may read and update. */
  sentryIssues: string[];
}

export type ScopeArea = "github" | "slack" | "jira" | "sentry" | "task";

const list = (items: string[]) => items.join(", ");

/** How a refusal names the part of a scope it enforces: `github repo acme/api`, `slack channel C1 thread 1.2`, … */
export function describeScope(scope: McpResourceScope, area: ScopeArea): string {
  switch (area) {
    case "github":
      if (!scope.repositories.length) return "no github repo";
      return `github repo ${list(scope.repositories)}${scope.issues.length ? ` (comments and labels on ${list(scope.issues)} only)` : " (no comments or labels)"}`;
    case "slack":
      if (!scope.slack.length) return "no slack channel";
      return list(scope.slack.map((s) => `slack channel ${s.channel}${s.threadTs ? ` thread ${s.threadTs}` : ""}`));
    case "jira":
      if (!scope.jiraProjects.length) return "no jira project";
      return `jira project ${list(scope.jiraProjects)}${scope.jiraIssues.length ? ` (writes on ticket ${list(scope.jiraIssues)} only)` : " (read only)"}`;
    case "sentry":
      return scope.sentryIssues.length ? `sentry issue ${list(scope.sentryIssues)}` : "no sentry issue";
    case "task":
      return scope.taskId ? `task ${scope.taskId}` : "no task";
  }
}
