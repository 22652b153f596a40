// Series computed from the tasks table at scrape time rather than counted as they happen: task
// outcomes and spend are already recorded there, so they cannot drift from what the API shows.
import { sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { tasks } from "../db/schema";

export const TASK_METRICS = {
  agentbot_tasks: { type: "gauge", help: "Tasks by vendor and current status (queued, running, succeeded, failed…)." },
  agentbot_task_cost_usd_total: { type: "counter", help: "USD spent by the agent runs of all tasks, by vendor." },
} as const;

const labelValue = (value: string) => value.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");

/** The task series in Prometheus text format: each family's HELP and TYPE, then its samples. */
export async function renderTaskMetrics(db: D1Database): Promise<string[]> {
  const rows = await drizzle(db)
    .select({
      vendor: tasks.vendor,
      status: tasks.status,
      count: sql<number>`count(*)`,
      cost: sql<number>`coalesce(sum(${tasks.costUsd}), 0)`,
    })
    .from(tasks)
    .groupBy(tasks.vendor, tasks.status)
    .orderBy(tasks.vendor, tasks.status);
  const costByVendor = new Map<string, number>();
  for (const row of rows) costByVendor.set(row.vendor, (costByVendor.get(row.vendor) ?? 0) + row.cost);
  const samples: Record<keyof typeof TASK_METRICS, string[]> = {
    agentbot_tasks: rows.map((row) => `agentbot_tasks{status="${labelValue(row.status)}",vendor="${labelValue(row.vendor)}"} ${row.count}`),
    agentbot_task_cost_usd_total: [...costByVendor].map(
      ([vendor, cost]) => `agentbot_task_cost_usd_total{vendor="${labelValue(vendor)}"} ${cost}`,
    ),
  };
  const lines: string[] = [];
  for (const [name, { type, help }] of Object.entries(TASK_METRICS)) {
    const family = samples[name as keyof typeof TASK_METRICS];
    lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`, ...(family.length ? family : [`${name} 0`]));
  }
  return lines;
}
