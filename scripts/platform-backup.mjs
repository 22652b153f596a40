// The whole platform's state as files, for `npm run backup` and `npm run restore`: every D1 table
// (tasks, the delivery ledger, dead letters, MCP token hashes, the graph, metric counters) as
// JSONL rows, and every R2 payload the ledger points at, one file each.
//
//   <dir>/manifest.json   format, version, when, rows per table, payload count
//   <dir>/d1.jsonl        {"table": …, "row": {…}} per row, tables in restore order
//   <dir>/r2/<key>        each payload, its key URI-encoded into one file name
//
// Rows rather than a SQL dump: `wrangler d1 export` refuses databases with virtual tables (the
// graph's FTS5 index), and restoring rows into freshly migrated tables lets the FTS triggers
// rebuild the index. Local state is reached through getPlatformProxy (the D1 and R2 of
// `npm run dev`), the deployed one through `wrangler d1 execute --remote` and `wrangler r2 object`.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { literal } from "./graph-backup.mjs";

export const FORMAT = "agent-bot-backup";
export const VERSION = 1;
const PAGE = 500;
const INSERT_BYTES = 60_000;

/**
 * Restored last: the degree triggers on graph_edges add to graph_entities rows, whose backed-up
 * degree already counts their edges; restored after the edges, no entity is counted twice.
 */
const RESTORE_LAST = ["graph_entities"];

/** Tables to back up: every real table but wrangler's and SQLite's own and the FTS index (rebuilt by triggers). */
export async function backupTables(db) {
  const tables = await db.all("SELECT name, sql FROM sqlite_master WHERE type = 'table' ORDER BY name");
  const virtual = tables.filter((t) => /^CREATE VIRTUAL TABLE/i.test(t.sql ?? "")).map((t) => t.name);
  const names = tables
    .map((t) => t.name)
    .filter((name) => !/^(sqlite_|_cf_|d1_migrations$)/.test(name))
    .filter((name) => !virtual.some((v) => name === v || name.startsWith(`${v}_`)));
  return [...names.filter((n) => !RESTORE_LAST.includes(n)), ...RESTORE_LAST.filter((n) => names.includes(n))];
}

/** Every row of a table, a page at a time by rowid. */
export async function* tableRows(db, table) {
  let after = -Infinity;
  for (;;) {
    const where = Number.isFinite(after) ? `WHERE rowid > ${after}` : "";
    const rows = await db.all(`SELECT rowid AS __rowid, * FROM "${table}" ${where} ORDER BY rowid LIMIT ${PAGE}`);
    for (const { __rowid, ...row } of rows) yield row;
    if (rows.length < PAGE) break;
    after = rows[rows.length - 1].__rowid;
  }
}

/** INSERTs restoring a table's rows, a bounded batch each, read from one JSON literal by json_each. */
export function insertStatements(table, rows) {
  const statements = [];
  let batch = [];
  let bytes = 0;
  const flush = () => {
    if (!batch.length) return;
    const columns = [...new Set(batch.flatMap((row) => Object.keys(row)))];
    statements.push(
      `INSERT INTO "${table}" (${columns.map((c) => `"${c}"`).join(", ")}) SELECT ${columns.map((c) => `value ->> ${literal(c)}`).join(", ")} FROM json_each(${literal(JSON.stringify(batch))})`,
    );
    batch = [];
    bytes = 0;
  };
  for (const row of rows) {
    const size = JSON.stringify(row).length;
    if (bytes + size > INSERT_BYTES) flush();
    batch.push(row);
    bytes += size;
  }
  flush();
  return statements;
}

/** The R2 keys the state refers to: each delivery's payload. */
export async function payloadKeys(db) {
  const rows = await db.all("SELECT DISTINCT payload_ref AS key FROM deliveries WHERE payload_ref IS NOT NULL ORDER BY payload_ref");
  return rows.map((row) => row.key);
}

export const payloadFile = (key) => encodeURIComponent(key);
export const payloadKey = (file) => decodeURIComponent(file);

