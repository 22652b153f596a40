// Concurrency control: one TaskScheduler (named "global") holds the running
// slots and the waiting line in its SQLite. A task that does not fit waits in
// arrival order and is granted its slot when one frees; none is dropped. A task
// whose repository is at its own cap does not hold up tasks of other repositories.
// No slot leaks: a grant the task cannot receive goes back in line and is retried by the
// alarm, and the alarm frees slots of tasks that ended or never made it to D1.
import { DurableObject } from "cloudflare:workers";
import { getAgentByName } from "agents";
import { FINAL_STATUSES } from "../core/task-types";
import { errorMessage } from "../core/error-message";
import { getConfig } from "../workers/config";

/** How often the alarm reclaims slots and retries grants while any slot is held. */
export const RECLAIM_INTERVAL_MS = 5 * 60_000;
/** A slot whose task has no D1 row yet is young, not dead: the row is written after the task starts. */
const MISSING_ROW_GRACE_MS = 10 * 60_000;

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
    this.ctx.waitUntil(this.ensureAlarm());
    if (this.fits(repository)) {
      this.ctx.storage.sql.exec(`INSERT INTO slots VALUES (?, ?, 'running', ?)`, taskId, repository, Date.now());
      return { granted: true };
    }
    this.ctx.storage.sql.exec(`INSERT INTO slots VALUES (?, ?, 'waiting', ?)`, taskId, repository, Date.now());
    return { granted: false, position: this.position(taskId) };
  }

  private async ensureAlarm(): Promise<void> {
    if ((await this.ctx.storage.getAlarm()) === null) await this.ctx.storage.setAlarm(Date.now() + RECLAIM_INTERVAL_MS);
  }

  /** Frees the task's slot (or leaves the line) and grants slots to the next tasks that fit. */
  async release(taskId: string): Promise<string[]> {
    this.ctx.storage.sql.exec(`DELETE FROM slots WHERE task_id = ?`, taskId);
    return this.grantWaiting();
  }

  /**
   * Grants slots to waiting tasks that fit, in line order. A task that cannot be told goes back
   * to its place in line, so its slot goes to the next one; the alarm tries it again.
   */
  private async grantWaiting(): Promise<string[]> {
    const granted: string[] = [];
    const unreachable = new Set<string>();
    for (;;) {
      const next = this.rows(`SELECT * FROM slots WHERE state = 'waiting' ORDER BY enqueued_at, task_id`).find(
        (row) => !unreachable.has(row.task_id) && this.fits(row.repository),
      );
      if (!next) break;
      this.ctx.storage.sql.exec(`UPDATE slots SET state = 'running' WHERE task_id = ?`, next.task_id);
      try {
        await this.notifyGranted(next.task_id);
        granted.push(next.task_id);
      } catch (error) {
        this.ctx.storage.sql.exec(`UPDATE slots SET state = 'waiting' WHERE task_id = ?`, next.task_id);
        unreachable.add(next.task_id);
        console.error(JSON.stringify({ level: "error", kind: "slot_grant_failed", taskId: next.task_id, error: errorMessage(error) }));
      }
    }
    if (unreachable.size > 0) await this.ensureAlarm();
    return granted;
  }

  /** Tells a task its slot is free (a method of its own, so tests can make it fail). */
  protected async notifyGranted(taskId: string): Promise<void> {
    const agent = await getAgentByName(this.env.TASK_AGENT, taskId);
    await agent.slotGranted();
  }

  /** Frees slots whose task ended, or has had no D1 row for MISSING_ROW_GRACE_MS; returns their ids. */
  async reclaim(now = Date.now()): Promise<string[]> {
    const slots = this.rows(`SELECT * FROM slots`);
    if (slots.length === 0) return [];
    const ids = slots.map((slot) => slot.task_id);
    const { results } = await this.env.DB.prepare(`SELECT id, status FROM tasks WHERE id IN (${ids.map(() => "?").join(", ")})`)
      .bind(...ids)
      .all<{ id: string; status: string }>();
    const status = new Map(results.map((row) => [row.id, row.status]));
    const dead = slots
      .filter((slot) => {
        const known = status.get(slot.task_id);
        return known ? (FINAL_STATUSES as readonly string[]).includes(known) : now - slot.enqueued_at > MISSING_ROW_GRACE_MS;
      })
      .map((slot) => slot.task_id);
    for (const id of dead) this.ctx.storage.sql.exec(`DELETE FROM slots WHERE task_id = ?`, id);
    return dead;
  }

  /** Reclaims dead slots and retries grants while any slot is held. */
  override async alarm(): Promise<void> {
    const reclaimed = await this.reclaim();
    if (reclaimed.length > 0) console.warn(JSON.stringify({ level: "warn", kind: "slots_reclaimed", taskIds: reclaimed }));
    await this.grantWaiting();
    if (this.rows(`SELECT task_id FROM slots LIMIT 1`).length > 0) await this.ctx.storage.setAlarm(Date.now() + RECLAIM_INTERVAL_MS);
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
