// The daily budget's ledger (the `spend` table). Every task counts against the cap of its scope:
// its repository, else its Jira project, Slack channel or Sentry project. Spend counts on the day
// it happens, not the day the task was created, and a running attempt counts with the budget it
// may still spend until it reports what it did spend.
import { and, eq, gte, ne, or, sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import type { Subject } from "../../core/agent-event";
import type { TaskOrigin } from "../../core/task-types";
import { spend } from "./schema";

const DAY_MS = 86_400_000;

/** The scope whose daily cap a task counts against. */
export function budgetScopeOf(vendor: TaskOrigin, subject: Subject): string {
  if (subject.repository) return subject.repository;
  if (subject.projectKey) return `jira:${subject.projectKey}`;
  if (subject.channelId) return `slack:${subject.teamId ?? ""}/${subject.channelId}`;
  if (subject.sentryProject) return `sentry:${subject.sentryProject}`;
  return vendor;
}

/**
 * Writes the attempt's line: `reserved` holds what a starting attempt may spend, `spent`
 * replaces it with what it did spend, dated the day it ended.
 */
export async function recordSpend(
  db: D1Database,
  kind: "reserved" | "spent",
  entry: { taskId: string; attempt: number; scope: string; amountUsd: number },
  now = Date.now(),
): Promise<void> {
  await drizzle(db)
    .insert(spend)
    .values({ ...entry, kind, at: now })
    .onConflictDoUpdate({ target: [spend.taskId, spend.attempt], set: { kind, amountUsd: entry.amountUsd, at: now } });
}

/** What the scope spent today, running attempts' reservations included (but `exceptTask`'s own). */
export async function spentToday(db: D1Database, scope: string, exceptTask?: string, now = Date.now()): Promise<number> {
  const startOfDay = now - (now % DAY_MS);
  const [row] = await drizzle(db)
    .select({ total: sql<number>`COALESCE(SUM(${spend.amountUsd}), 0)` })
    .from(spend)
    // A reservation counts whichever day it was made: its attempt is still running.
    .where(
      and(
        eq(spend.scope, scope),
        or(gte(spend.at, startOfDay), eq(spend.kind, "reserved")),
        exceptTask ? ne(spend.taskId, exceptTask) : undefined,
      ),
    );
  return row?.total ?? 0;
}
