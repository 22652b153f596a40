// The D1 schema, in one place. `npm run db:generate` turns it into migrations/.
import { index, integer, primaryKey, real, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import type { TaskOrigin, TaskStatus } from "../../core/task-types";

/**
 * The delivery ledger: every webhook the edge saw, accepted or rejected.
 * An accepted delivery's id is derived from (vendor, delivery key), so the primary key
 * is the dedup key; a rejected one gets a random id, since its claimed key is untrusted.
 */
export const deliveries = sqliteTable(
  "deliveries",
  {
    id: text("id").primaryKey(),
    vendor: text("vendor").notNull(),
    deliveryKey: text("delivery_key").notNull(),
    eventType: text("event_type").notNull(),
    action: text("action"),
    signature: text("signature", { enum: ["valid", "valid_previous", "missing", "invalid", "stale"] }).notNull(),
    status: text("status", { enum: ["rejected", "processing", "processed", "dead_lettered"] }).notNull(),
    decision: text("decision", {
      enum: ["pending", "triggered", "not_triggered", "ignored", "refused", "rejected"],
    }).notNull(),
    reason: text("reason"),
    actor: text("actor"),
    subject: text("subject"),
    taskId: text("task_id"),
    duplicates: integer("duplicates").notNull().default(0),
    attempts: integer("attempts").notNull().default(0),
    lastError: text("last_error"),
    payloadRef: text("payload_ref"),
    receivedAt: integer("received_at").notNull(),
    processedAt: integer("processed_at"),
  },
  (t) => [index("deliveries_received_at").on(t.receivedAt), index("deliveries_vendor_received_at").on(t.vendor, t.receivedAt)],
);

/** One row per task, kept in step with the TaskAgent that owns it, for listing. */
export const tasks = sqliteTable(
  "tasks",
  {
    id: text("id").primaryKey(),
    deliveryId: text("delivery_id").notNull(),
    // Typed only (no CHECK in SQL), so rows read as core/api-types.ts's TaskRow.
    vendor: text("vendor").$type<TaskOrigin>().notNull(),
    eventType: text("event_type").notNull(),
    status: text("status").$type<TaskStatus>().notNull(),
    actor: text("actor"),
    subject: text("subject"),
    repository: text("repository"),
    title: text("title").notNull(),
    url: text("url"),
    cli: text("cli"),
    attempt: integer("attempt").notNull().default(0),
    reason: text("reason"),
    pullRequestUrl: text("pull_request_url"),
    costUsd: real("cost_usd"),
    inputTokens: integer("input_tokens"),
    outputTokens: integer("output_tokens"),
    durationMs: integer("duration_ms"),
    startedAt: integer("started_at"),
    finishedAt: integer("finished_at"),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [
    index("tasks_created_at").on(t.createdAt),
    index("tasks_vendor_status").on(t.vendor, t.status, t.createdAt),
    // GET /api/tasks?repository= and the per-repository daily budget.
    index("tasks_repository_created_at").on(t.repository, t.createdAt),
  ],
);

/** Messages that exhausted their retries, as the dead-letter consumer received them. */
export const deadLetters = sqliteTable(
  "dead_letters",
  {
    id: text("id").primaryKey(),
    queue: text("queue").notNull(),
    deliveryId: text("delivery_id"),
    vendor: text("vendor"),
    eventType: text("event_type"),
    body: text("body").notNull(),
    lastError: text("last_error"),
    attempts: integer("attempts").notNull(),
    receivedAt: integer("received_at").notNull(),
    /** When the message was sent to the events queue again (POST /api/dead-letters/:id/replay); once only. */
    replayedAt: integer("replayed_at"),
  },
  (t) => [index("dead_letters_received_at").on(t.receivedAt)],
);

/** Monotonic counters behind GET /metrics; one row per metric name + label set. */
export const metricCounters = sqliteTable("metric_counters", {
  key: text("key").primaryKey(),
  name: text("name").notNull(),
  labels: text("labels").notNull(),
  value: integer("value").notNull().default(0),
});

/**
 * Bearer tokens for the MCP servers at /mcp/*. Only the SHA-256 of a token is
 * stored; the token itself is shown once, when it is issued.
 */
export const mcpTokens = sqliteTable(
  "mcp_tokens",
  {
    id: text("id").primaryKey(),
    name: text("name").notNull(),
    tokenHash: text("token_hash").notNull().unique(),
    /** JSON array of MCP server names the token may reach. */
    servers: text("servers").notNull(),
    access: text("access", { enum: ["read", "write"] }).notNull(),
    /** Requests per second; null uses MCP_RATE_LIMIT_PER_SECOND. */
    rateLimitPerSecond: integer("rate_limit_per_second"),
    /** Set for a token minted for one agent task. */
    taskId: text("task_id"),
    /** JSON McpResourceScope (core/mcp-scopes.ts): the resources it reaches; null reaches all. */
    scope: text("scope"),
    createdAt: integer("created_at").notNull(),
    expiresAt: integer("expires_at").notNull(),
    revokedAt: integer("revoked_at"),
  },
  (t) => [index("mcp_tokens_created_at").on(t.createdAt)],
);

/**
 * Knowledge graph nodes: anything an event mentions (repository, issue, PR, commit, branch,
 * person, Jira project/issue, Slack channel/thread, Sentry project/issue). The natural key is
 * vendor-scoped (`github:issue:owner/name#12`, `jira:issue:PAY-142`, `sentry:issue:BACKEND-4Z`…)
 * and the id is derived from it, so every event that names the same thing reaches the same row.
 */
export const graphEntities = sqliteTable(
  "graph_entities",
  {
    /**
     * The row's integer key, and the FTS5 index's rowid (graph_entities_fts, external content).
     * An INTEGER PRIMARY KEY is the one rowid VACUUM keeps, so the index never points at the
     * wrong entity; the text id stays the key everything else joins on.
     */
    seq: integer("seq").primaryKey(),
    id: text("id").notNull().unique(),
    type: text("type").notNull(),
    key: text("key").notNull(),
    title: text("title"),
    url: text("url"),
    /** JSON object; later events merge their properties over earlier ones. */
    properties: text("properties").notNull().default("{}"),
    /** What full-text search reads besides key and title: the start of a body, description or message (≤ 2000 chars). */
    text: text("text"),
    firstSeen: integer("first_seen").notNull(),
    lastSeen: integer("last_seen").notNull(),
    /**
     * Edges touching this entity, both directions, kept by triggers on graph_edges (migration
     * 0006): with the entity's type it says whether the entity is a hub that walks do not cross.
     */
    degree: integer("degree").notNull().default(0),
  },
  (t) => [uniqueIndex("graph_entities_type_key").on(t.type, t.key), index("graph_entities_last_seen").on(t.lastSeen)],
);

/**
 * Knowledge graph relations (opened_by, comments_on, belongs_to, mentions, references, closes…).
 * One row per (source, target, type); weight counts the distinct deliveries that stated it.
 */
export const graphEdges = sqliteTable(
  "graph_edges",
  {
    sourceId: text("source_id").notNull(),
    targetId: text("target_id").notNull(),
    type: text("type").notNull(),
    properties: text("properties").notNull().default("{}"),
    weight: integer("weight").notNull().default(1),
    /** The last delivery that stated this edge: a replay of it leaves the weight alone. */
    lastDeliveryId: text("last_delivery_id"),
    firstSeen: integer("first_seen").notNull(),
    lastSeen: integer("last_seen").notNull(),
  },
  (t) => [primaryKey({ columns: [t.sourceId, t.targetId, t.type] }), index("graph_edges_target").on(t.targetId, t.type, t.sourceId)],
);

/**
 * One row per (entity, delivery) that named it: an entity's timeline, which edges alone do not
 * give (an edge keeps only its first and last sighting). Replays hit the primary key and change nothing.
 */
export const graphEntityEvents = sqliteTable(
  "graph_entity_events",
  {
    entityId: text("entity_id").notNull(),
    deliveryId: text("delivery_id").notNull(),
    vendor: text("vendor").notNull(),
    eventType: text("event_type").notNull(),
    action: text("action"),
    at: integer("at").notNull(),
    /** One line, ≤ 200 chars: who did what, e.g. `github issue_comment.created by octocat: Fix the typo`. */
    summary: text("summary").notNull(),
    url: text("url"),
  },
  (t) => [
    primaryKey({ columns: [t.entityId, t.deliveryId] }),
    // The timeline query: WHERE entity_id = ? AND at < ? ORDER BY at DESC, delivery_id DESC LIMIT n,
    // read backwards off this index with no sort step.
    index("graph_entity_events_entity_at").on(t.entityId, t.at, t.deliveryId),
  ],
);

/**
 * Identities of person entities: `email:<address>` from payloads, `name:<name>` from
 * GRAPH_PERSON_IDENTITIES. Persons sharing an identity are one human across vendors, and
 * are joined by `same_as` edges.
 */
export const graphIdentities = sqliteTable(
  "graph_identities",
  {
    identity: text("identity").notNull(),
    personId: text("person_id").notNull(),
    source: text("source", { enum: ["email", "config"] }).notNull(),
    firstSeen: integer("first_seen").notNull(),
    lastSeen: integer("last_seen").notNull(),
  },
  (t) => [
    // identity first: linking asks "who else has this identity?" on every upsert.
    primaryKey({ columns: [t.identity, t.personId] }),
    // "what are this person's identities?" (entity pages, MCP get_entity).
    index("graph_identities_person").on(t.personId),
  ],
);

/**
 * What agents spent, by budget scope (a repository, else a Jira project, Slack channel or Sentry
 * project) and by when: a running attempt holds a reservation of its budget, replaced by what it
 * actually spent when it ends. The daily cap sums both (docs/configuration.md, REPO_DAILY_BUDGET_USD).
 */
export const spend = sqliteTable(
  "spend",
  {
    taskId: text("task_id").notNull(),
    attempt: integer("attempt").notNull(),
    scope: text("scope").notNull(),
    kind: text("kind", { enum: ["reserved", "spent"] }).notNull(),
    amountUsd: real("amount_usd").notNull(),
    at: integer("at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.taskId, t.attempt] }), index("spend_scope_at").on(t.scope, t.at)],
);

/**
 * The GitHub App the setup flow created (workers/routes/setup-github.ts): one row, its private key,
 * webhook secret and client secret sealed with AES-GCM under GITHUB_APP_STORE_KEY.
 */
export const githubApp = sqliteTable("github_app", {
  id: integer("id").primaryKey(),
  appId: text("app_id").notNull(),
  slug: text("slug").notNull(),
  /** base64 of IV ‖ AES-GCM ciphertext of the credentials' JSON. */
  sealed: text("sealed").notNull(),
  createdAt: integer("created_at").notNull(),
});

/** Where the GitHub App is installed, kept by `installation` events; a suspended one starts no tasks. */
export const githubInstallations = sqliteTable("github_installations", {
  installationId: text("installation_id").primaryKey(),
  account: text("account").notNull(),
  /** `all`: every repository of the account; `selected`: those in github_installation_repositories. */
  repositorySelection: text("repository_selection", { enum: ["all", "selected"] }).notNull(),
  suspended: integer("suspended", { mode: "boolean" }).notNull().default(false),
  updatedAt: integer("updated_at").notNull(),
});

/** The repositories a `selected` installation covers, kept by `installation_repositories` events. */
export const githubInstallationRepositories = sqliteTable(
  "github_installation_repositories",
  {
    installationId: text("installation_id").notNull(),
    repository: text("repository").notNull(),
  },
  (t) => [primaryKey({ columns: [t.installationId, t.repository] }), index("github_installation_repositories_repository").on(t.repository)],
);
