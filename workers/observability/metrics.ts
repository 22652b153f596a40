// Counters for GET /metrics, kept in D1 so every isolate adds to the same totals.
// Increments are batched per request/batch and written off the hot path (waitUntil).
import { drizzle } from "drizzle-orm/d1";
import { sql } from "drizzle-orm";
import { metricCounters } from "../db/schema";
import { renderTaskMetrics, TASK_METRICS } from "./task-metrics";

export const METRICS = {
  agentbot_webhooks_received_total: "Signed webhooks accepted at the edge and consumed from the queue, by vendor.",
  agentbot_webhooks_rejected_total: "Webhooks refused at the edge, by vendor and reason.",
  agentbot_events_deduplicated_total: "Deliveries recognised as redeliveries of a recorded event.",
  agentbot_tasks_created_total: "Tasks created from triggering deliveries, by vendor.",
  agentbot_tasks_joined_total: "Triggering deliveries that joined an open task about the same problem, by vendor.",
  agentbot_task_turns_total: "Follow-ups that became a turn of a task (started, queued or refused), by vendor and decision.",
  agentbot_queue_retries_total: "Event messages handed back to the queue for a retry.",
  agentbot_dead_letters_total: "Messages that exhausted their retries and were recorded as dead letters.",
  agentbot_mcp_rate_limited_total: "MCP requests refused with 429, by server and kind (calls, or session traffic).",
  agentbot_runner_unreachable_total: "Times a TaskAgent could not reach the agent runner, by step (start, events).",
} as const;

export type MetricName = keyof typeof METRICS;
/** Every series name GET /metrics serves: the counters above and those derived from the tasks table. */
export const SERVED_SERIES: readonly string[] = [...Object.keys(METRICS), ...Object.keys(TASK_METRICS)];
export type Labels = Record<string, string>;
export interface Increment {
  name: MetricName;
  labels?: Labels;
  by?: number;
}

function labelText(labels: Labels = {}): string {
  const pairs = Object.keys(labels)
    .sort()
    .map((key) => `${key}="${labels[key]!.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n")}"`);
  return pairs.length ? `{${pairs.join(",")}}` : "";
}

export async function incrementCounters(db: D1Database, increments: Increment[]): Promise<void> {
  if (increments.length === 0) return;
  const orm = drizzle(db);
  const statements = increments.map(({ name, labels, by = 1 }) => {
    const text = labelText(labels);
    return orm
      .insert(metricCounters)
      .values({ key: name + text, name, labels: text, value: by })
      .onConflictDoUpdate({ target: metricCounters.key, set: { value: sql`${metricCounters.value} + ${by}` } });
  });
  await orm.batch(statements as [(typeof statements)[number], ...(typeof statements)[number][]]);
}

/** Prometheus text exposition format, version 0.0.4. */
export async function renderMetrics(db: D1Database): Promise<string> {
  const rows = await drizzle(db).select().from(metricCounters).orderBy(metricCounters.key);
  const lines: string[] = [];
  for (const [name, help] of Object.entries(METRICS)) {
    lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} counter`);
    const series = rows.filter((row) => row.name === name);
    if (series.length === 0) lines.push(`${name} 0`);
    for (const row of series) lines.push(`${name}${row.labels} ${row.value}`);
  }
  lines.push(...(await renderTaskMetrics(db)));
  return `${lines.join("\n")}\n`;
}
