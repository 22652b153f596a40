// The synthetic graph of bench:graph, generated inside SQLite: entity kinds and their
// shares (hubs first), titles from a skewed word list, and edges whose far ends favour hubs.
import type { EntityType } from "../../core/graph-types";

/** Entity kinds in index order: hubs first, so a skewed draw over an index range favours them. */
export const LAYOUT: { type: EntityType; share: number }[] = [
  { type: "repository", share: 0.002 },
  { type: "jira_project", share: 0.0005 },
  { type: "slack_channel", share: 0.001 },
  { type: "sentry_project", share: 0.0005 },
  { type: "person", share: 0.03 },
  { type: "branch", share: 0.03 },
  { type: "issue", share: 0.2 },
  { type: "pull_request", share: 0.15 },
  { type: "commit", share: 0.24 },
  { type: "file", share: 0.2 },
  { type: "jira_issue", share: 0.06 },
  { type: "slack_thread", share: 0.03 },
  { type: "sentry_issue", share: 0.03 },
  { type: "task", share: 0 }, // the rest
];
export const CONTAINER: Partial<Record<EntityType, EntityType>> = {
  branch: "repository",
  issue: "repository",
  pull_request: "repository",
  commit: "repository",
  file: "repository",
  task: "repository",
  jira_issue: "jira_project",
  slack_thread: "slack_channel",
  sentry_issue: "sentry_project",
};

export interface Range {
  type: EntityType;
  lo: number;
  count: number;
}
export function layout(n: number): Range[] {
  const ranges: Range[] = [];
  let lo = 0;
  for (const { type, share } of LAYOUT) {
    const count = share ? Math.max(1, Math.round(share * n)) : n - lo;
    ranges.push({ type, lo, count });
    lo += count;
  }
  return ranges;
}

export const WORDS = (
  "checkout payment timeout currency error crash retry webhook queue worker deploy release build test flaky login session token " +
  "cache database migration index query slow memory leak upload download image resize email notification invoice refund " +
  "subscription billing customer account profile settings search filter export import report dashboard chart api endpoint " +
  "latency spike outage incident alert monitor metric trace log config secret permission role admin user team org repo branch " +
  "merge conflict rebase commit review approve reject comment mention thread channel message reply bot agent task runner " +
  "container sandbox clone push pull fetch tag version semver changelog docs readme typo lint format style refactor cleanup " +
  "upgrade dependency vulnerability security audit compliance gdpr privacy cookie consent banner mobile ios android web " +
  "desktop browser chrome safari firefox layout css button modal dropdown form validation input date timezone locale " +
  "translation i18n accessibility keyboard focus scroll pagination cursor offset limit batch bulk sync async promise " +
  "deadlock race condition mutex lock transaction rollback commit replica shard partition backup restore snapshot archive " +
  "eur usd gbp stripe paypal adyen ledger balance transfer payout fraud risk score model feature flag experiment rollout canary"
)
  .split(/\s+/)
  .filter(Boolean);

/** A stable, unique, hash-looking id per entity index: `ge_` + 24 hex digits, like entityId(). */
export const idOf = (x: string) =>
  `printf('ge_%08x%08x%08x', (${x} * 2654435761 + 1013904223) % 4294967296, (${x} * 2246822519 + 374761393) % 4294967296, (${x} * 3266489917 + 668265263) % 4294967296)`;
/** A word, more often a common one (the product of two uniform draws skews towards rank 0). */
// `+ 0 * n` ties the subquery to the row: SQLite would otherwise run it once and reuse the word.
export const word = () =>
  `(SELECT w FROM bench_words WHERE i = CAST(${WORDS.length} * ((abs(random()) % 1000000) / 1000000.0) * ((abs(random()) % 1000000) / 1000000.0) AS INTEGER) + 0 * n)`;
export const words = (k: number) => Array.from({ length: k }, word).join(" || ' ' || ");

