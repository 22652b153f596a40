// The JSON the Worker serves, as the dashboard reads it. These mirror the Worker's
// own types (workers/db/schema.ts, durable-objects/task-types.ts, workers/graph/store.ts,
// mcp/auth/tokens.ts); the dashboard is a separate build, so it keeps its own copy.

export const VENDORS = ["github", "jira", "slack", "sentry"] as const;
export type Vendor = (typeof VENDORS)[number];
/** Tasks also come from the API (created by hand). */
export type TaskOrigin = Vendor | "api";

export const TASK_STATUSES = ["queued", "preparing", "running", "succeeded", "failed", "cancelled", "timed_out"] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];
export const FINAL_STATUSES: readonly TaskStatus[] = ["succeeded", "failed", "cancelled", "timed_out"];
export const RETRYABLE_STATUSES: readonly TaskStatus[] = ["failed", "cancelled", "timed_out"];

export const CLI_NAMES = ["claude", "cursor"] as const;
export type CliName = (typeof CLI_NAMES)[number];

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** A row of the D1 `tasks` table. */
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

export interface TaskSpec {
  id: string;
  deliveryId: string;
  vendor: TaskOrigin;
  eventType: string;
  action?: string;
  actor?: string;
  subject: { repository?: string; ref?: string; [key: string]: unknown };
  subjectText?: string;
  title: string;
  prompt: string;
  links: string[];
  reason: string;
  cli?: CliName;
  skills?: string[];
  createdAt: number;
}

export interface TaskTransition {
  status: TaskStatus;
  at: number;
  reason?: string;
}

export interface TaskAttempt {
  n: number;
  startedAt: number;
  endedAt?: number;
  outcome?: TaskStatus;
  reason?: string;
  costUsd?: number;
  inputTokens?: number;
  outputTokens?: number;
  durationMs?: number;
}

export interface TaskChange {
  branch: string;
  commitSha: string;
  filesChanged: number;
  insertions: number;
  deletions: number;
  files: string[];
}

export interface TaskResult {
  summary: string;
  reason?: string;
  change?: TaskChange;
  pullRequestUrl?: string;
}

export interface TaskState {
  spec: TaskSpec | null;
  status: TaskStatus | null;
  transitions: TaskTransition[];
  attempts: TaskAttempt[];
  waiting: { position: number; since: number } | null;
  skills: string[];
  costUsd: number;
  result: TaskResult | null;
  thread: { id: string; url?: string } | null;
}

export interface TaskLogEntry {
  seq: number;
  at: number;
  attempt: number;
  type: string;
  level: "info" | "warn" | "error";
  message: string;
  data: string | null;
}

export interface TaskDetail {
  task: TaskRow;
  state: TaskState;
  log: TaskLogEntry[];
}

export interface CreateTaskInput {
  repository: string;
  prompt: string;
  cli?: CliName;
  skill?: string;
}

export type SignatureResult = "valid" | "missing" | "invalid" | "stale";
export type DeliveryStatus = "rejected" | "processing" | "processed" | "dead_lettered";
export type Decision = "pending" | "triggered" | "not_triggered" | "ignored" | "refused" | "rejected";

export interface Delivery {
  id: string;
  vendor: string;
  deliveryKey: string;
  eventType: string;
  action: string | null;
  signature: SignatureResult;
  status: DeliveryStatus;
  decision: Decision;
  reason: string | null;
  actor: string | null;
  subject: string | null;
  taskId: string | null;
  duplicates: number;
  attempts: number;
  lastError: string | null;
  receivedAt: number;
  processedAt: number | null;
}

export interface DeadLetter {
  id: string;
  queue: string;
  deliveryId: string | null;
  vendor: string | null;
  eventType: string | null;
  lastError: string | null;
  attempts: number;
  receivedAt: number;
  replayedAt: number | null;
}

export interface ReplayResult {
  id: string;
  deliveryId: string | null;
  replayedAt: number;
}

export interface SessionUser {
  id: string;
  name?: string;
  method: "token" | "access";
}

export interface AnalyticsDaily {
  day: string;
  vendor: string;
  tasks: number;
  succeeded: number;
  failed: number;
  costUsd: number;
}

export interface Analytics {
  from: string;
  to: string;
  daily: AnalyticsDaily[];
  summary: {
    tasks: number;
    succeeded: number;
    failed: number;
    cancelled: number;
    timedOut: number;
    successRate: number | null;
    p50DurationMs: number | null;
    p95DurationMs: number | null;
    costUsd: number;
  };
  costPerDay: { day: string; costUsd: number }[];
  /** successRate counts succeeded, failed and timed-out tasks, like the summary's. */
  topRepositories: { repository: string; tasks: number; succeeded: number; successRate: number | null; costUsd: number }[];
}

export interface GraphEntity {
  id: string;
  type: string;
  key: string;
  title: string | null;
  url: string | null;
  properties: Record<string, unknown>;
  firstSeen: number;
  lastSeen: number;
}

export interface GraphEdge {
  sourceId: string;
  targetId: string;
  type: string;
  properties: Record<string, unknown>;
  weight: number;
  firstSeen: number;
  lastSeen: number;
}

export interface Neighbourhood {
  entity: GraphEntity;
  neighbours: (GraphEntity & { depth: number })[];
  edges: GraphEdge[];
}

export const MCP_SERVERS = ["github", "jira", "slack", "sentry", "agent-bot"] as const;
export type McpServerName = (typeof MCP_SERVERS)[number];
export type McpAccess = "read" | "write";

export interface McpToken {
  id: string;
  name: string;
  servers: McpServerName[];
  access: McpAccess;
  rateLimitPerSecond: number | null;
  taskId: string | null;
  createdAt: number;
  expiresAt: number;
  revokedAt: number | null;
}

export interface IssueMcpTokenInput {
  name: string;
  servers: McpServerName[];
  access: McpAccess;
  expiresInSeconds: number;
}
