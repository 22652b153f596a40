// The D1 `dead_letters` table: messages that exhausted their retries, kept whole
// (the AgentEvent body, raw payload included when it travelled inline), so they
// can be listed and replayed onto the events queue once.
import { and, desc, eq, isNull } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import type { DeadLetter } from "../../core/api-types";
import { olderThan, type Cursor } from "./pagination";
import { deadLetters } from "./schema";

export type DeadLetterRow = typeof deadLetters.$inferSelect;

export async function listDeadLetters(db: D1Database, query: { cursor?: Cursor; limit: number }): Promise<DeadLetter[]> {
  return drizzle(db)
    .select()
    .from(deadLetters)
    .where(olderThan(query.cursor, deadLetters.receivedAt, deadLetters.id))
    .orderBy(desc(deadLetters.receivedAt), desc(deadLetters.id))
    .limit(query.limit + 1);
}

export async function getDeadLetter(db: D1Database, id: string): Promise<DeadLetterRow | undefined> {
  const [row] = await drizzle(db).select().from(deadLetters).where(eq(deadLetters.id, id));
  return row;
}

/**
 * Marks the dead letter replayed unless it already is. The conditional update is the
 * lock: of two concurrent replays exactly one gets the row back.
 */
export async function claimReplay(db: D1Database, id: string, at: number): Promise<boolean> {
  const rows = await drizzle(db)
    .update(deadLetters)
    .set({ replayedAt: at })
    .where(and(eq(deadLetters.id, id), isNull(deadLetters.replayedAt)))
    .returning({ id: deadLetters.id });
  return rows.length > 0;
}

/** Undoes a claim whose message never reached the queue, so the replay can be tried again. */
export async function releaseReplay(db: D1Database, id: string, at: number): Promise<void> {
  await drizzle(db)
    .update(deadLetters)
    .set({ replayedAt: null })
    .where(and(eq(deadLetters.id, id), eq(deadLetters.replayedAt, at)));
}
