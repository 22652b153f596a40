// GET /metrics serves exactly SERVED_SERIES, the list test/node/monitoring.test.ts holds the
// Grafana dashboard and the alert rules to; and the task series follow the tasks table.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { SERVED_SERIES } from "../../workers/observability/metrics";
import { api } from "./support";

async function scrape(): Promise<string> {
  const res = await api("/metrics");
  expect(res.status).toBe(200);
  return res.text();
}

describe("GET /metrics series", () => {
  it("declares every series of SERVED_SERIES and no other", async () => {
    const declared = [...(await scrape()).matchAll(/^# TYPE (\S+) (counter|gauge)$/gm)].map((m) => m[1]);
    expect(declared.sort()).toEqual([...SERVED_SERIES].sort());
  });

  it("counts tasks by vendor and status and sums their cost", async () => {
    const now = Date.now();
    const insert = env.DB.prepare(
      "INSERT INTO tasks (id, delivery_id, vendor, event_type, status, title, attempt, cost_usd, created_at, updated_at) VALUES (?, ?, ?, 'issues', ?, 't', 1, ?, ?, ?)",
    );
    await env.DB.batch([
      insert.bind("metrics-t1", "metrics-d1", "github", "failed", 0.25, now, now),
      insert.bind("metrics-t2", "metrics-d2", "github", "failed", 0.5, now, now),
      insert.bind("metrics-t3", "metrics-d3", "github", "succeeded", 1, now, now),
    ]);
    const text = await scrape();
    expect(text).toMatch(/^agentbot_tasks\{status="failed",vendor="github"\} 2$/m);
    expect(text).toMatch(/^agentbot_tasks\{status="succeeded",vendor="github"\} 1$/m);
    expect(text).toMatch(/^agentbot_task_cost_usd_total\{vendor="github"\} 1\.75$/m);
  });
});
