// The TaskAgent's conversation steps, kept out of it: what an attempt of a turn runs with (the
// turn's prompt, the saved session to resume, the pushed branch to check out), and saving the
// session an attempt left so the next turn can resume it.
import { errorMessage } from "../../core/error-message";
import type { SessionBundle } from "../../core/runner-protocol";
import type { TaskConversation, TaskTurn } from "../../core/task-turns";
import type { TaskState } from "../../core/task-types";
import type { Runner } from "../runner/runner-client";
import { loadSession, saveSession } from "./session-store";
import type { TaskLog } from "./thread-sync";
import { freshTurnPrompt, resumedTurnPrompt } from "./turn-prompt";
import { conversationOf, startTurn, turnForAttempt } from "./turns";

export interface TurnInputs {
  conversation: TaskConversation;
  turn?: TaskTurn;
  resume?: SessionBundle;
  pushedBranch?: string;
  /** Undefined for the first turn: it runs on the task's own prompt. */
  turnPrompt?: (taskPrompt: string) => string;
}

/** What attempt `attempt` runs: its turn, marked started, with the session to resume when there is one. */
export async function prepareTurn(state: TaskState, attempt: number, bucket: R2Bucket, log: TaskLog): Promise<TurnInputs> {
  const conversation = conversationOf(state);
  const turn = turnForAttempt(conversation);
  if (!turn) return { conversation };
  const saved = conversation.session;
  let resume: SessionBundle | undefined;
  if (saved) {
    const loaded = await loadSession(bucket, saved.key).catch((error) => ({ missing: errorMessage(error) }));
    if ("bundle" in loaded) resume = loaded.bundle;
    else log("warn", `turn ${turn.n} starts a fresh session: ${loaded.missing}`);
  }
  const earlier = conversation.turns.filter((t) => t.n < turn.n);
  const followUp = turn.n > 1;
  if (followUp && !resume && saved === undefined) {
    log("warn", `turn ${turn.n} starts a fresh session: no earlier turn left a saved session`);
  }
  const session = followUp ? (resume ? "resumed" : "fresh") : resume ? "resumed" : undefined;
  const turnPrompt = followUp
    ? (taskPrompt: string) => (resume ? resumedTurnPrompt(turn) : freshTurnPrompt(taskPrompt, earlier, turn))
    : undefined;
  return {
    conversation: startTurn(conversation, turn.n, attempt, session),
    turn,
    ...(resume ? { resume } : {}),
    ...(conversation.branch ? { pushedBranch: conversation.branch } : {}),
    ...(turnPrompt ? { turnPrompt } : {}),
  };
}

/** Saves the session an ended attempt left, if the runner has one; a failure is logged, never fatal. */
export async function keepSession(
  state: TaskState,
  taskId: string,
  attempt: number,
  runner: Runner,
  bucket: R2Bucket,
  log: TaskLog,
): Promise<TaskConversation["session"] | undefined> {
  try {
    const bundle = await runner.session(taskId, attempt);
    if (!bundle) return undefined;
    const key = await saveSession(bucket, taskId, attempt, bundle, state.conversation?.session?.key);
    return { key, sessionId: bundle.sessionId, attempt };
  } catch (error) {
    log("warn", `could not save the CLI session for the next turn: ${errorMessage(error)}`);
    return undefined;
  }
}
