#!/usr/bin/env node
// `npm run restore -- --from <dir> [--remote [--env staging|production]] [--force]`: a backup of
// `npm run backup` into a database migrated to the same schema (`npm run db:migrate:local`, or
// `wrangler d1 migrations apply DB --remote --env <e>`) and its R2 bucket. Refuses a database
// that already holds rows unless --force, which empties the backed-up tables first.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { backupTables, FORMAT, insertStatements, openPlatform, payloadKey, VERSION } from "./platform-backup.mjs";

const usage = `usage: npm run restore -- --from <dir> [--remote] [--env <name>] [--force] [--persist-to <dir>] [--config <wrangler.toml>]`;

const { values } = parseArgs({
  options: {
    from: { type: "string" },
    remote: { type: "boolean", default: false },
    env: { type: "string" },
    force: { type: "boolean", default: false },
    "persist-to": { type: "string" },
    config: { type: "string", default: "wrangler.toml" },
    help: { type: "boolean", default: false },
  },
});
if (values.help || !values.from) {
  console.log(usage);
  process.exit(values.help ? 0 : 2);
}

const manifest = JSON.parse(readFileSync(join(values.from, "manifest.json"), "utf8"));
if (manifest.format !== FORMAT || manifest.version !== VERSION) {
  console.error(`${values.from} is not an ${FORMAT} v${VERSION} backup`);
  process.exit(1);
}
const rowsByTable = new Map(Object.keys(manifest.tables).map((table) => [table, []]));
for (const line of readFileSync(join(values.from, "d1.jsonl"), "utf8").split("\n")) {
  if (!line.trim()) continue;
  const { table, row } = JSON.parse(line);
  rowsByTable.get(table)?.push(row);
}

const platform = await openPlatform({ remote: values.remote, env: values.env, persistTo: values["persist-to"], config: values.config });
try {
  const present = new Set(await backupTables(platform));
  const unknown = [...rowsByTable.keys()].filter((table) => !present.has(table));
  if (unknown.length) throw new Error(`the target has no table ${unknown.join(", ")}: apply the migrations first`);
  const [{ n }] = await platform.all(`SELECT ${[...rowsByTable.keys()].map((t) => `(SELECT COUNT(*) FROM "${t}")`).join(" + ")} AS n`);
  if (Number(n) > 0 && !values.force)
    throw new Error(`the target already holds ${n} rows; restore into fresh state, or pass --force to replace them`);
  // In the backup's order (graph_entities last, see platform-backup.mjs); deletes go the other way.
  const order = [...rowsByTable.keys()];
  const statements = [
    ...(values.force ? [...order].reverse().map((table) => `DELETE FROM "${table}"`) : []),
    ...order.flatMap((table) => insertStatements(table, rowsByTable.get(table))),
  ];
  await platform.run(statements);
  const dir = join(values.from, "r2");
  const files = existsSync(dir) ? readdirSync(dir) : [];
  for (const file of files) await platform.put(payloadKey(file), readFileSync(join(dir, file)));
  const total = order.reduce((sum, table) => sum + rowsByTable.get(table).length, 0);
  console.error(`restored ${total} rows of ${order.length} tables and ${files.length} payloads from ${values.from}`);
} catch (error) {
  console.error(`restore failed: ${error.message}`);
  process.exitCode = 1;
} finally {
  await platform.close();
}
