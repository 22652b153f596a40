// How a task reports back in the thread it came from (GitHub issue/PR, Slack
// thread, Jira ticket, Sentry issue). One reporter per vendor, one interface.
import type { TaskSpec, TaskStatus, ThreadRef } from "../../core/task-types";
import type { Config } from "../config";

export type StepState = "done" | "active" | "pending" | "failed";

export interface ThreadProgress {
  taskId: string;
  title: string;
  status: TaskStatus;
  /** The task's page in the dashboard (live log). */
  dashboardUrl: string;
  steps: { label: string; state: StepState }[];
  /** Whether the task may push: read-only until approved, or who approved it. */
  notice?: string;
  /** The task's other threads: the events from other vendors that joined it, or the one it started from. */
  alsoIn?: { label: string; url?: string }[];
  /** The conversation's turns, once there is more than one (core/task-turns.ts). */
  turns?: TurnLine[];
  outcome?: {
    summary: string;
    pullRequestUrl?: string;
    reason?: string;
    costUsd?: number;
    durationMs?: number;
    inputTokens?: number;
    outputTokens?: number;
  };
}

/** One turn as a tracking message shows it. */
export interface TurnLine {
  n: number;
  by?: string;
  via: string;
  message: string;
  /** `queued`: waits for the turn before it. */
  state: TaskStatus | "refused" | "queued";
  /** `fresh`: its session could not be resumed, so it started anew with the earlier turns' summaries. */
  session?: "resumed" | "fresh";
  reason?: string;
}

export interface ThreadReporter {
  /** Creates the tracking message in the task's thread. */
  post(spec: TaskSpec, progress: ThreadProgress): Promise<ThreadRef>;
  /** Edits the tracking message in place (or appends where the vendor cannot edit). */
  update(spec: TaskSpec, ref: ThreadRef, progress: ThreadProgress): Promise<void>;
}

/** A vendor's reporter as its integration declares it: the settings it needs, and how to make one. */
export interface ReporterEntry {
  settings: readonly (keyof Config)[];
  create: (config: Config) => ThreadReporter;
}

/** A vendor API call that failed; `retryable` for 5xx, network errors and rate limits. */
export class VendorApiError extends Error {
  constructor(
    readonly vendor: string,
    readonly status: number,
    message: string,
    readonly retryable: boolean,
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = "VendorApiError";
  }
}
