// One TaskAgent per task (agents SDK Agent on a SQLite-backed Durable Object).
// Its state — spec, status, transitions — is what the dashboard will show; its
// own SQLite holds the task's log. The id is derived from the delivery, so a
// redelivered webhook reaches the same object and creates nothing new.
import { Agent } from "agents";
import type { TaskSpec, TaskState } from "./task-types";

export interface CreateResult {
  created: boolean;
  state: TaskState;
}

export interface TaskLogEntry {
  seq: number;
  at: number;
  level: string;
  message: string;
}

export class TaskAgent extends Agent<Env, TaskState> {
  override initialState: TaskState = { spec: null, status: null, transitions: [] };

  override async onStart(): Promise<void> {
    this.sql`CREATE TABLE IF NOT EXISTS task_log (
      seq INTEGER PRIMARY KEY AUTOINCREMENT,
      at INTEGER NOT NULL,
      level TEXT NOT NULL,
      message TEXT NOT NULL
    )`;
  }

  /** Creates the task once; later calls return the existing state untouched. */
  async createTask(spec: TaskSpec): Promise<CreateResult> {
    if (this.state.spec) return { created: false, state: this.state };
    const at = Date.now();
    // The agent's name is the task id; the spec cannot claim another.
    this.setState({ spec: { ...spec, id: this.name }, status: "queued", transitions: [{ status: "queued", at, reason: spec.reason }] });
    this.appendLog("info", `task created from ${spec.vendor} ${spec.eventType} delivery ${spec.deliveryId}: ${spec.reason}`, at);
    return { created: true, state: this.state };
  }

  getTask(): TaskState {
    return this.state;
  }

  getLog(afterSeq = 0, limit = 500): TaskLogEntry[] {
    return this.sql<TaskLogEntry>`SELECT seq, at, level, message FROM task_log WHERE seq > ${afterSeq} ORDER BY seq LIMIT ${limit}`;
  }

  private appendLog(level: "info" | "warn" | "error", message: string, at = Date.now()): void {
    this.sql`INSERT INTO task_log (at, level, message) VALUES (${at}, ${level}, ${message})`;
  }
}
