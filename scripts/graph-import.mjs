#!/usr/bin/env node
// `npm run graph:import -- <file.jsonl> [--remote] [--force]`: restores a graph:export file.
// The graph tables must be empty; --force empties them first (a restore replaces, never merges).
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { CLEAR_STATEMENTS, countRows, insertStatements, openDatabase, parseLines } from "./graph-backup.mjs";

const usage = `usage: npm run graph:import -- <file.jsonl> [--force] [--remote] [--persist-to <dir>] [--config <wrangler.toml>]

  --force              replace a graph that is not empty
  --remote             the deployed D1 (default: the local one of \`npm run dev\`)
  --persist-to <dir>   local state directory, as given to wrangler (default .wrangler/state)`;

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    force: { type: "boolean", default: false },
    remote: { type: "boolean", default: false },
    "persist-to": { type: "string" },
    config: { type: "string", default: "wrangler.toml" },
    help: { type: "boolean", default: false },
  },
});
if (values.help || positionals.length !== 1) {
  console.log(usage);
  process.exit(values.help ? 0 : 2);
}

// Parsed and turned into statements before the database is touched: a bad file changes nothing.
const lines = parseLines(readFileSync(positionals[0], "utf8"));
const statements = insertStatements(lines);
const db = await openDatabase({ remote: values.remote, persistTo: values["persist-to"], config: values.config });
try {
  const existing = await countRows(db);
  if (existing > 0 && !values.force) {
    console.error(`the graph is not empty (${existing} rows); pass --force to replace it`);
    process.exitCode = 1;
  } else {
    await db.run([...(existing > 0 ? CLEAR_STATEMENTS : []), ...statements]);
    console.error(`imported ${lines.length - 1} rows from ${positionals[0]}`);
  }
} finally {
  await db.close();
}
