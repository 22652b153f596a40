// The ledger's retention, run by the daily Cron Trigger (workers/index.ts): rejected requests and
// processed deliveries older than LEDGER_RETENTION_DAYS, and dead letters as old, are deleted, so
// nothing a sender posts costs storage forever. A processed row is also what makes a replayed
// body a duplicate (docs/security.md#webhooks), so the period never drops below a week, longer
// than any vendor redelivers.
import type { Config } from "../config";

export const MIN_RETENTION_DAYS = 7;
const DAY_MS = 86_400_000;

export interface Pruned {
  deliveries: number;
  deadLetters: number;
}

export async function pruneLedger(db: D1Database, config: Pick<Config, "LEDGER_RETENTION_DAYS">, now = Date.now()): Promise<Pruned> {
  const before = now - Math.max(MIN_RETENTION_DAYS, config.LEDGER_RETENTION_DAYS) * DAY_MS;
  // A delivery still processing or dead-lettered is kept: a retry or a replay may still need it.
  const [deliveries, deadLetters] = await db.batch([
    db.prepare(`DELETE FROM deliveries WHERE received_at < ? AND status IN ('rejected', 'processed')`).bind(before),
    db.prepare(`DELETE FROM dead_letters WHERE received_at < ?`).bind(before),
  ]);
  return { deliveries: deliveries?.meta.changes ?? 0, deadLetters: deadLetters?.meta.changes ?? 0 };
}
