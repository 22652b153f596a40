#!/usr/bin/env node
// `npm run graph:export [-- --out graph.jsonl] [--remote]`: the knowledge graph as JSONL
// (see graph-backup.mjs), to stdout or a file.
import { createWriteStream } from "node:fs";
import { parseArgs } from "node:util";
import { exportLines, openDatabase } from "./graph-backup.mjs";

const usage = `usage: npm run graph:export -- [--out <file>] [--remote] [--persist-to <dir>] [--config <wrangler.toml>]

  --out <file>         write here instead of stdout
  --remote             the deployed D1 (default: the local one of \`npm run dev\`)
  --persist-to <dir>   local state directory, as given to wrangler (default .wrangler/state)`;

const { values } = parseArgs({
  options: {
    out: { type: "string" },
    remote: { type: "boolean", default: false },
    "persist-to": { type: "string" },
    config: { type: "string", default: "wrangler.toml" },
    help: { type: "boolean", default: false },
  },
});
if (values.help) {
  console.log(usage);
  process.exit(0);
}

const db = await openDatabase({ remote: values.remote, persistTo: values["persist-to"], config: values.config });
const out = values.out ? createWriteStream(values.out) : process.stdout;
const counts = {};
try {
  for await (const line of exportLines(db)) {
    counts[line.kind] = (counts[line.kind] ?? 0) + 1;
    if (!out.write(`${JSON.stringify(line)}\n`)) await new Promise((done) => out.once("drain", done));
  }
} finally {
  await db.close();
}
if (values.out) await new Promise((done, fail) => out.end((error) => (error ? fail(error) : done())));
delete counts.header;
const plural = { entity: "entities", edge: "edges", identity: "identities", event: "timeline events" };
console.error(
  `exported ${
    Object.entries(counts)
      .map(([k, n]) => `${n} ${plural[k] ?? k}`)
      .join(", ") || "an empty graph"
  }${values.out ? ` to ${values.out}` : ""}`,
);
