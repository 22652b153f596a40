// Types shared by the TaskAgent, the Worker that creates and lists tasks, and the dashboard.
import type { PullRequestRef, Subject } from "./agent-event";
import type { RelatedEntity } from "./graph-types";
import type { CliName, Vendor } from "./names";
import type { TaskConversation } from "./task-turns";

export const TASK_STATUSES = ["queued", "preparing", "running", "succeeded", "failed", "cancelled", "timed_out"] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];
export const FINAL_STATUSES: readonly TaskStatus[] = ["succeeded", "failed", "cancelled", "timed_out"];
export const isFinal = (status: TaskStatus | null): boolean => status !== null && FINAL_STATUSES.includes(status);
/** Statuses a task can be retried from (TaskAgent.retryTask). */
export const RETRYABLE_STATUSES: readonly TaskStatus[] = ["failed", "cancelled", "timed_out"];

/** Where a task came from: a vendor thread, or the API (a task created by hand). */
export type TaskOrigin = Vendor | "api";

/** What a thread reporter needs to find its message again: comment id, message ts… */
export interface ThreadRef {
  id: string;
  url?: string;
}

/** What a task was asked to do, fixed at creation. */
export interface TaskSpec {
  id: string;
  deliveryId: string;
  vendor: TaskOrigin;
  eventType: string;
  action?: string;
  actor?: string;
  subject: Subject;
  subjectText?: string;
  title: string;
  prompt: string;
  links: string[];
  /** Why the trigger rules (or the API caller) started this task. */
  reason: string;
  payloadRef: string;
  /** CLI to run; the configured default when absent. */
  cli?: CliName;
  /** Model the request chose (an allowed one); DEFAULT_MODEL of the CLI when absent. */
  model?: string;
  /** Why the request's choice of CLI or model is refused: the task ends with it and never runs. */
  refusal?: string;
  /** Files attached to the triggering message, fetched by the platform and kept in R2. */
  attachments?: TaskAttachment[];
  /** Attached files that were not fetched, each with why (too big, wrong type, foreign host). */
  skippedAttachments?: string[];
  /** Skills asked for by name. */
  skills?: string[];
  /** What the knowledge graph knew around the subject when the task was created; rendered into the prompt. */
  related?: RelatedEntity[];
  /** Parts no permitted person wrote, each naming its source; the prompt fences them. */
  untrusted?: UntrustedParts;
  /** No permitted person asked for the task (REQUIRE_APPROVAL): it runs read-only until one approves it. */
  readOnly?: boolean;
  /** The GitHub pull request the task is on: it works on that PR's head branch (durable-objects/task/pull-request-head.ts). */
  pullRequest?: TaskPullRequest;
  /** `review`: a read-only run whose result is posted as one pull-request review (durable-objects/task/review.ts). */
  mode?: TaskMode;
  createdAt: number;
}

/** An attachment as the task keeps it: `attachments/<taskId>/<name>` in PAYLOADS. */
export interface TaskAttachment {
  /** File name in the run's attachments folder, with the extension of its real type. */
  name: string;
  key: string;
  /** The type its bytes show (`image/png`, `application/pdf`, `text/plain`). */
  contentType: string;
  size: number;
  /** Where it was fetched from (no query string: signed URLs stay out of the prompt). */
  source: string;
}

export type TaskMode = "review";
export type TaskPullRequest = Omit<PullRequestRef, "reviewState">;

/** A pull request's head as read before an attempt: where the attempt checks out and whether it may push there. */
export interface PullRequestHead {
  number: number;
  url?: string;
  headRef: string;
  /** `owner/name` of the head's repository; another than the task's for a fork (null: the fork was deleted). */
  headRepository: string | null;
  fork: boolean;
}

/** Where a part of an event came from, when no permitted person wrote it: `GitHub issue by @mallory (NONE)`. */
export interface UntrustedParts {
  /** The subject's title and description (and the thread context read from them). */
  subject?: string;
  /** The event's own text, which would otherwise be the request. */
  request?: string;
}

/** A permitted person's approval of a read-only task. */
export interface TaskApproval {
  /** Who approved, as the vendor names them. */
  by: string;
  /** `GitHub comment`, `Sentry comment`, `label agent-bot:approve`… */
  via: string;
  deliveryId: string;
}

/** A later event, from any vendor, about the same problem as an open task: it joins the task instead of starting another. */
export interface TaskJoin {
  deliveryId: string;
  vendor: Vendor;
  eventType: string;
  subject: Subject;
  subjectText?: string;
  title: string;
  links: string[];
  /** How it is linked to the task's subject. */
  reason: string;
}

export interface JoinedThread extends TaskJoin {
  joinedAt: number;
  /** The tracking message in the joining event's thread, once posted. */
  thread: ThreadRef | null;
}

export interface TaskTransition {
  status: TaskStatus;
  at: number;
  reason?: string;
}

export interface TaskChange {
  branch: string;
  commitSha: string;
  filesChanged: number;
  insertions: number;
  deletions: number;
  files: string[];
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
  /** Set while the task waits for a running slot. */
  waiting: { position: number; since: number } | null;
  skills: string[];
  costUsd: number;
  result: TaskResult | null;
  thread: ThreadRef | null;
  /** Events from other threads that joined this task; each thread is told of progress too. */
  joined?: JoinedThread[];
  /** The task-scoped MCP token of the current attempt (its id; the secret is never stored). */
  mcpTokenId?: string | null;
  /** Set once a permitted person approves a read-only task; its attempts from then on may push. */
  approval?: (TaskApproval & { at: number }) | null;
  /** The pull request's head the last attempt worked on, for a task on a pull request. */
  pullRequest?: PullRequestHead | null;
  /** The task's turns (core/task-turns.ts), its saved CLI session, branch and pull request. */
  conversation?: TaskConversation;
}

/** Whether the task's next attempt runs read-only: it asked for approval and has none yet. */
export const isReadOnly = (state: Pick<TaskState, "spec" | "approval">): boolean => Boolean(state.spec?.readOnly) && !state.approval;

/** One line of a task's log: a runner event or the TaskAgent's own note. */
export interface TaskLogEntry {
  seq: number;
  at: number;
  attempt: number;
  /** A runner event type (`assistant_text`, `tool_call`, `result`…) or `note` for the agent's own lines. */
  type: string;
  level: "info" | "warn" | "error";
  message: string;
  /** The runner event as received, as JSON text (a RunnerEvent); null for the agent's own notes. */
  data: string | null;
}
