#!/usr/bin/env node
// `npm run dev`: the whole platform locally on its embedded defaults.
//  1. creates .dev.vars from the example when missing and applies D1 migrations locally;
//  2. starts the agent runner as a local process (no container engine here) with the real
//     Claude Code CLI, talking to Anthropic with ANTHROPIC_API_KEY or else to a local scripted
//     model (test/support/scripted-model.mjs);
//  3. starts the fake vendor APIs for every vendor without credentials in .dev.vars, and a
//     local git remote for the sample repository, so the whole loop runs on one machine;
//  4. runs `wrangler dev` (D1, Queues, R2, Durable Objects in workerd; containers off)
//     with those URLs as vars, and the runner's bearer token (RUNNER_SECRET) as a secret;
//  5. serves the dashboard with Vite (dashboard/vite.config.ts) on DASHBOARD_PORT (5173 when
//     free), proxying /api and its WebSockets to the Worker, and makes it the Worker's
//     DASHBOARD_URL, so links in vendor threads open it.
// Extra arguments go to wrangler dev, e.g. `npm run dev -- --port 8788`.
import { spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { delimiter, dirname, join, resolve } from "node:path";
import { DEV_APP, devGitHubApp, pemEnvLine } from "./dev-github-app.mjs";
import { readDevVars } from "./dev-vars.mjs";
import { startFakeVendors } from "./fake-vendors.mjs";
import { seedSamplePullRequest } from "./fake-vendors/sample-pull.mjs";

const root = resolve(new URL("..", import.meta.url).pathname);
const args = process.argv.slice(2);
const option = (name) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const wrangler = [join(root, "node_modules/wrangler/bin/wrangler.js")];
const children = [];
let stopping = false;

/** Binds `port` (0: any) on 127.0.0.1 and releases it; rejects when it is taken. */
function probePort(port) {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => {
      const { port: bound } = server.address();
      server.close(() => resolvePort(bound));
    });
  });
}

function freePort() {
  return probePort(0);
}

/** `preferred` when nobody holds it, else any free port (a second dev server, a test). */
function preferredPort(preferred) {
  return probePort(preferred).catch(() => freePort());
}

function onPath(binary) {
  return (process.env.PATH ?? "").split(delimiter).some((dir) => dir && existsSync(join(dir, binary)));
}

