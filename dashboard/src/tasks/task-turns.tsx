// The task's conversation: each turn's message, who wrote it in which thread, and how it went.
// Shown once a follow-up made the task more than one turn (docs/conversations.md).
import type { TaskConversation, TaskTurn } from "../../../core/task-turns";
import { StatusBadge } from "../components/status-badge";
import { formatTime } from "../lib/format";

function turnState(turn: TaskTurn, running: boolean): string {
  if (turn.outcome === "refused") return "refused";
  if (turn.outcome) return "";
  return turn.attempt === undefined ? "queued" : running ? "running" : "";
}

export function TaskTurns({ conversation, status }: { conversation?: TaskConversation; status: string | null }) {
  const turns = conversation?.turns ?? [];
  if (turns.length < 2) return null;
  const running = status === "queued" || status === "preparing" || status === "running";
  return (
    <section className="card" aria-labelledby="task-turns">
      <h2 id="task-turns">Conversation</h2>
      <ol className="turns">
        {turns.map((turn) => {
          const state = turnState(turn, running);
          return (
            <li key={turn.n} aria-label={`Turn ${turn.n}`}>
              <p>
                <strong>Turn {turn.n}</strong> · {turn.by ?? "someone"} in {turn.via} · {formatTime(turn.receivedAt)}
                {turn.attempt !== undefined && <span className="muted small"> · attempt {turn.attempt}</span>}{" "}
                {turn.outcome && turn.outcome !== "refused" ? <StatusBadge value={turn.outcome} /> : state && <span>{state}</span>}
                {turn.session === "fresh" && <span className="muted small"> · fresh session (the earlier one could not be resumed)</span>}
              </p>
              <p className="pre">{turn.message}</p>
              {turn.summary && <p className="pre muted">{turn.summary}</p>}
              {turn.outcome === "refused" && turn.reason && <p className="muted">{turn.reason}</p>}
            </li>
          );
        })}
      </ol>
    </section>
  );
}