export function entityColumns(type: EntityType, repos: number): { key: string; title: string; url: string; text?: string } {
  const repo = `'acme/repo-' || (n % ${repos})`;
  switch (type) {
    case "repository":
      return { key: `'github:repo:acme/repo-' || n`, title: `'acme/repo-' || n`, url: `'https://github.com/acme/repo-' || n` };
    case "jira_project":
      return { key: `'jira:project:P' || n`, title: `'P' || n || ' ' || ${words(2)}`, url: `'https://acme.atlassian.net/browse/P' || n` };
    case "slack_channel":
      return { key: `'slack:channel:T0ACME/C' || n`, title: `'#' || ${word()} || '-' || n`, url: "NULL" };
    case "sentry_project":
      return { key: `'sentry:project:service-' || n`, title: `'service-' || n`, url: "NULL" };
    case "person":
      return { key: `'person:github:dev' || n`, title: `upper(substr(${word()}, 1, 1)) || ' ' || ${word()} || ' ' || n`, url: "NULL" };
    case "branch":
      return { key: `'github:branch:' || ${repo} || '@feature/' || n`, title: `'feature/' || ${words(2)} || '-' || n`, url: "NULL" };
    case "issue":
      return {
        key: `'github:issue:' || ${repo} || '#' || n`,
        title: words(6),
        url: `'https://github.com/' || ${repo} || '/issues/' || n`,
        text: words(25),
      };
    case "pull_request":
      return {
        key: `'github:pr:' || ${repo} || '#' || n`,
        title: words(5),
        url: `'https://github.com/' || ${repo} || '/pull/' || n`,
        text: words(25),
      };
    case "commit":
      return { key: `'github:commit:' || ${repo} || '@' || printf('%07x', (n * 2654435761) % 268435456)`, title: words(6), url: "NULL" };
    case "file":
      return {
        key: `'github:file:' || ${repo} || ':src/' || ${word()} || '/' || ${word()} || '-' || n || '.ts'`,
        title: `'src/' || ${word()} || '-' || n || '.ts'`,
        url: "NULL",
      };
    case "jira_issue":
      return {
        key: `'jira:issue:P' || (n % 50) || '-' || n`,
        title: words(6),
        url: `'https://acme.atlassian.net/browse/P' || (n % 50) || '-' || n`,
        text: words(25),
      };
    case "slack_thread":
      return { key: `'slack:thread:T0ACME/C' || (n % 100) || '/' || n || '.000100'`, title: words(8), url: "NULL" };
    case "sentry_issue":
      return { key: `'sentry:issue:SERVICE-' || upper(printf('%x', n))`, title: `'Error: ' || ${words(5)}`, url: "NULL", text: words(15) };
    default:
      return { key: `'agent-bot:task:' || n`, title: words(6), url: "NULL" };
  }
}

/** SQL for the kind of entity index `x`. */
export const typeOf = (ranges: Range[], x: string) =>
  `CASE ${ranges.map((r) => `WHEN ${x} < ${r.lo + r.count} THEN '${r.type}'`).join(" ")} END`;

/**
 * One chunk of candidate edges. Each starts at an item drawn uniformly; its far end is
 * 35% its container (repository, project, channel; skewed), 25% a person (skewed, either
 * direction) and 40% another item (skewed: popular issues and files). Duplicates are ignored.
 */
export function edgeChunkSql(ranges: Range[], count: number, now: number): string {
  const byType = new Map(ranges.map((r) => [r.type, r]));
  const items = ranges.filter((r) => CONTAINER[r.type]);
  const itemLo = items[0]!.lo;
  const last = ranges[ranges.length - 1]!;
  const itemCount = last.lo + last.count - itemLo;
  const person = byType.get("person")!;
  const container = `CASE ${items
    .map((r) => {
      const c = byType.get(CONTAINER[r.type]!)!;
      return `WHEN s < ${r.lo + r.count} THEN ${c.lo} + CAST(${c.count} * u * (0.5 + 0.5 * u) AS INTEGER)`;
    })
    .join(" ")} END`;
  const sType = typeOf(ranges, "s");
  const oType = typeOf(ranges, "o");
  const edgeType = `CASE
    WHEN kind < 35 THEN 'belongs_to'
    WHEN kind < 50 THEN CASE WHEN ${sType} = 'commit' THEN 'pushed_by' WHEN kind < 40 THEN 'assigned_to' ELSE 'opened_by' END
    WHEN kind < 60 THEN 'comments_on'
    WHEN ${oType} = 'file' THEN 'touches'
    WHEN kind < 66 THEN 'closes'
    ELSE 'references' END`;
  const swap = "kind >= 50 AND kind < 60"; // person → item
  return `INSERT OR IGNORE INTO graph_edges (source_id, target_id, type, properties, weight, first_seen, last_seen)
  WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < ${count}),
  r AS MATERIALIZED (
    SELECT abs(random()) % 100 AS kind, ${itemLo} + abs(random()) % ${itemCount} AS s,
           (abs(random()) % 1000000) / 1000000.0 AS u, abs(random()) % 15552000000 AS age FROM c),
  t AS MATERIALIZED (
    SELECT kind, s, age, CASE
      WHEN kind < 35 THEN ${container}
      WHEN kind < 60 THEN ${person.lo} + CAST(${person.count} * u * u AS INTEGER)
      ELSE ${itemLo} + CAST(${itemCount} * u * u AS INTEGER) END AS o FROM r)
  SELECT ${idOf(`CASE WHEN ${swap} THEN o ELSE s END`)}, ${idOf(`CASE WHEN ${swap} THEN s ELSE o END`)}, ${edgeType},
         '{}', 1 + (abs(random()) % 4 = 0), ${now} - age - 2592000000, ${now} - age
  FROM t WHERE s != o`;
}
