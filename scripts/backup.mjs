#!/usr/bin/env node
// `npm run backup -- --out <dir> [--remote [--env staging|production]]`: D1 and the R2 payloads
// into a folder (format in platform-backup.mjs). `npm run restore` reads it back.
import { mkdirSync, writeFileSync, createWriteStream } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { backupTables, FORMAT, openPlatform, payloadFile, payloadKeys, tableRows, VERSION } from "./platform-backup.mjs";

const usage = `usage: npm run backup -- --out <dir> [--remote] [--env <name>] [--persist-to <dir>] [--config <wrangler.toml>]

  --out <dir>          the backup folder to write (created; must be empty or new)
  --remote             the deployed D1 and R2 (default: the local ones of \`npm run dev\`)
  --env <name>         with --remote: the wrangler.toml environment (staging, production)
  --persist-to <dir>   local state directory, as given to wrangler (default .wrangler/state)`;

const { values } = parseArgs({
  options: {
    out: { type: "string" },
    remote: { type: "boolean", default: false },
    env: { type: "string" },
    "persist-to": { type: "string" },
    config: { type: "string", default: "wrangler.toml" },
    help: { type: "boolean", default: false },
  },
});
if (values.help || !values.out) {
  console.log(usage);
  process.exit(values.help ? 0 : 2);
}

const platform = await openPlatform({ remote: values.remote, env: values.env, persistTo: values["persist-to"], config: values.config });
const rowsPerTable = {};
let payloads = 0;
let missing = 0;
try {
  mkdirSync(join(values.out, "r2"), { recursive: true });
  const out = createWriteStream(join(values.out, "d1.jsonl"));
  for (const table of await backupTables(platform)) {
    rowsPerTable[table] = 0;
    for await (const row of tableRows(platform, table)) {
      rowsPerTable[table] += 1;
      if (!out.write(`${JSON.stringify({ table, row })}\n`)) await new Promise((done) => out.once("drain", done));
    }
  }
  await new Promise((done, fail) => out.end((error) => (error ? fail(error) : done())));
  for (const key of await payloadKeys(platform)) {
    const bytes = await platform.get(key);
    // A payload can be gone (deleted by a lifecycle rule); the ledger row is still worth keeping.
    if (!bytes) {
      missing += 1;
      continue;
    }
    writeFileSync(join(values.out, "r2", payloadFile(key)), bytes);
    payloads += 1;
  }
} finally {
  await platform.close();
}
const manifest = {
  format: FORMAT,
  version: VERSION,
  createdAt: new Date().toISOString(),
  tables: rowsPerTable,
  payloads,
  missingPayloads: missing,
};
writeFileSync(join(values.out, "manifest.json"), `${JSON.stringify(manifest, null, 2)}\n`);
const total = Object.values(rowsPerTable).reduce((a, b) => a + b, 0);
console.error(
  `backed up ${total} rows of ${Object.keys(rowsPerTable).length} tables and ${payloads} payloads${missing ? ` (${missing} missing in R2)` : ""} to ${values.out}`,
);
