// `wrangler deploy` must be able to build what we run locally: bundle the
// Worker with a dry run and check it declares every binding the code uses.
// A dry run also builds the container image, which needs a Docker engine these
// machines lack, so the check runs on a copy of wrangler.toml without the
// [[containers]] block (the image is checked by the runner's own tests).
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const outdir = mkdtempSync(join(tmpdir(), "agent-bot-bundle-"));
// Beside wrangler.toml, so the relative paths in it still resolve.
const config = `wrangler.deploy-check-${process.pid}.toml`;
writeFileSync(config, readFileSync("wrangler.toml", "utf8").replace(/\[\[containers\]\][^[]*/, ""));
afterAll(() => {
  rmSync(outdir, { recursive: true, force: true });
  rmSync(config, { force: true });
});

describe("deploy bundle", () => {
  it("builds with `wrangler deploy --dry-run` and binds D1, the queue, R2 and the TaskAgent", () => {
    const run = spawnSync(
      process.execPath,
      ["node_modules/wrangler/bin/wrangler.js", "deploy", "--dry-run", "--config", config, "--outdir", outdir],
      {
        encoding: "utf8",
        env: { ...process.env, WRANGLER_SEND_METRICS: "false" },
        timeout: 120_000,
      },
    );
    expect(run.status, run.stderr).toBe(0);
    for (const binding of [
      "env.TASK_AGENT (TaskAgent)",
      "env.TASK_SCHEDULER (TaskScheduler)",
      "env.AGENT_RUNNER (AgentRunner)",
      "env.EVENTS (agent-bot-events)",
      "env.DB (agent-bot)",
      "env.PAYLOADS (agent-bot-payloads)",
    ]) {
      expect(run.stdout).toContain(binding);
    }
    // Workers paid plan limit: 10 MiB compressed; stay far below it.
    expect(statSync(join(outdir, "index.js")).size).toBeLessThan(10 * 1024 * 1024);
  }, 120_000);
});
