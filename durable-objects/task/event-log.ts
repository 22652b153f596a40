// The task's log in its own SQLite: the runner's events (unique per attempt and
// runner sequence number, so a re-read stream stores nothing twice) and the
// agent's own notes, in one ordered sequence that live readers resume from.
import type { RunnerEvent } from "../../core/runner-protocol";
import type { TaskLogEntry } from "../../core/task-types";

type Row = { seq: number; at: number; attempt: number; type: string; level: string; message: string; data: string | null };

function summarize(event: RunnerEvent): { level: TaskLogEntry["level"]; message: string } {
  switch (event.type) {
    case "phase":
      return { level: "info", message: `${event.phase}${event.detail ? `: ${event.detail}` : ""}` };
    case "skills":
      return { level: "info", message: `skills: ${event.skills.map((s) => s.name).join(", ") || "none"}` };
    case "assistant_text":
      return { level: "info", message: event.text };
    case "tool_call":
      return { level: "info", message: `→ ${event.name}` };
    case "tool_result":
      return { level: event.isError ? "warn" : "info", message: event.output.slice(0, 2000) };
    case "log":
      return { level: event.level, message: event.message };
    case "result":
      return { level: event.outcome === "succeeded" ? "info" : "error", message: `${event.outcome}: ${event.reason ?? event.summary}` };
  }
}

export class EventLog {
  constructor(private readonly sql: SqlStorage) {
    sql.exec(`CREATE TABLE IF NOT EXISTS task_events (
      seq INTEGER PRIMARY KEY AUTOINCREMENT,
      at INTEGER NOT NULL,
      attempt INTEGER NOT NULL,
      runner_seq INTEGER,
      type TEXT NOT NULL,
      level TEXT NOT NULL,
      message TEXT NOT NULL,
      data TEXT,
      UNIQUE (attempt, runner_seq)
    )`);
  }

  appendRunnerEvent(attempt: number, event: RunnerEvent): void {
    const { level, message } = summarize(event);
    this.sql.exec(
      `INSERT OR IGNORE INTO task_events (at, attempt, runner_seq, type, level, message, data) VALUES (?, ?, ?, ?, ?, ?, ?)`,
      event.at,
      attempt,
      event.seq,
      event.type,
      level,
      message,
      JSON.stringify(event),
    );
  }

  appendNote(attempt: number, level: TaskLogEntry["level"], message: string): void {
    this.sql.exec(
      `INSERT INTO task_events (at, attempt, type, level, message) VALUES (?, ?, 'note', ?, ?)`,
      Date.now(),
      attempt,
      level,
      message,
    );
  }

  /** The highest runner sequence number stored for an attempt (0 before its first event); the UNIQUE index answers it. */
  lastRunnerSeq(attempt: number): number {
    const [row] = this.sql
      .exec<{ seq: number }>(`SELECT COALESCE(MAX(runner_seq), 0) AS seq FROM task_events WHERE attempt = ?`, attempt)
      .toArray();
    return row?.seq ?? 0;
  }

  after(seq: number, limit: number): TaskLogEntry[] {
    return this.sql
      .exec<Row>(`SELECT seq, at, attempt, type, level, message, data FROM task_events WHERE seq > ? ORDER BY seq LIMIT ?`, seq, limit)
      .toArray()
      .map(toEntry);
  }

  latest(): TaskLogEntry | undefined {
    const [row] = this.sql
      .exec<Row>(`SELECT seq, at, attempt, type, level, message, data FROM task_events ORDER BY seq DESC LIMIT 1`)
      .toArray();
    return row && toEntry(row);
  }
}

function toEntry(row: Row): TaskLogEntry {
  return { ...row, level: row.level as TaskLogEntry["level"] };
}
