// The graph's vocabulary: entity and edge types, what an extraction produces, the natural keys that
// make the same thing named by different events and vendors one node, and the shapes the API serves.
export const ENTITY_TYPES = [
  "repository",
  "issue",
  "pull_request",
  "branch",
  "commit",
  "person",
  "github_account",
  "github_installation",
  "jira_project",
  "jira_issue",
  "slack_channel",
  "slack_thread",
  "sentry_project",
  "sentry_issue",
  "sentry_alert",
  "sentry_release",
  "file",
  "task",
] as const;
export type EntityType = (typeof ENTITY_TYPES)[number];

/**
 * Entities that connect everything in their scope (every item of a repository, every ticket of a
 * project, every thread of a channel). Walking through one reaches thousands of unrelated things,
 * so neighbourhoods, paths and task context show them but do not walk through them by default.
 */
export const HUB_TYPES: ReadonlySet<EntityType> = new Set<EntityType>([
  "repository",
  "jira_project",
  "slack_channel",
  "sentry_project",
  "github_account",
  "github_installation",
]);

/**
 * Any other entity with at least this many edges (graph_entities.degree, both directions) is a hub
 * too: a person who opened thousands of issues, a file every commit touches. Above the API's
 * default neighbourhood limit (100), so one such node could fill a result on its own with
 * whatever it touched last; bench:graph prints how many entities it makes hubs.
 */
export const HUB_DEGREE = 250;

export const EDGE_TYPES = [
  "belongs_to",
  "opened_by",
  "comments_on",
  "mentions",
  "references",
  "closes",
  "from_branch",
  "on_branch",
  "pushed_by",
  "installed_by",
  "same_as",
  "assigned_to",
  "touches",
  "culprit_in",
  "discussed_in",
  "released_in",
  "task_for",
] as const;
export type EdgeType = (typeof EDGE_TYPES)[number];

/** An entity as the API and the MCP tools return it. */
export interface GraphEntity {
  id: string;
  type: EntityType;
  key: string;
  title: string | null;
  url: string | null;
  properties: Record<string, unknown>;
  /** The searchable start of a body, description or message. */
  text?: string | null;
  firstSeen: number;
  lastSeen: number;
}

export interface GraphEdge {
  sourceId: string;
  targetId: string;
  type: EdgeType;
  properties: Record<string, unknown>;
  weight: number;
  firstSeen: number;
  lastSeen: number;
}

/** An entity, its neighbours within a few hops, and the edges among them. */
export interface Neighbourhood {
  entity: GraphEntity;
  neighbours: (GraphEntity & { depth: number })[];
  /** Edges among the entity and the neighbours returned. */
  edges: GraphEdge[];
}

/** What the graph knew around a task's subject when the task was created; rendered into its prompt. */
export interface RelatedEntity {
  type: EntityType;
  key: string;
  title?: string;
  url?: string;
  /** Hops from the task's subject. */
  depth: number;
  /** The relation it was reached by, and from what (a key, or the subject). */
  via: { edge: string; from: string };
}

export interface EntityInput {
  /** Vendor-scoped natural key, e.g. `github:issue:owner/name#12`; the entity id is derived from it. */
  key: string;
  type: EntityType;
  title?: string;
  url?: string;
  properties?: Record<string, unknown>;
  /** What full-text search reads besides key and title; cut to MAX_ENTITY_TEXT. */
  text?: string;
}

/** Longest `text` kept per entity: the start of a body, description or message is what search needs. */
export const MAX_ENTITY_TEXT = 2000;

export interface EdgeInput {
  /** Natural keys of both ends; both are among the extraction's entities. */
  source: string;
  target: string;
  type: EdgeType;
  properties?: Record<string, unknown>;
}

/** An identity of a person entity: persons sharing one are joined by `same_as` edges. */
export interface IdentityInput {
  /** Natural key of the person entity. */
  person: string;
  /** `email:<lowercased address>` or `name:<configured name>`. */
  identity: string;
  source: "email" | "config";
}

/** The event an extraction came from, as one timeline row per entity it names. */
export interface TimelineInput {
  vendor: string;
  eventType: string;
  action?: string;
  /** One line, ≤ 200 chars. */
  summary: string;
  url?: string;
}

export interface Extraction {
  entities: EntityInput[];
  edges: EdgeInput[];
  identities?: IdentityInput[];
  timeline?: TimelineInput;
}

/** What extraction needs from configuration: nothing else, so it stays a pure function. */
export interface GraphContext {
  /** PROJECT_REPOSITORIES: `sentry:<project slug>` → `owner/name`, for the files stack frames name. */
  repositories?: Record<string, string>;
  /** GRAPH_PERSON_IDENTITIES: `person:<vendor>:<id>` or `email:<address>` → a person's name. */
  identities?: Record<string, string>;
}

/** Natural keys, one builder per entity kind, so extraction and references agree. */
export const keys = {
  repo: (repo: string) => `github:repo:${repo}`,
  issue: (repo: string, n: number) => `github:issue:${repo}#${n}`,
  pullRequest: (repo: string, n: number) => `github:pr:${repo}#${n}`,
  branch: (repo: string, branch: string) => `github:branch:${repo}@${branch}`,
  /** Commits are keyed by their 7-character short sha: push events carry only that per commit. */
  commit: (repo: string, sha: string) => `github:commit:${repo}@${sha.slice(0, 7).toLowerCase()}`,
  account: (login: string) => `github:account:${login}`,
  installation: (id: string) => `github:installation:${id}`,
  jiraProject: (key: string) => `jira:project:${key}`,
  jiraIssue: (key: string) => `jira:issue:${key.toUpperCase()}`,
  slackChannel: (team: string, channel: string) => `slack:channel:${team}/${channel}`,
  slackThread: (team: string, channel: string, ts: string) => `slack:thread:${team}/${channel}/${ts}`,
  sentryProject: (slug: string) => `sentry:project:${slug}`,
  /** A Sentry issue by short id (`BACKEND-4Z`), the name people paste. */
  sentryIssue: (shortId: string) => `sentry:issue:${shortId.toUpperCase()}`,
  /** A Sentry issue by numeric id, the name URLs and some payloads carry; linked to the short id by `same_as`. */
  sentryIssueId: (id: string) => `sentry:issue-id:${id}`,
  sentryAlert: (id: string) => `sentry:alert:${id}`,
  sentryRelease: (project: string, version: string) => `sentry:release:${project}@${version}`,
  /** A file in a repository, by its path from the repository root. */
  file: (repo: string, path: string) => `github:file:${repo}:${path.replace(/^\.?\/+/, "")}`,
  task: (taskId: string) => `agent-bot:task:${taskId}`,
  person: (vendor: string, id: string) => `person:${vendor}:${id}`,
};
