// The TaskAgent's side of the daily budget (workers/db/spend.ts): whether a task may start, and
// the line each attempt holds in the spend table while it runs and after it ends.
import type { TaskSpec } from "../../core/task-types";
import { budgetScopeOf, recordSpend, spentToday } from "../../workers/db/spend";

/** Why the task may not start today, or undefined: its scope's spend (others' running attempts included) reached the cap. */
export async function dailyBudgetRefusal(db: D1Database, spec: TaskSpec, capUsd: number): Promise<string | undefined> {
  const scope = budgetScopeOf(spec.vendor, spec.subject);
  const spent = await spentToday(db, scope, spec.id);
  return spent >= capUsd ? `refused: ${scope} has spent $${spent.toFixed(2)} of its $${capUsd.toFixed(2)} daily budget` : undefined;
}

/** Records the attempt's reservation (`reserved`, all it may spend) or its outcome (`spent`). */
export function recordAttemptSpend(db: D1Database, spec: TaskSpec, attempt: number, kind: "reserved" | "spent", amountUsd: number) {
  return recordSpend(db, kind, { taskId: spec.id, attempt, scope: budgetScopeOf(spec.vendor, spec.subject), amountUsd });
}
