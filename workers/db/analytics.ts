// Analytics over the D1 `tasks` table, computed in SQL: the TaskAgent keeps each
// row's status, cost (USD over all attempts) and duration (its last attempt) in step.
// A task counts on the UTC day it was created; its whole cost counts on that day too.
// Percentiles are nearest-rank over finished tasks, ranked with window functions,
// so no rows leave the database.
import type { Analytics, AnalyticsSummary, DailyVendorRow, DayRange } from "../../core/api-types";

export const DAY_MS = 86_400_000;

export const TOP_REPOSITORIES = 10;

// ?1, ?2: created_at bounds in ms (from inclusive, to exclusive); ?3, ?4: first and last day.
const IN_RANGE = "created_at >= ?1 AND created_at < ?2";
const DAY = "strftime('%Y-%m-%d', created_at / 1000, 'unixepoch')";
/** Sums of REAL costs drift in the last bits (0.1 + 0.2); micro-dollars are plenty. */
const COST = "ROUND(COALESCE(SUM(cost_usd), 0), 6)";

const DAILY = `
SELECT ${DAY} AS day, vendor,
       COUNT(*) AS tasks,
       SUM(status = 'succeeded') AS succeeded,
       SUM(status = 'failed') AS failed,
       ${COST} AS costUsd
FROM tasks WHERE ${IN_RANGE}
GROUP BY day, vendor
ORDER BY day, vendor`;

// Nearest rank: the value at position ceil(p * n) of the sorted durations,
// written (n * P + 99) / 100 in integer arithmetic for P percent.
const SUMMARY = `
WITH ranged AS (
  SELECT status, cost_usd, duration_ms FROM tasks WHERE ${IN_RANGE}
), durations AS (
  SELECT duration_ms, ROW_NUMBER() OVER (ORDER BY duration_ms) AS pos, COUNT(*) OVER () AS n
  FROM ranged
  WHERE duration_ms IS NOT NULL AND status IN ('succeeded', 'failed', 'cancelled', 'timed_out')
)
SELECT COUNT(*) AS tasks,
       COALESCE(SUM(status = 'succeeded'), 0) AS succeeded,
       COALESCE(SUM(status = 'failed'), 0) AS failed,
       COALESCE(SUM(status = 'cancelled'), 0) AS cancelled,
       COALESCE(SUM(status = 'timed_out'), 0) AS timedOut,
       ${COST} AS costUsd,
       (SELECT duration_ms FROM durations WHERE pos = (n * 50 + 99) / 100) AS p50DurationMs,
       (SELECT duration_ms FROM durations WHERE pos = (n * 95 + 99) / 100) AS p95DurationMs
FROM ranged`;

// Every day of the range, zero where nothing was spent, so a chart has no gaps.
const COST_PER_DAY = `
WITH RECURSIVE days(day) AS (
  SELECT ?3 UNION ALL SELECT date(day, '+1 day') FROM days WHERE day < ?4
), spent AS (
  SELECT ${DAY} AS day, ${COST} AS costUsd FROM tasks WHERE ${IN_RANGE} GROUP BY day
)
SELECT days.day AS day, COALESCE(spent.costUsd, 0) AS costUsd
FROM days LEFT JOIN spent ON spent.day = days.day
ORDER BY days.day`;

const TOP = `
SELECT repository, COUNT(*) AS tasks, SUM(status = 'succeeded') AS succeeded,
       CAST(SUM(status = 'succeeded') AS REAL) / NULLIF(SUM(status IN ('succeeded', 'failed', 'timed_out')), 0) AS successRate,
       ${COST} AS costUsd
FROM tasks WHERE ${IN_RANGE} AND repository IS NOT NULL
GROUP BY repository
ORDER BY tasks DESC, costUsd DESC, repository
LIMIT ${TOP_REPOSITORIES}`;

type SummaryRow = Omit<AnalyticsSummary, "successRate">;

export function dayStart(day: string): number {
  return Date.parse(`${day}T00:00:00Z`);
}

/** One D1 round trip (a batch) for the four queries over the same range. */
export async function taskAnalytics(db: D1Database, range: DayRange): Promise<Analytics> {
  const params = [dayStart(range.from), dayStart(range.to) + DAY_MS, range.from, range.to];
  const bind = (query: string, count: number) => db.prepare(query).bind(...params.slice(0, count));
  const [daily, summary, costPerDay, top] = await db.batch<Record<string, unknown>>([
    bind(DAILY, 2),
    bind(SUMMARY, 2),
    bind(COST_PER_DAY, 4),
    bind(TOP, 2),
  ]);
  const totals = summary!.results[0] as unknown as SummaryRow;
  const finished = totals.succeeded + totals.failed + totals.timedOut;
  return {
    ...range,
    daily: daily!.results as unknown as DailyVendorRow[],
    summary: {
      tasks: totals.tasks,
      succeeded: totals.succeeded,
      failed: totals.failed,
      cancelled: totals.cancelled,
      timedOut: totals.timedOut,
      successRate: finished > 0 ? totals.succeeded / finished : null,
      p50DurationMs: totals.p50DurationMs ?? null,
      p95DurationMs: totals.p95DurationMs ?? null,
      costUsd: totals.costUsd,
    },
    costPerDay: costPerDay!.results as unknown as Analytics["costPerDay"],
    topRepositories: top!.results as unknown as Analytics["topRepositories"],
  };
}
