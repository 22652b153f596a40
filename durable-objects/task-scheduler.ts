// Concurrency control: one TaskScheduler (named "global") holds the running
// slots and the waiting line in its SQLite. A task that does not fit waits in
// arrival order and is granted its slot when one frees; none is dropped. A task
// whose repository is at its own cap does not hold up tasks of other repositories.
import { DurableObject } from "cloudflare:workers";
import { getAgentByName } from "agents";
import { getConfig } from "../workers/config";

export interface SlotGrant {
  granted: boolean;
  /** 1-based place in the waiting line when not granted. */
  position?: number;
}

export interface SchedulerStats {
  running: number;
  waiting: number;
  limit: number;
  perRepositoryLimit: number;
}

type SlotRow = { task_id: string; repository: string; state: "running" | "waiting"; enqueued_at: number };

export class TaskScheduler extends DurableObject<Env> {
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    ctx.storage.sql.exec(`CREATE TABLE IF NOT EXISTS slots (
      task_id TEXT PRIMARY KEY,
      repository TEXT NOT NULL,
      state TEXT NOT NULL,
      enqueued_at INTEGER NOT NULL
    )`);
  }

  private get limits() {
    const config = getConfig(this.env);
    return { total: config.MAX_RUNNING_TASKS, perRepository: config.MAX_RUNNING_TASKS_PER_REPO };
  }

  private rows(query: string, ...params: unknown[]): SlotRow[] {
    return this.ctx.storage.sql.exec<SlotRow>(query, ...params).toArray();
  }

  private fits(repository: string): boolean {
    const [{ total, repo }] = this.ctx.storage.sql
      .exec<{ total: number; repo: number }>(
        `SELECT COUNT(*) AS total, COALESCE(SUM(repository = ?), 0) AS repo FROM slots WHERE state = 'running'`,
        repository,
      )
      .toArray() as [{ total: number; repo: number }];
    return total < this.limits.total && repo < this.limits.perRepository;
  }

  private position(taskId: string): number {
    const waiting = this.rows(`SELECT task_id FROM slots WHERE state = 'waiting' ORDER BY enqueued_at, task_id`);
    return waiting.findIndex((row) => row.task_id === taskId) + 1;
  }

  /** Grants a slot now, or puts the task in line. Idempotent per task. */
  acquire(taskId: string, repository: string): SlotGrant {
    const [existing] = this.rows(`SELECT * FROM slots WHERE task_id = ?`, taskId);
    if (existing?.state === "running") return { granted: true };
    if (existing) return { granted: false, position: this.position(taskId) };
    // release() grants every waiting task that fits, so no waiting task fits now:
    // a task that fits jumps no one who could run.
    if (this.fits(repository)) {
      this.ctx.storage.sql.exec(`INSERT INTO slots VALUES (?, ?, 'running', ?)`, taskId, repository, Date.now());
      return { granted: true };
    }
    this.ctx.storage.sql.exec(`INSERT INTO slots VALUES (?, ?, 'waiting', ?)`, taskId, repository, Date.now());
    return { granted: false, position: this.position(taskId) };
  }

  /** Frees the task's slot (or leaves the line) and grants slots to the next tasks that fit. */
  async release(taskId: string): Promise<string[]> {
    this.ctx.storage.sql.exec(`DELETE FROM slots WHERE task_id = ?`, taskId);
    const granted: string[] = [];
    for (const row of this.rows(`SELECT * FROM slots WHERE state = 'waiting' ORDER BY enqueued_at, task_id`)) {
      if (!this.fits(row.repository)) continue;
      this.ctx.storage.sql.exec(`UPDATE slots SET state = 'running' WHERE task_id = ?`, row.task_id);
      granted.push(row.task_id);
    }
    // Tell the granted tasks; a task that cannot be reached keeps its slot until it releases it.
    await Promise.all(
      granted.map(async (id) => {
        try {
          const agent = await getAgentByName(this.env.TASK_AGENT, id);
          await agent.slotGranted();
        } catch (error) {
          console.error(JSON.stringify({ level: "error", kind: "slot_grant_failed", taskId: id, error: String(error) }));
        }
      }),
    );
    return granted;
  }

  stats(): SchedulerStats {
    const [{ running, waiting }] = this.ctx.storage.sql
      .exec<{ running: number; waiting: number }>(
        `SELECT COALESCE(SUM(state = 'running'), 0) AS running, COALESCE(SUM(state = 'waiting'), 0) AS waiting FROM slots`,
      )
      .toArray() as [{ running: number; waiting: number }];
    return { running, waiting, limit: this.limits.total, perRepositoryLimit: this.limits.perRepository };
  }
}
