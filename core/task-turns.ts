// A task is a conversation: its first request and every follow-up a permitted person writes in
// one of its threads are its turns. Each turn runs as a new attempt that resumes the CLI session
// the previous one left (docs/conversations.md).
import type { Subject } from "./agent-event";
import type { Vendor } from "./names";

/** How a turn ended: a final task status, or `refused` when the task's budget was spent before it could start. */
export const TURN_OUTCOMES = ["succeeded", "failed", "cancelled", "timed_out", "refused"] as const;
export type TurnOutcome = (typeof TURN_OUTCOMES)[number];

/** How a turn's run knew what came before: the CLI session resumed, or a fresh one told the earlier turns' summaries. */
export type TurnSession = "resumed" | "fresh";

export interface TaskTurn {
  n: number;
  /** What was asked: the first request's text, then each follow-up's. */
  message: string;
  /** Who wrote it, as the vendor names them. */
  by?: string;
  /** Where it came from: a vendor thread, or the API for a task created by hand. */
  vendor: Vendor | "api";
  /** The thread it came in, as the tracking message names it: `GitHub acme/shop#7`, `Slack thread`. */
  via: string;
  /** The delivery the thread belongs to: the task's own, or that of the event that joined it. */
  threadOf: string;
  /** The delivery that carried the message: a redelivery adds no turn. */
  deliveryId: string;
  receivedAt: number;
  /** Set when no permitted person wrote the message (its source); the prompt fences it. */
  untrusted?: string;
  /** The attempt that runs (or ran) the turn; absent while it waits for the turn before it. */
  attempt?: number;
  session?: TurnSession;
  outcome?: TurnOutcome;
  reason?: string;
  summary?: string;
  /** The CLI session the turn's run used; the next turn resumes it. */
  sessionId?: string;
}

export interface TaskConversation {
  turns: TaskTurn[];
  /** The latest saved CLI session: its R2 key in the PAYLOADS bucket, and its id. */
  session?: { key: string; sessionId: string; attempt: number } | null;
  /** The task's branch once a turn pushed it: later turns check it out and push onto it. */
  branch?: string;
  /** The task's pull request, opened once; later turns push to its branch. */
  pullRequestUrl?: string;
}

/** A follow-up the Worker hands to the task whose thread it came in. */
export interface TurnRequest {
  deliveryId: string;
  vendor: Vendor;
  eventType: string;
  subject: Subject;
  subjectText?: string;
  message: string;
  by?: string;
  untrusted?: string;
}
