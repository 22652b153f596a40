#!/usr/bin/env node
// `npm run dev`: the whole platform locally on its embedded defaults.
// Creates .dev.vars from the example when missing, applies D1 migrations to the
// local database, then runs `wrangler dev` (D1, Queues, R2 and Durable Objects in workerd).
// Extra arguments go to wrangler dev, e.g. `npm run dev -- --port 8788`.
import { spawn, spawnSync } from "node:child_process";
import { copyFileSync, existsSync } from "node:fs";

const args = process.argv.slice(2);
const option = (name) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const wrangler = ["node_modules/wrangler/bin/wrangler.js"];

if (!existsSync(".dev.vars")) {
  copyFileSync(".dev.vars.example", ".dev.vars");
  console.log("created .dev.vars from .dev.vars.example (local secrets; edit as you like)");
}

const persist = option("--persist-to");
const migrate = spawnSync(
  process.execPath,
  [...wrangler, "d1", "migrations", "apply", "DB", "--local", ...(persist ? ["--persist-to", persist] : [])],
  { stdio: "inherit", env: { ...process.env, CI: "true" } },
);
if (migrate.status !== 0) {
  console.error("applying D1 migrations to the local database failed");
  process.exit(migrate.status ?? 1);
}

const devArgs = ["dev", "--ip", "127.0.0.1", ...(option("--port") ? [] : ["--port", "8787"]), ...args];
const child = spawn(process.execPath, [...wrangler, ...devArgs], { stdio: "inherit" });
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => child.kill(signal));
child.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
