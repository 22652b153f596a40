#!/usr/bin/env node
// Fails when worker-configuration.d.ts is not what `npm run types` would write now.
// `wrangler types --check` ignores --env-file and --strict-vars, so this
// regenerates in place, compares, and puts the committed file back.
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";

const file = "worker-configuration.d.ts";
const committed = readFileSync(file, "utf8");
let fresh;
try {
  const run = spawnSync(
    process.execPath,
    ["node_modules/wrangler/bin/wrangler.js", "types", "--env-file", ".dev.vars.example", "--strict-vars=false"],
    { encoding: "utf8" },
  );
  if (run.status !== 0) {
    console.error(run.stdout, run.stderr);
    process.exit(run.status ?? 1);
  }
  fresh = readFileSync(file, "utf8");
} finally {
  writeFileSync(file, committed);
}
if (fresh !== committed) {
  const a = committed.split("\n");
  const b = fresh.split("\n");
  const line = a.findIndex((text, i) => text !== b[i]) + 1;
  console.error(`${file} is out of date (first difference at line ${line}). Run \`npm run types\` and commit it.`);
  process.exit(1);
}
console.log(`${file} is up to date`);
