// The D1 `tasks` table: a listing copy of each TaskAgent's spec and status.
import { and, desc, eq, or, sql, type SQL } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import type { TaskRow } from "../../core/api-types";
import type { TaskOrigin, TaskSpec, TaskStatus } from "../../core/task-types";
import { olderThan, type Cursor } from "./pagination";
import { tasks } from "./schema";

/** Inserts the row once; returns false when it already existed (a replayed delivery). */
export async function insertTaskRow(db: D1Database, spec: TaskSpec, status: TaskStatus): Promise<boolean> {
  const result = await drizzle(db)
    .insert(tasks)
    .values({
      id: spec.id,
      deliveryId: spec.deliveryId,
      vendor: spec.vendor,
      eventType: spec.eventType,
      status,
      actor: spec.actor,
      subject: spec.subjectText,
      repository: spec.subject.repository,
      title: spec.title,
      url: spec.links[0],
      cli: spec.cli,
      createdAt: spec.createdAt,
      updatedAt: spec.createdAt,
    })
    .onConflictDoNothing();
  return result.meta.changes > 0;
}

export type TaskRowUpdate = Partial<
  Pick<
    typeof tasks.$inferInsert,
    | "status"
    | "cli"
    | "attempt"
    | "reason"
    | "pullRequestUrl"
    | "costUsd"
    | "inputTokens"
    | "outputTokens"
    | "durationMs"
    | "startedAt"
    | "finishedAt"
  >
>;

export async function updateTaskRow(db: D1Database, id: string, update: TaskRowUpdate): Promise<void> {
  await drizzle(db)
    .update(tasks)
    .set({ ...update, updatedAt: Date.now() })
    .where(eq(tasks.id, id));
}

/** USD spent today (UTC) by the tasks of one repository. */
export interface TaskQuery {
  vendor?: TaskOrigin;
  status?: TaskStatus;
  /** Exact `owner/name`. */
  repository?: string;
  /** Text found in the title, subject or id, ignoring (ASCII) case. */
  q?: string;
  cursor?: Cursor;
  limit: number;
}

/** instr() over lower() on both sides: a substring match with no LIKE wildcards to escape. */
function containsText(text: string): SQL {
  const needle = sql`lower(${text})`;
  return or(
    sql`instr(lower(${tasks.title}), ${needle}) > 0`,
    sql`instr(lower(coalesce(${tasks.subject}, '')), ${needle}) > 0`,
    sql`instr(lower(${tasks.id}), ${needle}) > 0`,
  )!;
}

export async function listTasks(db: D1Database, query: TaskQuery): Promise<TaskRow[]> {
  return drizzle(db)
    .select()
    .from(tasks)
    .where(
      and(
        query.vendor ? eq(tasks.vendor, query.vendor) : undefined,
        query.status ? eq(tasks.status, query.status) : undefined,
        query.repository ? eq(tasks.repository, query.repository) : undefined,
        query.q ? containsText(query.q) : undefined,
        olderThan(query.cursor, tasks.createdAt, tasks.id),
      ),
    )
    .orderBy(desc(tasks.createdAt), desc(tasks.id))
    .limit(query.limit + 1);
}

export async function getTaskRow(db: D1Database, id: string): Promise<TaskRow | undefined> {
  const [row] = await drizzle(db).select().from(tasks).where(eq(tasks.id, id));
  return row;
}
