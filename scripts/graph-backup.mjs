// The knowledge graph as JSONL, for `npm run graph:export` and `npm run graph:import`.
// One line per row: a header, then entities, edges, identities and timeline events,
// each in primary-key order, so the same graph always exports byte for byte the same.
// (Wrangler's own `d1 export` refuses databases with virtual tables such as the FTS5
// index, and a row format also survives schema changes a SQL dump would not.)
//
// The database is either the local D1 of `wrangler dev` (through getPlatformProxy, with
// a config holding only the DB binding) or the deployed one (through `wrangler d1 execute
// --remote`). Both answer the same two calls: `all(sql)` and `run(statements)`.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

export const FORMAT = "agent-bot-graph";
export const VERSION = 1;

/**
 * Each table: its JSONL kind, columns (JSON name → SQL column), the JSON-object columns, and its
 * primary key (the export order and the keyset cursor).
 */
export const TABLES = [
  {
    kind: "entity",
    table: "graph_entities",
    columns: {
      id: "id",
      type: "type",
      key: "key",
      title: "title",
      url: "url",
      properties: "properties",
      text: "text",
      firstSeen: "first_seen",
      lastSeen: "last_seen",
    },
    json: ["properties"],
    key: ["id"],
  },
  {
    kind: "edge",
    table: "graph_edges",
    columns: {
      sourceId: "source_id",
      targetId: "target_id",
      type: "type",
      properties: "properties",
      weight: "weight",
      lastDeliveryId: "last_delivery_id",
      firstSeen: "first_seen",
      lastSeen: "last_seen",
    },
    json: ["properties"],
    key: ["source_id", "target_id", "type"],
  },
  {
    kind: "identity",
    table: "graph_identities",
    columns: { identity: "identity", personId: "person_id", source: "source", firstSeen: "first_seen", lastSeen: "last_seen" },
    json: [],
    key: ["identity", "person_id"],
  },
  {
    kind: "event",
    table: "graph_entity_events",
    columns: {
      entityId: "entity_id",
      deliveryId: "delivery_id",
      vendor: "vendor",
      eventType: "event_type",
      action: "action",
      at: "at",
      summary: "summary",
      url: "url",
    },
    json: [],
    key: ["entity_id", "delivery_id"],
  },
];

const byKind = new Map(TABLES.map((t) => [t.kind, t]));
const PAGE = 1000;
/** Rows per INSERT; D1 caps a statement at 100 KB, and entity text alone may reach 2 000 chars. */
const INSERT_BYTES = 60_000;

/** An SQL string literal. */
export const literal = (value) =>
  value === null || value === undefined ? "NULL" : typeof value === "number" ? String(value) : `'${String(value).replaceAll("'", "''")}'`;

/** A database row → its JSONL object. */
export function rowToLine(spec, row) {
  const line = { kind: spec.kind };
  for (const [name, column] of Object.entries(spec.columns)) {
    const value = row[column] ?? null;
    line[name] = spec.json.includes(name) && typeof value === "string" ? JSON.parse(value) : value;
  }
  return line;
}

/** A JSONL object → the column values of its row, validated against the table's columns. */
export function lineToRow(line) {
  const spec = byKind.get(line.kind);
  if (!spec) throw new Error(`unknown line kind ${JSON.stringify(line.kind)}`);
  const row = {};
  for (const [name, column] of Object.entries(spec.columns)) {
    const value = line[name] ?? null;
    row[column] = spec.json.includes(name) ? JSON.stringify(value ?? {}) : value;
  }
  return { spec, row };
}

/** Every line of the graph, header first, read a page at a time by keyset (no OFFSET rescans). */
export async function* exportLines(db) {
  yield { kind: "header", format: FORMAT, version: VERSION };
  for (const spec of TABLES) {
    const columns = Object.values(spec.columns).join(", ");
    let after;
    for (;;) {
      const where = after ? `WHERE (${spec.key.join(", ")}) > (${after.map(literal).join(", ")})` : "";
      const rows = await db.all(`SELECT ${columns} FROM ${spec.table} ${where} ORDER BY ${spec.key.join(", ")} LIMIT ${PAGE}`);
      for (const row of rows) yield rowToLine(spec, row);
      if (rows.length < PAGE) break;
      const last = rows[rows.length - 1];
      after = spec.key.map((k) => last[k]);
    }
  }
}

/** Rows in the graph tables, all four together. */
export async function countRows(db) {
  const [row] = await db.all(`SELECT ${TABLES.map((t) => `(SELECT COUNT(*) FROM ${t.table})`).join(" + ")} AS n`);
  return Number(row?.n ?? 0);
}