/** A bare repository standing in for github.com/Codertocat/Hello-World (the samples' repository). */
function seedGitRemote(base) {
  const bare = join(base, "Codertocat", "Hello-World.git");
  if (existsSync(bare)) return;
  const work = mkdtempSync(join(tmpdir(), "agent-bot-seed-"));
  const git = (cwd, ...argv) => {
    const run = spawnSync("git", argv, { cwd, encoding: "utf8" });
    if (run.status !== 0) throw new Error(`git ${argv.join(" ")}: ${run.stderr}`);
  };
  try {
    git(work, "init", "-q", "-b", "main");
    writeFileSync(join(work, "README.md"), "# Hello-World\n\nA local stand-in for the sample repository.\n");
    git(work, "add", "README.md");
    git(work, "-c", "user.name=agent-bot", "-c", "user.email=agent-bot@localhost", "commit", "-qm", "Initial commit");
    mkdirSync(join(base, "Codertocat"), { recursive: true });
    git(base, "clone", "-q", "--bare", work, bare);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

if (!existsSync(".dev.vars")) {
  copyFileSync(".dev.vars.example", ".dev.vars");
  console.log("created .dev.vars from .dev.vars.example (local secrets; edit as you like)");
}
const devVars = readDevVars([".dev.vars"]);
// A .dev.vars made by an older checkout lacks settings added to the example since; say which.
const missingVars = Object.keys(readDevVars([".dev.vars.example"])).filter((name) => !(name in devVars));
if (missingVars.length) console.log(`.dev.vars lacks ${missingVars.join(", ")} from .dev.vars.example; copy them over to use them locally`);

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

const vars = {};

// The bearer token the runner requires of the TaskAgent: RUNNER_SECRET from the environment or
// .dev.vars (a runner started elsewhere needs the same), else a fresh random one per start. It
// reaches wrangler through an env file of its own (not `--var`, which the process list shows).
const runnerSecret = process.env.RUNNER_SECRET || devVars.RUNNER_SECRET || randomBytes(32).toString("hex");
if (process.env.RUNNER_URL && !process.env.RUNNER_SECRET && !devVars.RUNNER_SECRET) {
  console.error("RUNNER_URL is set: set RUNNER_SECRET too (in the environment or .dev.vars), the one that runner was started with");
  process.exit(1);
}
const secretsDir = mkdtempSync(join(tmpdir(), "agent-bot-dev-env-"));
const envFile = join(secretsDir, "worker.env");
/** Secrets that reach wrangler through the env file; written just before it starts. */
const secrets = [`RUNNER_SECRET=${runnerSecret}`];
// wrangler reads either .dev.vars or --env-file files, so the file is .dev.vars plus the secrets.
function writeEnvFile() {
  const names = secrets.map((line) => line.slice(0, line.indexOf("=")));
  const own = readFileSync(".dev.vars", "utf8")
    .split("\n")
    .filter((line) => !names.some((name) => new RegExp(`^\\s*${name}\\s*=`).test(line)));
  writeFileSync(envFile, `${own.join("\n")}\n${secrets.join("\n")}\n`, { mode: 0o600 });
}

// The local runner. Claude tasks run the real Claude Code CLI (on PATH, else the pinned dev
// dependency): with ANTHROPIC_API_KEY it talks to Anthropic; without one, to a local scripted
// model whose `[fake:…]` switches (test/support/fake-switches.mjs) pick what it makes the CLI
// do. AGENT_BOT_CLAUDE=fake, or no CLI at all, selects the replaying fake CLI instead.
const runnerPort = await freePort();
const fakeCliDir = join(root, "test/fixtures/fake-cli");
const claudeBin = onPath("claude")
  ? "claude"
  : existsSync(join(root, "node_modules/.bin/claude"))
    ? join(root, "node_modules/.bin/claude")
    : undefined;
const useRealClaude = Boolean(claudeBin) && process.env.AGENT_BOT_CLAUDE !== "fake";
const realCursor = onPath("cursor-agent") && Boolean(devVars.CURSOR_API_KEY);
const runnerEnv = { ...process.env, PORT: String(runnerPort), HOST: "127.0.0.1", RUNNER_SECRET: runnerSecret };
let model;
let claudeSays;
if (useRealClaude) {
  runnerEnv.CLAUDE_BIN = claudeBin;
  if (devVars.ANTHROPIC_API_KEY) {
    claudeSays = `real CLI (${claudeBin}) → Anthropic's API`;
  } else {
    const { startScriptedModel } = await import("../test/support/scripted-model.mjs");
    const { fakeSwitchScript } = await import("../test/support/fake-switches.mjs");
    model = await startScriptedModel({ port: Number(process.env.MODEL_PORT) || 0, script: fakeSwitchScript });
    // The key only satisfies the CLI's check; the scripted model ignores it. Two retries keep
    // [fake:fail] to seconds.
    Object.assign(runnerEnv, { ANTHROPIC_BASE_URL: model.url, ANTHROPIC_API_KEY: "dev-scripted-model", CLAUDE_CODE_MAX_RETRIES: "2" });
    claudeSays = `real CLI (${claudeBin}) → scripted model on ${model.url} (no ANTHROPIC_API_KEY; [fake:…] switches pick its script)`;
  }
} else {
  runnerEnv.CLAUDE_BIN = join(fakeCliDir, "claude");
  claudeSays = `replaying fake CLI (${claudeBin ? "AGENT_BOT_CLAUDE=fake" : "no claude on PATH or in node_modules"})`;
}
if (process.getuid?.() === 0 && !process.env.RUNNER_AGENT_UIDS) {
  // As root the runner gives each run's agent an unprivileged uid of its own, which must reach the
  // CLI in this checkout. Where a folder above it is closed to others (a 0700 home), agents run as
  // root instead, which Claude Code allows only with IS_SANDBOX=1: a developer's machine is the
  // sandbox of a local run.
  const closed = closedAncestor(root);
  if (closed) {
    Object.assign(runnerEnv, { RUNNER_AGENT_UIDS: "off", IS_SANDBOX: "1" });
    claudeSays += `; ${closed} is closed to other users (no o+x), so agents run as root (RUNNER_AGENT_UIDS=off, IS_SANDBOX=1)`;
  } else {
    claudeSays += "; each run's agent runs as a uid of its own";
  }
}
// The agent's environment is an allow-list; the fakes' switches and the retry setting join it.
runnerEnv.RUNNER_AGENT_ENV ??= "FAKE_CLI_*,CLAUDE_CODE_MAX_RETRIES";
if (!realCursor) runnerEnv.CURSOR_BIN = join(fakeCliDir, "cursor-agent");
// RUNNER_URL in the environment: a runner started elsewhere (the runner image under podman,
// containers/image/README.md) takes the local one's place; the scripted model above is still
// started for it (MODEL_PORT fixes its port, for the runner's ANTHROPIC_BASE_URL).
const externalRunner = process.env.RUNNER_URL;
let runnerChild;
if (externalRunner) {
  console.log(`agent runner at ${externalRunner} (RUNNER_URL; none started here)${model ? ` — scripted model on ${model.url}` : ""}`);
  vars.RUNNER_URL = externalRunner;
} else {
  console.log(
    `agent runner on http://127.0.0.1:${runnerPort} — claude: ${claudeSays}, cursor: ${realCursor ? "real CLI" : "replaying fake CLI"}`,
  );
  runnerChild = spawn(process.execPath, [join(root, "node_modules/tsx/dist/cli.mjs"), join(root, "containers/runner/main.ts")], {
    stdio: "inherit",
    env: runnerEnv,
  });
  children.push(runnerChild);
  vars.RUNNER_URL = `http://127.0.0.1:${runnerPort}`;
}

/** The first folder from `dir` up that other users cannot pass through, or undefined. */
function closedAncestor(dir) {
  for (let current = dir; ; current = dirname(current)) {
    if ((statSync(current).mode & 0o001) === 0) return current;
    if (dirname(current) === current) return undefined;
  }
}

// Fake vendor APIs for every vendor without credentials.
const needsFake = {
  github: !devVars.GITHUB_TOKEN && !devVars.GITHUB_APP_ID,
  slack: !devVars.SLACK_BOT_TOKEN,
  jira: !(devVars.JIRA_BASE_URL && devVars.JIRA_API_TOKEN),
  sentry: !devVars.SENTRY_AUTH_TOKEN,
};
let fakes;
let githubApp;
if (Object.values(needsFake).some(Boolean)) {
  // The fake GitHub runs in App mode (AGENT_BOT_GITHUB=pat: the personal-token mode instead).
  githubApp = needsFake.github && process.env.AGENT_BOT_GITHUB !== "pat" ? devGitHubApp(resolve(persist ?? ".wrangler/state")) : undefined;
  fakes = await startFakeVendors({ port: Number(process.env.FAKE_VENDORS_PORT) || (await freePort()), githubApp: githubApp?.fake });
  const faked = Object.keys(needsFake).filter((vendor) => needsFake[vendor]);
  console.log(`fake vendor APIs for ${faked.join(", ")} on ${fakes.url} (every call: ${fakes.url}/_calls)`);
  if (needsFake.github) Object.assign(vars, { GITHUB_API_URL: `${fakes.url}/github`, GITHUB_WEB_URL: `${fakes.url}/github-web` });
  if (githubApp) {
    vars.GITHUB_APP_ID = githubApp.appId;
    secrets.push(pemEnvLine("GITHUB_APP_PRIVATE_KEY", githubApp.privateKeyPem));
    console.log(
      `GitHub: App mode (${DEV_APP.slug}, installed on Codertocat/*) against the fake GitHub; AGENT_BOT_GITHUB=pat for a personal token`,
    );
  } else if (needsFake.github) vars.GITHUB_TOKEN = "dev-fake-github-token";
  if (needsFake.slack) Object.assign(vars, { SLACK_API_URL: `${fakes.url}/slack/api/`, SLACK_BOT_TOKEN: "xoxb-dev-fake" });
  if (needsFake.jira)
    Object.assign(vars, { JIRA_BASE_URL: `${fakes.url}/jira`, JIRA_EMAIL: "agent-bot@example.com", JIRA_API_TOKEN: "dev-fake-jira-token" });
  if (needsFake.sentry) Object.assign(vars, { SENTRY_API_URL: `${fakes.url}/sentry/api/0/`, SENTRY_AUTH_TOKEN: "dev-fake-sentry-token" });
}

// Without GitHub credentials, repositories come from a local git remote.
if (needsFake.github && !devVars.GIT_CLONE_BASE_URL) {
  const gitBase = resolve(persist ?? ".wrangler/state", "git");
  seedGitRemote(gitBase);
  // The samples' pull request #2 and its head branch, for PR mentions and reviews.
  seedSamplePullRequest(fakes, join(gitBase, "Codertocat", "Hello-World.git"));
  vars.GIT_CLONE_BASE_URL = `file://${gitBase}`;
}

const port = option("--port") ?? "8787";
const workerUrl = `http://127.0.0.1:${port}`;

// The dashboard's Vite dev server; without its config (a checkout without the dashboard)
// the Worker's own URL stands in for links.
const viteConfig = join(root, "dashboard/vite.config.ts");
const dashboardPort = existsSync(viteConfig) ? Number(process.env.DASHBOARD_PORT) || (await preferredPort(5173)) : undefined;
const dashboardUrl = dashboardPort ? `http://127.0.0.1:${dashboardPort}` : undefined;
vars.DASHBOARD_URL = dashboardUrl ?? workerUrl;
// Task runners reach the MCP servers at PUBLIC_URL (DASHBOARD_URL when unset), and the
// dashboard's dev server proxies only the API: point them at the Worker itself.
if (!devVars.PUBLIC_URL) vars.PUBLIC_URL = workerUrl;
writeEnvFile();
const devArgs = [
  "dev",
  "--ip",
  "127.0.0.1",
  // No container engine on these machines: the runner above stands in for the AgentRunner Container.
  "--enable-containers=false",
  ...(option("--port") ? [] : ["--port", port]),
  "--env-file",
  envFile,
  ...Object.entries(vars).flatMap(([name, value]) => ["--var", `${name}:${value}`]),
  ...args,
];
const dev = spawn(process.execPath, [...wrangler, ...devArgs], { stdio: "inherit" });
children.push(dev);

let dashboard;
if (dashboardPort) {
  dashboard = spawn(process.execPath, [join(root, "node_modules/.bin/vite"), "--config", viteConfig, "--clearScreen", "false"], {
    cwd: root,
    // No stdin: wrangler's hotkeys keep the terminal to themselves.
    stdio: ["ignore", "inherit", "inherit"],
    env: { ...process.env, AGENT_BOT_WORKER_URL: workerUrl, DASHBOARD_PORT: String(dashboardPort) },
  });
  children.push(dashboard);
  // The API stays useful without the dashboard, so its end is reported, not fatal.
  dashboard.on("exit", (code, signal) => {
    if (!stopping) console.error(`the dashboard dev server exited (${signal ?? code}); the Worker keeps running at ${workerUrl}`);
  });
} else {
  console.log(`no dashboard/vite.config.ts: the dashboard is not served`);
}

/** Prints where everything is once the Worker answers, after wrangler's own start-up output. */
async function printSummary() {
  const token = devVars.API_TOKEN || "dev-api-token";
  while (!stopping) {
    const healthy = await fetch(`${workerUrl}/health`, { signal: AbortSignal.timeout(2_000) })
      .then(async (response) => (await response.body?.cancel(), response.ok))
      .catch(() => false);
    if (healthy) break;
    await new Promise((resolveLater) => setTimeout(resolveLater, 500));
  }
  if (stopping) return;
  console.log(
    [
      "",
      "agent-bot is running:",
      `  Worker:    ${workerUrl}`,
      ...(dashboardUrl ? [`  Dashboard: ${dashboardUrl}  (sign in with ${token})`] : []),
      ...(fakes ? [`  Fake vendor APIs: ${fakes.url}/_calls`] : []),
      ...(model ? [`  Scripted model: ${model.url}/_requests  (what the real Claude Code CLI sent it)`] : []),
      "  Send a webhook: npm run send -- github issue_comment",
      "",
    ].join("\n"),
  );
}

async function stop(code) {
  if (stopping) return;
  stopping = true;
  for (const child of children) if (child.exitCode === null) child.kill("SIGTERM");
  await fakes?.stop();
  await model?.stop();
  rmSync(secretsDir, { recursive: true, force: true });
  process.exit(code);
}
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => stop(0));
dev.on("exit", (code, signal) => stop(code ?? (signal ? 1 : 0)));
runnerChild?.on("exit", (code) => {
  if (!stopping) {
    console.error(`the agent runner exited (${code}); stopping`);
    stop(1);
  }
});
printSummary();
