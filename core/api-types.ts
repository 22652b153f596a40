// The JSON the Worker's API serves and accepts, as the dashboard reads and sends it. The
// Worker's D1 reads and answers are typed with these, and test/node/api-types.test.ts holds
// its rows and request schemas equal to them. Types only: nothing here reaches a bundle.
import type { McpAccess, McpResourceScope, McpServerName } from "./mcp-scopes";
import type { CliName } from "./names";
import type { TaskLogEntry, TaskOrigin, TaskState, TaskStatus } from "./task-types";

/** A page of a newest-first listing; pass `nextCursor` back as `cursor`. */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** A row of the D1 `tasks` table: the listing copy of a TaskAgent's spec and status. */
export interface TaskRow {
  id: string;
  deliveryId: string;
  vendor: TaskOrigin;
  eventType: string;
  status: TaskStatus;
  actor: string | null;
  subject: string | null;
  repository: string | null;
  title: string;
  url: string | null;
  cli: string | null;
  attempt: number;
  reason: string | null;
  pullRequestUrl: string | null;
  costUsd: number | null;
  inputTokens: number | null;
  outputTokens: number | null;
  durationMs: number | null;
  startedAt: number | null;
  finishedAt: number | null;
  createdAt: number;
  updatedAt: number;
}

/** GET /api/tasks/:id */
export interface TaskDetail {
  task: TaskRow;
  state: TaskState;
  log: TaskLogEntry[];
}

/** POST /api/tasks (an Idempotency-Key header makes a retried POST return the same task). */
export interface CreateTaskInput {
  repository: string;
  prompt: string;
  title?: string;
  cli?: CliName;
  skill?: string;
  ref?: string;
}

/** `valid_previous`: valid under the `…_PREVIOUS` secret of a rotation under way. */
export type SignatureResult = "valid" | "valid_previous" | "missing" | "invalid" | "stale";
export type DeliveryStatus = "rejected" | "processing" | "processed" | "dead_lettered";
/** The ledger's decision: the trigger's (TriggerDecision), or pending / rejected before one is made. */
export type DeliveryDecision = "pending" | "triggered" | "not_triggered" | "ignored" | "refused" | "rejected";

/** A row of the delivery ledger (GET /api/events). */
export interface Delivery {
  id: string;
  vendor: string;
  deliveryKey: string;
  eventType: string;
  action: string | null;
  signature: SignatureResult;
  status: DeliveryStatus;
  decision: DeliveryDecision;
  reason: string | null;
  actor: string | null;
  subject: string | null;
  taskId: string | null;
  duplicates: number;
  attempts: number;
  lastError: string | null;
  payloadRef: string | null;
  receivedAt: number;
  processedAt: number | null;
}

/** A message that exhausted its retries (GET /api/dead-letters); `body` is the AgentEvent as JSON. */
export interface DeadLetter {
  id: string;
  queue: string;
  deliveryId: string | null;
  vendor: string | null;
  eventType: string | null;
  body: string;
  lastError: string | null;
  attempts: number;
  receivedAt: number;
  replayedAt: number | null;
}

/** POST /api/dead-letters/:id/replay */
export interface ReplayResult {
  id: string;
  deliveryId: string | null;
  replayedAt: number;
}

/** Who an API request is from, as requireApiToken establishes it and GET /api/session reports it. */
export interface ApiUser {
  id: string;
  name?: string;
  method: "token" | "access";
}

export interface DayRange {
  /** First UTC day, YYYY-MM-DD. */
  from: string;
  /** Last UTC day, inclusive. */
  to: string;
}

export interface DailyVendorRow {
  day: string;
  vendor: string;
  tasks: number;
  succeeded: number;
  failed: number;
  costUsd: number;
}

export interface AnalyticsSummary {
  tasks: number;
  succeeded: number;
  failed: number;
  cancelled: number;
  timedOut: number;
  /** succeeded / (succeeded + failed + timed out); cancelled tasks are the operator's call, not an outcome. */
  successRate: number | null;
  p50DurationMs: number | null;
  p95DurationMs: number | null;
  costUsd: number;
}

/** GET /api/analytics */
export interface Analytics extends DayRange {
  daily: DailyVendorRow[];
  summary: AnalyticsSummary;
  costPerDay: { day: string; costUsd: number }[];
  /** successRate as in the summary: over the repository's succeeded, failed and timed-out tasks. */
  topRepositories: { repository: string; tasks: number; succeeded: number; successRate: number | null; costUsd: number }[];
}

/** An MCP token as listed; the secret itself is in the issuing answer only. */
export interface McpToken {
  id: string;
  name: string;
  servers: McpServerName[];
  access: McpAccess;
  rateLimitPerSecond: number | null;
  taskId: string | null;
  /** The resources it reaches (docs/mcp.md#tokens-for-tasks); null: every resource of its servers. */
  scope: McpResourceScope | null;
  createdAt: number;
  expiresAt: number;
  revokedAt: number | null;
}

/** An MCP connector's OAuth grant (GET /api/oauth-grants): what the consent page approved. */
export interface OAuthGrant {
  id: string;
  /** The id its MCP calls are logged and rate-limited under: `oauth_<id>`. */
  principalId: string;
  clientId: string;
  /** The client's name at consent time. */
  name: string;
  servers: McpServerName[];
  access: McpAccess;
  /** As granted: `github:read`, `github:write`, … */
  scope: string[];
  /** The resource it is for: one server's URL, or the origin for several; null for none. */
  resource: string | string[] | null;
  /** Who approved it: `API token` or the Access identity. */
  approvedBy: string | null;
  createdAt: number;
  /** When the grant and every token from it end, as chosen on the consent page. */
  expiresAt: number | null;
}

/** POST /api/mcp-tokens */
export interface IssueMcpTokenInput {
  name: string;
  servers: McpServerName[];
  /** `read` unless given. */
  access?: McpAccess;
  /** 30 days unless given, at most a year. */
  expiresInSeconds?: number;
  /** MCP_RATE_LIMIT_PER_SECOND unless given. */
  rateLimitPerSecond?: number;
  /** Limits the token to these resources (docs/mcp.md#resource-scopes); every resource unless given. */
  scope?: McpResourceScopeInput;
}

/** A resource scope as POST /api/mcp-tokens takes it: a list left out means none of that kind. */
export interface McpResourceScopeInput {
  /** The one task the agent-bot task tools may reach; none when absent. */
  taskId?: string | null;
  /** `owner/name` */
  repositories?: string[];
  /** `owner/name#number`: where it may comment and label. */
  issues?: string[];
  slack?: { channel: string; threadTs?: string | null }[];
  jiraProjects?: string[];
  jiraIssues?: string[];
  sentryIssues?: string[];
}