/**
 * INSERT statements restoring the lines, a bounded batch of rows each (as one JSON literal read
 * by json_each, so a statement is small however wide the rows). Entity inserts fire the FTS
 * triggers, which rebuild the search index as they go.
 */
export function insertStatements(lines) {
  const pending = new Map(TABLES.map((t) => [t.kind, []]));
  const statements = [];
  const flush = (spec) => {
    const rows = pending.get(spec.kind);
    if (!rows.length) return;
    const columns = Object.values(spec.columns);
    statements.push(
      `INSERT INTO ${spec.table} (${columns.join(", ")}) SELECT ${columns.map((c) => `value ->> ${literal(c)}`).join(", ")} FROM json_each(${literal(JSON.stringify(rows))})`,
    );
    pending.set(spec.kind, []);
  };
  if (lines[0]?.kind !== "header") throw new Error(`not an ${FORMAT} file: the first line is not its header`);
  const size = new Map(TABLES.map((t) => [t.kind, 0]));
  for (const line of lines) {
    if (line.kind === "header") {
      if (line.format !== FORMAT || line.version !== VERSION) throw new Error(`not an ${FORMAT} v${VERSION} file`);
      continue;
    }
    const { spec, row } = lineToRow(line);
    const bytes = JSON.stringify(row).length;
    if (size.get(spec.kind) + bytes > INSERT_BYTES) {
      flush(spec);
      size.set(spec.kind, 0);
    }
    pending.get(spec.kind).push(row);
    size.set(spec.kind, size.get(spec.kind) + bytes);
  }
  for (const spec of TABLES) flush(spec);
  return statements;
}

export const CLEAR_STATEMENTS = TABLES.map((t) => `DELETE FROM ${t.table}`);

/** Parses JSONL text; blank lines are skipped, a bad line names its number. */
export function parseLines(text) {
  return text
    .split("\n")
    .map((line, i) => [line.trim(), i + 1])
    .filter(([line]) => line)
    .map(([line, n]) => {
      try {
        return JSON.parse(line);
      } catch (error) {
        throw new Error(`line ${n} is not JSON: ${error.message}`);
      }
    });
}

/** The local D1 `wrangler dev` uses (or the one under --persist-to), through getPlatformProxy. */
export async function openLocal({ config = "wrangler.toml", persistTo } = {}) {
  const { getPlatformProxy, unstable_readConfig } = await import("wrangler");
  const parsed = unstable_readConfig({ config });
  const d1 = parsed.d1_databases.find((d) => d.binding === "DB");
  if (!d1) throw new Error(`${config} has no D1 binding DB`);
  // Only the DB binding: the real config's containers and Durable Objects need a build to start.
  const dir = mkdtempSync(join(tmpdir(), "graph-backup-"));
  const configPath = join(dir, "wrangler.json");
  writeFileSync(
    configPath,
    JSON.stringify({ name: `${parsed.name}-graph-backup`, compatibility_date: parsed.compatibility_date, d1_databases: [d1] }),
  );
  const root = resolve(persistTo ?? join(resolve(config, ".."), ".wrangler/state"));
  const proxy = await getPlatformProxy({ configPath, persist: { path: join(root, "v3") }, envFiles: [] });
  const db = proxy.env.DB;
  return {
    all: async (sql) => (await db.prepare(sql).all()).results,
    run: async (statements) => {
      for (let i = 0; i < statements.length; i += 50) await db.batch(statements.slice(i, i + 50).map((s) => db.prepare(s)));
    },
    close: async () => {
      await proxy.dispose();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The deployed D1, through `wrangler d1 execute --remote` (wrangler's login or CLOUDFLARE_API_TOKEN). */
export function openRemote({ config = "wrangler.toml" } = {}) {
  const wrangler = (args) => {
    const result = spawnSync("npx", ["wrangler", "d1", "execute", "DB", "--remote", "--config", config, "--json", "--yes", ...args], {
      encoding: "utf8",
      maxBuffer: 512 * 1024 * 1024,
    });
    if (result.status !== 0) throw new Error(`wrangler d1 execute failed: ${result.stderr || result.stdout}`);
    return JSON.parse(result.stdout);
  };
  return {
    all: async (sql) => wrangler(["--command", sql])[0]?.results ?? [],
    run: async (statements) => {
      const dir = mkdtempSync(join(tmpdir(), "graph-import-"));
      try {
        const file = join(dir, "import.sql");
        writeFileSync(file, statements.map((s) => `${s};`).join("\n"));
        wrangler(["--file", file]);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
    close: async () => {},
  };
}

export const openDatabase = (options) => (options.remote ? openRemote(options) : openLocal(options));
