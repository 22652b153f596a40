// The prompt of a follow-up turn. A resumed session already holds the conversation, so it gets
// the new message only; a fresh session (no saved session, or one that could not be restored)
// gets the task's full prompt plus the earlier turns' summaries, then the new message.
import type { TaskTurn } from "../../core/task-turns";
import { fence } from "./fence";

/** Each earlier turn's line stays short: the branch and the thread hold the rest. */
const MAX_TURN_CHARS = 600;

const clip = (text: string) => {
  const line = text.replace(/\s+/g, " ").trim();
  return line.length > MAX_TURN_CHARS ? `${line.slice(0, MAX_TURN_CHARS - 1)}…` : line;
};

function newMessage(turn: TaskTurn): string[] {
  const who = `${turn.by ?? "someone"} in the ${turn.via} thread`;
  return [
    `Follow-up (turn ${turn.n} of this task's conversation) from ${who}:`,
    turn.untrusted ? fence(turn.untrusted, turn.message) : turn.message,
    "",
    "Work in the current directory, on the same branch as before. Finish with a short summary for the thread.",
  ];
}

/** The prompt for a turn that resumes the previous turn's CLI session. */
export function resumedTurnPrompt(turn: TaskTurn): string {
  return newMessage(turn).join("\n");
}

/** The task's own prompt, the earlier turns' summaries, then the new message: what a fresh session needs. */
export function freshTurnPrompt(basePrompt: string, earlier: TaskTurn[], turn: TaskTurn): string {
  const lines = earlier.map((t) => {
    const outcome = t.outcome ? ` [${t.outcome}]` : "";
    const summary = t.summary ? ` → ${clip(t.summary)}` : "";
    return `- Turn ${t.n}, ${t.by ?? "someone"} (${t.via}): ${clip(t.untrusted ? `(from ${t.untrusted})` : t.message)}${outcome}${summary}`;
  });
  return [
    basePrompt,
    "",
    "This task is a conversation. Its earlier turns ran in a session that could not be resumed; their summaries:",
    ...lines,
    "",
    ...newMessage(turn),
  ].join("\n");
}