/** The D1 and R2 of `npm run dev` (or under --persist-to): all(sql), run(statements), get/put(key). */
export async function openLocalPlatform({ config = "wrangler.toml", persistTo } = {}) {
  const { getPlatformProxy, unstable_readConfig } = await import("wrangler");
  const parsed = unstable_readConfig({ config });
  const d1 = parsed.d1_databases.find((d) => d.binding === "DB");
  const r2 = parsed.r2_buckets.find((b) => b.binding === "PAYLOADS");
  if (!d1 || !r2) throw new Error(`${config} needs the D1 binding DB and the R2 binding PAYLOADS`);
  const dir = mkdtempSync(join(tmpdir(), "agent-bot-backup-"));
  const configPath = join(dir, "wrangler.json");
  writeFileSync(
    configPath,
    JSON.stringify({ name: `${parsed.name}-backup`, compatibility_date: parsed.compatibility_date, d1_databases: [d1], r2_buckets: [r2] }),
  );
  const root = resolve(persistTo ?? join(resolve(config, ".."), ".wrangler/state"));
  const proxy = await getPlatformProxy({ configPath, persist: { path: join(root, "v3") }, envFiles: [] });
  const { DB: db, PAYLOADS: bucket } = proxy.env;
  return {
    all: async (sql) => (await db.prepare(sql).all()).results,
    run: async (statements) => {
      for (let i = 0; i < statements.length; i += 50) await db.batch(statements.slice(i, i + 50).map((s) => db.prepare(s)));
    },
    get: async (key) => {
      const object = await bucket.get(key);
      return object ? new Uint8Array(await object.arrayBuffer()) : undefined;
    },
    put: async (key, bytes) => {
      // A plain ArrayBuffer: the proxy cannot carry a Buffer that is a view into Node's shared pool.
      await bucket.put(key, bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
    },
    close: async () => {
      await proxy.dispose();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The deployed D1 and R2 of an environment, through wrangler (its login or CLOUDFLARE_API_TOKEN). */
export async function openRemotePlatform({ config = "wrangler.toml", env } = {}) {
  const { unstable_readConfig } = await import("wrangler");
  const parsed = unstable_readConfig({ config, env });
  const bucketName = parsed.r2_buckets.find((b) => b.binding === "PAYLOADS")?.bucket_name;
  const envArgs = env ? ["--env", env] : [];
  const wrangler = (args) => {
    const result = spawnSync(process.execPath, ["node_modules/wrangler/bin/wrangler.js", ...args, "--config", config, ...envArgs], {
      encoding: "utf8",
      maxBuffer: 512 * 1024 * 1024,
    });
    if (result.status !== 0) throw new Error(`wrangler ${args.slice(0, 3).join(" ")} failed: ${result.stderr || result.stdout}`);
    return result.stdout;
  };
  const execute = (args) => JSON.parse(wrangler(["d1", "execute", "DB", "--remote", "--json", "--yes", ...args]));
  const dir = mkdtempSync(join(tmpdir(), "agent-bot-backup-"));
  return {
    all: async (sql) => execute(["--command", sql])[0]?.results ?? [],
    run: async (statements) => {
      const file = join(dir, "restore.sql");
      writeFileSync(file, statements.map((s) => `${s};`).join("\n"));
      execute(["--file", file]);
    },
    get: async (key) => {
      const file = join(dir, "object");
      rmSync(file, { force: true });
      try {
        wrangler(["r2", "object", "get", `${bucketName}/${key}`, "--remote", "--file", file]);
      } catch {
        return undefined;
      }
      const { readFileSync } = await import("node:fs");
      return new Uint8Array(readFileSync(file));
    },
    put: async (key, bytes) => {
      const file = join(dir, "object");
      writeFileSync(file, bytes);
      wrangler(["r2", "object", "put", `${bucketName}/${key}`, "--remote", "--file", file]);
    },
    close: async () => rmSync(dir, { recursive: true, force: true }),
  };
}

export const openPlatform = (options) => (options.remote ? openRemotePlatform(options) : openLocalPlatform(options));
