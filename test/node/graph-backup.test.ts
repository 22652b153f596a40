// `npm run graph:export` / `graph:import` for real: two fresh local D1 databases (wrangler's
// own migrations), a graph written with the store's SQL shapes, exported, imported into the
// empty one, exported again, byte for byte the same; search works on the copy (the FTS
// triggers rebuilt it); a non-empty database is refused without --force.
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { insertStatements, lineToRow, parseLines, rowToLine, TABLES } from "../../scripts/graph-backup.mjs";

const dir = mkdtempSync(join(tmpdir(), "graph-backup-test-"));
const source = join(dir, "source");
const target = join(dir, "target");

const wrangler = (...args: string[]) => execFileSync("npx", ["wrangler", ...args], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
const d1 = (persistTo: string, sql: string) => {
  const file = join(dir, "query.sql");
  writeFileSync(file, sql);
  return JSON.parse(wrangler("d1", "execute", "DB", "--local", "--persist-to", persistTo, "--json", "--file", file)) as {
    results: Record<string, unknown>[];
  }[];
};
const script = (name: string, ...args: string[]) => spawnSync("node", [`scripts/${name}.mjs`, ...args], { encoding: "utf8" });

/** 1 500 timeline rows, so export pages (1 000 rows) more than once. */
const SEED = `
INSERT INTO graph_entities (id, type, key, title, url, properties, text, first_seen, last_seen) VALUES
  ('ge_a', 'jira_issue', 'jira:issue:PAY-142', 'Checkout returns 502 for EUR card payments', 'https://example.atlassian.net/browse/PAY-142', '{"labels":["agent-bot"]}', 'It''s "quoted", multi-line
and ünïcödé ✓', 1000, 2000),
  ('ge_b', 'person', 'person:github:Codertocat', 'Codertocat', NULL, '{"email":"dana@example.com","isBot":false}', NULL, 1000, 1000),
  ('ge_c', 'person', 'person:jira:712020:4f2d', 'Dana Reyes', NULL, '{}', NULL, 1500, 1500),
  ('ge_d', 'file', 'github:file:Codertocat/Hello-World:app/payments/charge.py', 'app/payments/charge.py', NULL, '{}', NULL, 1, 2);
INSERT INTO graph_edges (source_id, target_id, type, properties, weight, last_delivery_id, first_seen, last_seen) VALUES
  ('ge_a', 'ge_c', 'opened_by', '{}', 2, 'dlv_2', 1000, 2000),
  ('ge_b', 'ge_c', 'same_as', '{"identity":"email:dana@example.com"}', 1, NULL, 1500, 1500);
INSERT INTO graph_identities (identity, person_id, source, first_seen, last_seen) VALUES
  ('email:dana@example.com', 'ge_b', 'email', 1000, 1000), ('email:dana@example.com', 'ge_c', 'email', 1500, 1500), ('name:dana', 'ge_c', 'config', 1500, 1500);
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1500)
INSERT INTO graph_entity_events (entity_id, delivery_id, vendor, event_type, action, at, summary, url)
SELECT 'ge_a', printf('dlv_%05d', i), 'jira', 'comment_created', NULL, 1000 + i, 'jira comment_created by Dana: #' || i, NULL FROM n;
`;

beforeAll(() => {
  for (const db of [source, target]) wrangler("d1", "migrations", "apply", "DB", "--local", "--persist-to", db);
  d1(source, SEED);
}, 180_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("graph:export and graph:import", () => {
  it("round-trips a graph through JSONL into an empty database", () => {
    const first = join(dir, "first.jsonl");
    const exported = script("graph-export", "--persist-to", source, "--out", first);
    expect(exported.status, exported.stderr).toBe(0);
    expect(exported.stderr).toContain("exported 4 entities, 2 edges, 3 identities, 1500 timeline events");
    const lines = parseLines(readFileSync(first, "utf8"));
    expect(lines[0]).toEqual({ kind: "header", format: "agent-bot-graph", version: 1 });
    expect(lines.find((l) => l.kind === "entity" && l.id === "ge_a")).toMatchObject({
      properties: { labels: ["agent-bot"] },
      text: `It's "quoted", multi-line\nand ünïcödé ✓`,
    });

    const imported = script("graph-import", first, "--persist-to", target);
    expect(imported.status, imported.stderr).toBe(0);
    const second = script("graph-export", "--persist-to", target);
    expect(second.status, second.stderr).toBe(0);
    expect(second.stdout).toBe(readFileSync(first, "utf8"));

    // The copy's search index was rebuilt by the triggers as the rows went in.
    const [found] = d1(
      target,
      "SELECT e.key FROM graph_entities_fts JOIN graph_entities e ON e.seq = graph_entities_fts.rowid WHERE graph_entities_fts MATCH 'ünïcödé'",
    );
    expect(found?.results).toEqual([{ key: "jira:issue:PAY-142" }]);

    // Not empty any more: refused, unchanged; --force replaces it.
    const again = script("graph-import", first, "--persist-to", target);
    expect(again.status).toBe(1);
    expect(again.stderr).toContain("pass --force");
    const forced = script("graph-import", first, "--persist-to", target, "--force");
    expect(forced.status, forced.stderr).toBe(0);
    expect(script("graph-export", "--persist-to", target).stdout).toBe(readFileSync(first, "utf8"));
  }, 180_000);

  it("maps rows to lines and back, and rejects files that are not graph exports", () => {
    for (const spec of TABLES) {
      const row = Object.fromEntries(
        Object.values(spec.columns).map((c, i) => [
          c,
          spec.json.some((j) => spec.columns[j as keyof typeof spec.columns] === c) ? '{"a":1}' : `v${i}`,
        ]),
      );
      expect(lineToRow(rowToLine(spec, row)).row).toEqual(row);
    }
    expect(() => insertStatements([{ kind: "entity" }])).toThrow(/header/);
    expect(() => insertStatements([{ kind: "header", format: "agent-bot-graph", version: 1 }, { kind: "planet" }])).toThrow(
      /unknown line kind/,
    );
    expect(() => parseLines('{"kind":"header"}\nnot json')).toThrow(/line 2/);
  });
});
