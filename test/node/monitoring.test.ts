// The Grafana dashboard and the Prometheus rules in ops/monitoring/ may only name series that
// GET /metrics serves (SERVED_SERIES, which test/workers/metrics-series.test.ts checks against a
// real scrape) or that Prometheus makes itself; and every served series is on the dashboard.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { SERVED_SERIES } from "../../workers/observability/metrics";

/** Series Prometheus itself writes: the scrape's `up` and the blackbox exporter's probe. */
const PROMETHEUS_SERIES = ["up", "probe_success"];
/** PromQL functions and keywords, which read like series names in an expression. */
const PROMQL_WORDS = new Set(
  ["sum", "by", "without", "rate", "increase", "delta", "clamp_min", "and", "or", "unless", "on", "ignoring", "group_left"].concat([
    "avg",
    "max",
    "min",
    "count",
    "histogram_quantile",
    "offset",
    "bool",
  ]),
);

/** Metric names an expression reads: identifiers not followed by `(` outside label matchers and strings. */
function seriesIn(expr: string): string[] {
  const withoutLabels = expr
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, " ")
    .replace(/\{[^}]*\}/g, " ")
    .replace(/\[[^\]]*\]/g, " ")
    .replace(/"[^"]*"/g, " ");
  const names = new Set<string>();
  for (const match of withoutLabels.matchAll(/\b([a-zA-Z_:][a-zA-Z0-9_:]*)\b(\s*\()?/g)) {
    if (match[2] || PROMQL_WORDS.has(match[1]!) || /^\d/.test(match[1]!)) continue;
    names.add(match[1]!);
  }
  return [...names];
}

const rules = parse(readFileSync("ops/monitoring/alerts.yml", "utf8")) as {
  groups: { rules: { alert: string; expr: string; annotations: { summary: string } }[] }[];
};
const dashboard = JSON.parse(readFileSync("ops/monitoring/grafana-dashboard.json", "utf8")) as {
  panels: { title: string; targets: { expr: string }[] }[];
};
const alertExprs = rules.groups.flatMap((group) => group.rules.map((rule) => ({ where: `alert ${rule.alert}`, expr: rule.expr })));
const panelExprs = dashboard.panels.flatMap((panel) => panel.targets.map((t) => ({ where: `panel "${panel.title}"`, expr: t.expr })));
const known = new Set([...SERVED_SERIES, ...PROMETHEUS_SERIES]);

describe("ops/monitoring", () => {
  it("reads series names out of PromQL", () => {
    expect(seriesIn('sum by (vendor) (increase(agentbot_x_total{reason="y"}[15m])) / clamp_min(up, 1) > 0.5')).toEqual([
      "agentbot_x_total",
      "up",
    ]);
  });

  it.each([
    ["alert rules", alertExprs],
    ["dashboard panels", panelExprs],
  ])("%s name only series /metrics serves", (_kind, exprs) => {
    expect(exprs.length).toBeGreaterThan(0);
    const unknown = exprs.flatMap(({ where, expr }) =>
      seriesIn(expr)
        .filter((name) => !known.has(name))
        .map((name) => `${where}: ${name}`),
    );
    expect(unknown).toEqual([]);
  });

  it("puts every served series on the dashboard", () => {
    const shown = new Set(panelExprs.flatMap(({ expr }) => seriesIn(expr)));
    expect(SERVED_SERIES.filter((name) => !shown.has(name))).toEqual([]);
  });

  it("alerts on rejections, dead letters, retries, failures, spend and health", () => {
    const watched = new Set(alertExprs.flatMap(({ expr }) => seriesIn(expr)));
    for (const name of [
      "agentbot_webhooks_rejected_total",
      "agentbot_dead_letters_total",
      "agentbot_queue_retries_total",
      "agentbot_tasks",
      "agentbot_task_cost_usd_total",
      "probe_success",
    ]) {
      expect(watched).toContain(name);
    }
  });

  it("documents every alert in the runbook", () => {
    const runbook = readFileSync("docs/operations.md", "utf8");
    const alerts = rules.groups.flatMap((group) => group.rules.map((rule) => rule.alert));
    expect(alerts.filter((alert) => !runbook.includes(`\`${alert}\``))).toEqual([]);
  });
});
