// Each deployed environment of wrangler.toml (staging, production) bundles with
// `npm run deploy -- --env <e> --dry-run` and binds its own D1, queue, R2 bucket and KV, the
// Durable Objects, and every var of [vars]. As in deploy-bundle.test.ts, the dry run uses a
// copy of wrangler.toml without its [[containers]] blocks (building the image needs Docker);
// the blocks themselves are checked from the file.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const ENVIRONMENTS = ["staging", "production"] as const;
const DURABLE_OBJECTS = ["TaskAgent", "TaskScheduler", "AgentRunner", "McpHost", "McpRateLimiter"];

const toml = readFileSync("wrangler.toml", "utf8");
const outdir = mkdtempSync(join(tmpdir(), "agent-bot-envs-"));
const config = `wrangler.deploy-check-env-${process.pid}.toml`;
writeFileSync(config, toml.replace(/\[\[(env\.\w+\.)?containers\]\][^[]*/g, ""));
afterAll(() => {
  rmSync(outdir, { recursive: true, force: true });
  rmSync(config, { force: true });
});

/** The body of one `[[…containers]]` block, up to the next table header. */
function containerBlock(prefix: string): string {
  const match = new RegExp(`^\\[\\[${prefix.replace(/\./g, "\\.")}containers\\]\\]\\n([^[]*)`, "m").exec(toml);
  return match?.[1] ?? "";
}

describe.each(ENVIRONMENTS)("the %s environment", (env) => {
  it("deploys with `npm run deploy -- --env` (dry run): migrations first, then its own bindings", () => {
    const run = spawnSync(
      process.execPath,
      ["scripts/deploy.mjs", "--env", env, "--config", config, "--dry-run", "--outdir", join(outdir, env)],
      { encoding: "utf8", env: { ...process.env, WRANGLER_SEND_METRICS: "false" }, timeout: 120_000 },
    );
    expect(run.status, run.stderr).toBe(0);
    expect(run.stderr).toContain(`would run wrangler d1 migrations apply DB --remote --env ${env}`);
    expect(run.stderr.indexOf("would run wrangler d1")).toBeLessThan(run.stderr.indexOf("$ wrangler deploy"));
    for (const binding of [
      `env.DB (agent-bot-${env})`,
      `env.EVENTS (agent-bot-${env}-events)`,
      `env.PAYLOADS (agent-bot-${env}-payloads)`,
      "env.OAUTH_KV (",
      ...DURABLE_OBJECTS.map((name) => `(${name})`),
    ]) {
      expect(run.stdout).toContain(binding);
    }
    // Vars are not inherited: a var of [vars] missing from the environment would be unset there.
    expect(run.stderr + run.stdout).not.toMatch(/exists at the top level, but not on/);
  }, 120_000);

  it("runs the AgentRunner container on standard-1", () => {
    const block = containerBlock(`env.${env}.`);
    expect(block).toMatch(/^class_name = "AgentRunner"$/m);
    expect(block).toMatch(/^image = "\.\/containers\/Dockerfile"$/m);
    expect(block).toMatch(/^instance_type = "standard-1"$/m);
  });
});

it("keeps the local (top-level) config on its own resources", () => {
  expect(toml).toMatch(/^database_name = "agent-bot"$/m);
  expect(toml).toMatch(/^bucket_name = "agent-bot-payloads"$/m);
  expect(containerBlock("")).toMatch(/^class_name = "AgentRunner"$/m);
});
