#!/usr/bin/env node
// `npm run deploy [-- --env staging|production] [wrangler deploy options]`: applies the pending D1
// migrations of that environment's database, then deploys its Worker. Both wrangler commands get
// the same --env and --config, which `npm run deploy -- …` alone would hand to the last one only.
// With --dry-run the migrations are named, not applied (they need the account), and the deploy
// is wrangler's own dry run.
import { spawnSync } from "node:child_process";
import { parseArgs } from "node:util";

const { values, tokens } = parseArgs({
  options: {
    env: { type: "string", short: "e" },
    config: { type: "string", short: "c" },
    "dry-run": { type: "boolean", default: false },
  },
  strict: false,
  tokens: true,
});

const shared = [...(values.env ? ["--env", values.env] : []), ...(values.config ? ["--config", values.config] : [])];
// Everything else goes to `wrangler deploy` untouched (--outdir, --var, --keep-vars…).
const passThrough = tokens
  .filter((token) => !(token.kind === "option" && ["env", "config"].includes(token.name)))
  .flatMap((token) => {
    if (token.kind === "option") return token.value === undefined ? [token.rawName] : [token.rawName, token.value];
    return token.kind === "positional" ? [token.value] : [];
  });

function wrangler(args) {
  console.error(`$ wrangler ${args.join(" ")}`);
  const run = spawnSync(process.execPath, ["node_modules/wrangler/bin/wrangler.js", ...args], { stdio: "inherit" });
  if (run.status !== 0) process.exit(run.status ?? 1);
}

const migrate = ["d1", "migrations", "apply", "DB", "--remote", ...shared];
if (values["dry-run"]) console.error(`--dry-run: would run wrangler ${migrate.join(" ")}`);
else wrangler(migrate);
wrangler(["deploy", ...shared, ...passThrough]);
