// Types shared by the TaskAgent and the Worker that creates and lists tasks.
import type { Subject, Vendor } from "../workers/events/agent-event";

export const TASK_STATUSES = ["queued", "preparing", "running", "succeeded", "failed", "cancelled", "timed_out"] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];

/** What a task was asked to do, fixed at creation. */
export interface TaskSpec {
  id: string;
  deliveryId: string;
  vendor: Vendor;
  eventType: string;
  action?: string;
  actor?: string;
  subject: Subject;
  subjectText?: string;
  title: string;
  prompt: string;
  links: string[];
  /** Why the trigger rules started this task. */
  reason: string;
  payloadRef: string;
  createdAt: number;
}

export interface TaskTransition {
  status: TaskStatus;
  at: number;
  reason?: string;
}

export interface TaskState {
  spec: TaskSpec | null;
  status: TaskStatus | null;
  transitions: TaskTransition[];
}
