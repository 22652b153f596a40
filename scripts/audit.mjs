#!/usr/bin/env node
// `node scripts/audit.mjs [--report <npm audit --json output>]`: fails on a high or critical
// advisory of a runtime dependency (`npm audit --omit=dev`) unless ops/audit-allowlist.json
// accepts it, and on an allow-list entry past its review date. CI runs it (ci.yml); the
// development machines cannot reach npm's audit endpoint, so tests feed it a saved report.
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";

const BLOCKING = new Set(["high", "critical"]);

const { values } = parseArgs({
  options: {
    report: { type: "string" },
    allowlist: { type: "string", default: "ops/audit-allowlist.json" },
    today: { type: "string" },
  },
});

function auditReport() {
  if (values.report) return JSON.parse(readFileSync(values.report, "utf8"));
  // npm audit exits 1 when it finds anything; its JSON says what.
  const run = spawnSync("npm", ["audit", "--omit=dev", "--json"], { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  if (!run.stdout.trim()) {
    console.error(`npm audit printed nothing (exit ${run.status}): ${run.stderr}`);
    process.exit(2);
  }
  return JSON.parse(run.stdout);
}

/** Each blocking advisory of the report: its GHSA id (or URL), package, severity and title. */
function blockingAdvisories(report) {
  const found = new Map();
  for (const vulnerability of Object.values(report.vulnerabilities ?? {})) {
    for (const via of vulnerability.via ?? []) {
      // A string `via` names another vulnerable package, whose own entry has the advisory.
      if (typeof via === "string" || !BLOCKING.has(via.severity)) continue;
      const id = via.url?.split("/").pop() ?? String(via.source);
      found.set(id, { id, name: via.name, severity: via.severity, title: via.title });
    }
  }
  return [...found.values()];
}

const today = values.today ?? new Date().toISOString().slice(0, 10);
const { advisories: allowed } = JSON.parse(readFileSync(values.allowlist, "utf8"));
const accepted = new Map(allowed.map((entry) => [entry.id, entry]));
let failed = false;
for (const entry of allowed) {
  if (entry.until < today) {
    console.error(`allow-list: ${entry.id} (${entry.reason}) was to be reviewed by ${entry.until}`);
    failed = true;
  }
}
for (const advisory of blockingAdvisories(auditReport())) {
  if (accepted.has(advisory.id)) {
    console.error(`accepted ${advisory.id} ${advisory.name} (${advisory.severity}): ${accepted.get(advisory.id).reason}`);
    continue;
  }
  console.error(`${advisory.severity}: ${advisory.name} ${advisory.id} ${advisory.title}`);
  failed = true;
}
if (failed) process.exit(1);
console.error("audit: no high or critical advisory outside the allow-list");
