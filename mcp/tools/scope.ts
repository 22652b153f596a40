// Resource scopes (core/mcp-scopes.ts) as tool checks: each tool says which resources its
// arguments reach (`reaches`), and registerTools refuses a scoped token's call outside them
// before `run`, so nothing is sent upstream. The refusal names the scope it enforces.
import { describeScope, type McpResourceScope, type ScopeArea } from "../../core/mcp-scopes";

/** A refusal to show the caller, or undefined when the call is inside the scope. */
export type ScopeCheck = string | undefined;

export function outOfScope(scope: McpResourceScope, area: ScopeArea, detail?: string): string {
  return `out of scope: this token is limited to ${describeScope(scope, area)}${detail ? `; ${detail}` : ""}`;
}

// GitHub and Jira names are case-insensitive upstream; comparing them so keeps `Acme/API` from slipping past `acme/api`.
const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();
const inList = (list: readonly string[], item: string) => list.some((entry) => same(entry, item));

/** Tools that reach nothing a task scope bounds (the knowledge graph). */
export const anyResource = (): ScopeCheck => undefined;

/** Tools a scoped token may not call at all: a list across resources, starting tasks. */
export const notWhenScoped =
  (area: ScopeArea, what: string) =>
  (_args: unknown, scope: McpResourceScope): ScopeCheck =>
    outOfScope(scope, area, `${what} is not available to it`);

export function githubRepo(scope: McpResourceScope, owner: string, repo: string): ScopeCheck {
  return inList(scope.repositories, `${owner}/${repo}`) ? undefined : outOfScope(scope, "github");
}

export function githubIssue(scope: McpResourceScope, owner: string, repo: string, number: number): ScopeCheck {
  return inList(scope.issues, `${owner}/${repo}#${number}`) ? undefined : outOfScope(scope, "github");
}

// Qualifiers that pick repositories. Repeated `repo:` qualifiers widen a search (OR), as the
// owner qualifiers may, so a scoped query names none but its own repositories.
const REPO_QUALIFIER = /(repo|org|user|owner)\s*:\s*"?([^\s"()]*)/gi;

/** A search query limited to the scope's repositories, or a refusal when it names others. */
export function githubSearch(scope: McpResourceScope, query: string): { query: string } | { refusal: string } {
  if (!scope.repositories.length) return { refusal: outOfScope(scope, "github") };
  for (const [, kind, name] of query.matchAll(REPO_QUALIFIER)) {
    if (kind!.toLowerCase() !== "repo" || !inList(scope.repositories, name!)) {
      return { refusal: outOfScope(scope, "github", `the query may name only its repositories (found ${kind}:${name})`) };
    }
  }
  return { query: `${query} ${scope.repositories.map((r) => `repo:${r}`).join(" ")}` };
}

export function slackChannel(scope: McpResourceScope, channel: string): ScopeCheck {
  return scope.slack.some((s) => s.channel === channel) ? undefined : outOfScope(scope, "slack");
}

export function slackThread(scope: McpResourceScope, channel: string, threadTs: string): ScopeCheck {
  return scope.slack.some((s) => s.channel === channel && (s.threadTs === null || s.threadTs === threadTs))
    ? undefined
    : outOfScope(scope, "slack");
}

const projectOf = (issueKey: string) => issueKey.replace(/-\d+$/, "");

/** Reads: any ticket of the scope's projects. */
export function jiraProjectIssue(scope: McpResourceScope, issueKey: string): ScopeCheck {
  return inList(scope.jiraProjects, projectOf(issueKey)) ? undefined : outOfScope(scope, "jira");
}

/** Writes: the scope's own tickets only. */
export function jiraTicket(scope: McpResourceScope, issueKey: string): ScopeCheck {
  return inList(scope.jiraIssues, issueKey) ? undefined : outOfScope(scope, "jira");
}

export function inJiraProjects(scope: McpResourceScope, issueKey: string): boolean {
  return inList(scope.jiraProjects, projectOf(issueKey));
}

export function sentryIssue(scope: McpResourceScope, issueId: string): ScopeCheck {
  return scope.sentryIssues.includes(issueId) ? undefined : outOfScope(scope, "sentry");
}

export function ownTask(scope: McpResourceScope, taskId: string): ScopeCheck {
  return scope.taskId === taskId ? undefined : outOfScope(scope, "task");
}
