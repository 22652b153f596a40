// The bookkeeping of a task's turns, kept out of the TaskAgent: the first turn, whether a
// follow-up starts now, waits for the running turn or is refused, which turn an attempt runs,
// and how a turn ends. Pure functions of the state.
import { isFinal, type TaskSpec, type TaskState, type TaskStatus } from "../../core/task-types";
import { TURN_OUTCOMES, type TaskConversation, type TaskTurn, type TurnRequest, type TurnSession } from "../../core/task-turns";
import { threadLabel } from "./thread-progress";

/** The task's first request as turn 1. */
export function firstTurn(spec: TaskSpec): TaskTurn {
  return {
    n: 1,
    message: spec.prompt || spec.title,
    by: spec.actor,
    vendor: spec.vendor,
    via: threadLabel(spec.vendor, spec.subjectText),
    threadOf: spec.deliveryId,
    deliveryId: spec.deliveryId,
    receivedAt: spec.createdAt,
    ...(spec.untrusted?.request ? { untrusted: spec.untrusted.request } : {}),
  };
}

/** The conversation of a task, with turn 1 for a task created before turns were recorded. */
export function conversationOf(state: TaskState): TaskConversation {
  if (state.conversation) return state.conversation;
  return { turns: state.spec ? [{ ...firstTurn(state.spec), attempt: 1 }] : [] };
}

/** Which of the task's threads a follow-up came in: a joined one with its subject, else the task's own. */
function threadOf(state: TaskState, request: TurnRequest): { threadOf: string; via: string } {
  const joined = state.joined?.find((j) => j.vendor === request.vendor && j.subjectText === request.subjectText);
  if (joined) return { threadOf: joined.deliveryId, via: threadLabel(joined.vendor, joined.subjectText) };
  const spec = state.spec;
  return { threadOf: spec?.deliveryId ?? "", via: threadLabel(request.vendor, request.subjectText ?? spec?.subjectText) };
}

export type TurnDecision =
  /** The task is idle: the turn starts now. */
  | { kind: "start"; turn: TaskTurn; conversation: TaskConversation }
  /** A turn is running or waiting: this one runs after it. */
  | { kind: "queued"; turn: TaskTurn; conversation: TaskConversation; ahead: number }
  /** The budget is spent: the turn is recorded as refused. */
  | { kind: "refused"; turn: TaskTurn; conversation: TaskConversation }
  /** The delivery is already a turn (a redelivered webhook). */
  | { kind: "duplicate"; turn: TaskTurn }
  | { kind: "no_task" };

export function acceptTurn(state: TaskState, request: TurnRequest, budgetUsd: number, now = Date.now()): TurnDecision {
  if (!state.spec) return { kind: "no_task" };
  const conversation = conversationOf(state);
  const existing = conversation.turns.find((t) => t.deliveryId === request.deliveryId);
  if (existing) return { kind: "duplicate", turn: existing };
  const turn: TaskTurn = {
    n: conversation.turns.length + 1,
    message: request.message,
    by: request.by,
    vendor: request.vendor,
    ...threadOf(state, request),
    deliveryId: request.deliveryId,
    receivedAt: now,
    ...(request.untrusted ? { untrusted: request.untrusted } : {}),
  };
  const waiting = pendingTurns(conversation).length;
  if (!isFinal(state.status) || waiting > 0) {
    return { kind: "queued", turn, conversation: withTurn(conversation, turn), ahead: waiting + (isFinal(state.status) ? 0 : 1) };
  }
  const refusal = budgetRefusal(state, budgetUsd);
  if (refusal) {
    const refused = { ...turn, outcome: "refused" as const, reason: refusal };
    return { kind: "refused", turn: refused, conversation: withTurn(conversation, refused) };
  }
  return { kind: "start", turn, conversation: withTurn(conversation, turn) };
}

const withTurn = (conversation: TaskConversation, turn: TaskTurn): TaskConversation => ({
  ...conversation,
  turns: [...conversation.turns, turn],
});

/** Why no further turn may run: the per-task budget covers the whole conversation. */
export function budgetRefusal(state: TaskState, budgetUsd: number): string | undefined {
  return state.costUsd >= budgetUsd ? `the task has spent $${state.costUsd.toFixed(2)} of its $${budgetUsd.toFixed(2)} budget` : undefined;
}

export const followUpFrom = (turn: TaskTurn) => `follow-up from ${turn.by ?? "someone"} in ${turn.via}`;

/** What the task's log and the delivery's ledger reason say about a follow-up. */
export function turnMessage(decision: Extract<TurnDecision, { kind: "start" | "queued" | "refused" }>): string {
  const { turn } = decision;
  if (decision.kind === "start") return `turn ${turn.n} starts: ${followUpFrom(turn)}`;
  if (decision.kind === "refused") return `turn ${turn.n} refused: ${turn.reason}`;
  return `turn ${turn.n} queued behind ${decision.ahead} turn${decision.ahead === 1 ? "" : "s"}: ${followUpFrom(turn)}`;
}

/** Every waiting turn refused at once: none of them can run. */
export function refuseWaiting(conversation: TaskConversation, reason: string): TaskConversation {
  let refused = conversation;
  for (const _ of pendingTurns(conversation)) refused = endTurn(refused, { attempt: undefined, outcome: "refused", reason });
  return refused;
}

/** Turns that wait for a run, oldest first. */
export function pendingTurns(conversation: TaskConversation): TaskTurn[] {
  return conversation.turns.filter((t) => t.attempt === undefined && t.outcome === undefined);
}

/**
 * The turn an attempt runs: the oldest waiting one, else the latest (a retry or an approval runs
 * the same turn again).
 */
export function turnForAttempt(conversation: TaskConversation): TaskTurn | undefined {
  return pendingTurns(conversation)[0] ?? conversation.turns.at(-1);
}

export function startTurn(conversation: TaskConversation, n: number, attempt: number, session: TurnSession | undefined): TaskConversation {
  return {
    ...conversation,
    turns: conversation.turns.map((t) =>
      t.n === n ? { ...t, attempt, outcome: undefined, reason: undefined, summary: undefined, ...(session ? { session } : {}) } : t,
    ),
  };
}

export interface TurnEnd {
  /** The attempt that ended, or undefined when the task ended while its next turn waited for a slot. */
  attempt: number | undefined;
  outcome: TaskStatus | "refused";
  reason?: string;
  summary?: string;
  sessionId?: string;
}

/** The turn the ended attempt ran (or the waiting turn the task ended before) with its outcome. */
export function endTurn(conversation: TaskConversation, end: TurnEnd): TaskConversation {
  const target =
    end.attempt === undefined ? pendingTurns(conversation)[0] : [...conversation.turns].reverse().find((t) => t.attempt === end.attempt);
  // Only a final status ends a turn.
  const outcome = TURN_OUTCOMES.find((o) => o === end.outcome);
  if (!target || !outcome) return conversation;
  return {
    ...conversation,
    turns: conversation.turns.map((t) =>
      t.n === target.n
        ? {
            ...t,
            outcome,
            ...(end.reason ? { reason: end.reason } : {}),
            ...(end.summary ? { summary: end.summary } : {}),
            ...(end.sessionId ? { sessionId: end.sessionId } : {}),
          }
        : t,
    ),
  };
}
