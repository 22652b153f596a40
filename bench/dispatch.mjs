#!/usr/bin/env node
// `npm run bench:dispatch [-- options]`: how fast a triggering webhook becomes a running
// coding-agent CLI, and whether a burst of tasks all finish with complete logs.
//
//  1. dispatch latency: N signed GitHub issue_comment webhooks that mention @agent-bot, one
//     at a time (each waits for the previous task to end, so none queues behind another),
//     each timed from "202 received" to "CLI process spawned", with where the time goes.
//  2. throughput / completeness: --tasks webhooks at --concurrency, then every task must reach
//     a final status within --timeout, with a gapless runner-event log ending in `result`.
//  3. baseline: the same fake CLI spawned straight from Node, timed to its first stdout line:
//     the floor no runner can beat.
//  Parts 1–2 run the replaying fake CLI (`npm run dev` with AGENT_BOT_CLAUDE=fake), so their
//  figures stay comparable with earlier runs.
//  4. the real Claude Code CLI: a second dev server (after the first has stopped) running the
//     pinned `claude` against dev.mjs's scripted model (MODEL_PORT), --real-n tasks one at a
//     time as in part 1, each timed 202 → CLI spawned → the model's first request of the
//     task's conversation (turn 0, matched to the task by the working directory the CLI
//     states). Its baseline: `claude` spawned straight from Node with the runner's argv and
//     env against an in-process scripted model, timed spawn() → first model request: the
//     CLI's own start-up.
//
// The clocks: the bench, workerd (task transitions), the runner (runner events) and the
// scripted model (request receivedAt) all run on this machine and stamp with Date.now(), so
// their timestamps can be subtracted.
//
// options: --n <sequential tasks> --warmup <uncounted first tasks> --gap <ms between them>
//          --tasks <burst size, 0 skips part 2> --concurrency <C> --timeout <s, part 2 bound>
//          --real-n <part 4 tasks and baseline spawns, 0 skips part 4>
//          --cap <MAX_RUNNING_TASKS and _PER_REPO for the fresh dev server>
//          --in-place (dev server from the checkout itself, not a snapshot of it)
//          --url <running agent-bot> --token <API token> --secret <GitHub webhook secret>
//          --model-url <its scripted model, for part 4 under --url; without it part 4 is skipped>
//          --json (write bench/results/dispatch-<time>.json)
import { spawn, spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { delimiter, join, relative, sep } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { loadSample, makeTriggering } from "../scripts/samples.mjs";
import { signDelivery } from "../scripts/webhook-signer.mjs";
import { devVars, freePort } from "../test/support/dev-server.mjs";
import { startScriptedModel, workingDirectory } from "../test/support/scripted-model.mjs";
import { percentiles } from "./percentiles.mjs";

const FINAL = new Set(["succeeded", "failed", "cancelled", "timed_out"]);
const FAKE_CLAUDE = fileURLToPath(new URL("../test/fixtures/fake-cli/claude", import.meta.url));
// What containers/runner/cli-claude.ts passes; used when the runner's own argv was not recorded (--url).
const CLAUDE_ARGV = ["-p", "--output-format", "stream-json", "--verbose", "--permission-mode", "bypassPermissions"];
// The API returns at most this many log entries per task (TaskAgent.getLog's default limit).
const API_LOG_LIMIT = 500;
const THREAD_NOTE = /^(tracking message posted|not reporting to|could not update the)/;
// Part 1 polls one task; part 2 lists all of them. Server-side timestamps carry the
// measurement, so the poll interval only costs wall time, not accuracy.
const TASK_POLL_MS = 100;
const LIST_POLL_MS = 1_000;

// The breakdown of 202 → CLI spawned (and the CLI's own start-up after it), as
// [label, from milestone, to milestone, what happens in it]; milestones are timeline()'s keys.
const SEGMENTS = [
  ["202 → task created", undefined, "created", "EVENTS queue → consumer → TaskAgent.createTask"],
  ["task created → preparing", "created", "preparing", "schedule(0) dispatch → TaskScheduler slot"],
  ["preparing → CLI spawned", "preparing", "spawn", "launch (TaskAgent, then runner), in four:"],
  ["  preparing → thread posted", "preparing", "threadPosted", "D1 row update, first post to the vendor thread"],
  ["  → runner's 1st event", "threadPosted", "runner", "POST /runs, the runner starts the run"],
  ["  → clone done", "runner", "cloned", "git init/fetch/checkout"],
  ["  → CLI spawned", "cloned", "spawn", "git status, skills, MCP config"],
  ["CLI spawned → first CLI line", "spawn", "firstOutput", "CLI start-up (node, the fake)"],
];

const { values } = parseArgs({
  options: {
    n: { type: "string", default: "30" },
    warmup: { type: "string", default: "1" },
    gap: { type: "string", default: "100" },
    "task-timeout": { type: "string", default: "60" }, // s: one sequential task's bound
    tasks: { type: "string", default: "100" },
    concurrency: { type: "string", default: "20" },
    timeout: { type: "string", default: "300" }, // s: part 2's bound
    "real-n": { type: "string", default: "10" },
    cap: { type: "string", default: "100" },
    "in-place": { type: "boolean", default: false },
    url: { type: "string" },
    token: { type: "string" },
    secret: { type: "string" },
    "model-url": { type: "string" },
    json: { type: "boolean", default: false },
  },
});
const opt = Object.fromEntries(
  ["n", "warmup", "gap", "task-timeout", "tasks", "concurrency", "timeout", "real-n", "cap"].map((k) => [k, Number(values[k])]),
);
for (const [name, value] of Object.entries(opt)) {
  if (!(Number.isInteger(value) && value >= 0)) throw new Error(`--${name} must be a whole number ≥ 0`);
}
if (opt.n < 1 || opt.concurrency < 1 || opt.cap < 1) throw new Error("--n, --concurrency and --cap must be at least 1");
const vars = devVars();
const secret = values.secret ?? vars.GITHUB_WEBHOOK_SECRET ?? "dev-github-secret";
const token = values.token ?? vars.API_TOKEN ?? "dev-api-token";

// The fake CLI appends its argv and prompt here on every start (FAKE_CLI_RECORD, see
// test/fixtures/fake-cli/README.md), so the baseline replays exactly what the runner ran.
const scratch = mkdtempSync(join(tmpdir(), "agent-bot-bench-dispatch-"));
const recordFile = join(scratch, "fake-cli-record.jsonl");
// The baseline's CLI leads its own process group, so it would outlive an early exit: end it first.
let baselineChild;
process.once("exit", () => {
  if (baselineChild?.exitCode === null) baselineChild.kill("SIGKILL");
  rmSync(scratch, { recursive: true, force: true, maxRetries: 3 });
});

// All sample tasks share one repository (Codertocat/Hello-World), so the default caps (10 in
// all, 2 per repository) would measure the waiting line, not dispatch: lift them.
// Every running attempt reserves its whole budget against its repository's daily cap, so the
// burst raises that cap too: this bench measures dispatch, not budgets.
const caps = values.url
  ? undefined
  : { MAX_RUNNING_TASKS: opt.cap, MAX_RUNNING_TASKS_PER_REPO: opt.cap, REPO_DAILY_BUDGET_USD: opt.cap * 1000 };
const capArgs = caps ? Object.entries(caps).flatMap(([name, value]) => ["--var", `${name}:${value}`]) : [];
console.log(
  `dispatch bench: N=${opt.n} one at a time (+${opt.warmup} warm-up), then ${opt.tasks} tasks at C=${opt.concurrency}, then ` +
    `${opt["real-n"]} real-CLI tasks one at a time (+1 warm-up); ` +
    `caps ${
      caps
        ? Object.entries(caps)
            .map(([k, v]) => `${k}=${v}`)
            .join(" ")
        : "as configured on --url"
    }; load average ${loadavg()[0].toFixed(2)}`,
);
// wrangler dev rebuilds and restarts workerd whenever a source file changes, and cannot be
// told not to watch. In a checkout others edit, that restarts the server mid-run: the local
// queue loses its messages and woken TaskAgents can fail. So by default the server runs from
// a snapshot of the source tree; --in-place runs it from the checkout, and restarts are counted.
// Part 4's server runs from the same snapshot, so both parts measure the same code.
const source = values.url || values["in-place"] ? undefined : snapshotCheckout();
const { startDevServer } = await import(
  source ? pathToFileURL(join(source, "test/support/dev-server.mjs")).href : "../test/support/dev-server.mjs"
);
// Parts 1–2 run the replaying fake CLI, whatever `npm run dev` defaults to, so their figures
// stay comparable with runs from before dev.mjs ran the real one.
let server = values.url
  ? undefined
  : await startDevServer({ args: capArgs, env: { AGENT_BOT_CLAUDE: "fake", FAKE_CLI_RECORD: recordFile } });
let reloads = server ? watchReloads(server) : undefined;
process.once("SIGINT", async () => {
  await server?.stop();
  process.exit(130);
});
let url = values.url ?? server.url;
const results = { options: opt, caps, url };

try {
  const from = source ? `a snapshot of the checkout in ${source}` : "the checkout itself";
  console.log(`ours: ${url}${server ? ` (wrangler dev + local runner + replaying fake claude, fresh state, from ${from})` : ""}`);
  results.dispatch = await dispatchLatency();
  if (opt.tasks > 0) results.throughput = await throughput();
} finally {
  // Stop ours before the baseline runs, so the two never share the CPU.
  results.reloads = reloads?.stop();
  await server?.stop();
  server = undefined;
}
if (results.reloads) printReloadNote(results.reloads, "parts 1–2");
results.baseline = await baseline();
if (opt["real-n"] > 0) {
  results.realCli = await realCli();
  if (results.realCli.samples) results.realBaseline = await realBaseline();
}
summary(results);
if (values.json) {
  mkdirSync(new URL("results/", import.meta.url), { recursive: true });
  const file = new URL(`results/dispatch-${new Date().toISOString().replace(/[:.]/g, "-")}.json`, import.meta.url);
  writeFileSync(file, JSON.stringify(results, null, 2));
  console.log(`wrote ${file.pathname}`);
}

function printReloadNote(count, parts) {
  console.log(
    `\nnote: wrangler dev reloaded ${count} time(s) during ${parts} (source files changed under it). A reload drops the local` +
      ` queue's messages and can leave TaskAgents unable to wake ("could not determine its Durable Object name"): numbers and` +
      ` incomplete tasks around it may be its doing, not the platform's. Run without --in-place to avoid it.`,
  );
}

// ---- 1. dispatch latency ------------------------------------------------------------

async function dispatchLatency() {
  console.log(`\n1. dispatch latency: ${opt.n} tasks one at a time, 202 received → CLI spawned`);
  const samples = [];
  const failures = [];
  for (let i = 0; i < opt.warmup + opt.n; i++) {
    const warm = i < opt.warmup;
    const reloadsBefore = reloads?.count();
    const { taskId, ackAt, status } = await sendTriggering();
    if (!taskId) {
      failures.push(`webhook ${i + 1}: HTTP ${status}`);
      continue;
    }
    // Wait for the task to end, not just to spawn: the next one then starts on a quiet
    // machine, with no CLI or git process of the previous one still competing for the CPU.
    const detail = await waitFinal(taskId, opt["task-timeout"] * 1000);
    const times = detail && timeline(detail, ackAt);
    if (!times?.spawn) {
      failures.push(
        `${taskId}: ${detail ? `status ${detail.state.status}, no CLI spawn in its log${whyNot(detail)}` : `not final within ${opt["task-timeout"]} s`}`,
      );
      continue;
    }
    if (warm) console.log(`warm-up task (cold DOs and runner, not counted): 202 → CLI spawned ${ms(times.spawn)}`);
    else samples.push({ taskId, status: detail.state.status, ...times, reloaded: reloads?.count() !== reloadsBefore });
    await sleep(opt.gap);
  }
  const stats = breakdown(samples);
  console.log(`202 → CLI spawned over ${samples.length} tasks: ${fmt(stats.spawn)}`);
  printBreakdown(stats);
  const statuses = countBy(samples.map((s) => s.status));
  console.log(
    `statuses: ${JSON.stringify(statuses)}${failures.length ? `; not measured: ${failures.length} (${failures.slice(0, 3).join("; ")})` : ""}`,
  );
  const hit = samples.filter((s) => s.reloaded).length;
  if (hit) console.log(`${hit} of these tasks overlapped a wrangler dev reload (a source file changed): they include a restart`);
  return { samples, stats, statuses, failures };
}

// ---- 2. throughput and completeness -------------------------------------------------

async function throughput() {
  console.log(`\n2. throughput: ${opt.tasks} tasks fired at C=${opt.concurrency}, end to end (bound ${opt.timeout} s)`);
  const startedAt = Date.now();
  const fired = [];
  const statuses = {};
  let next = 0;
  // Own lanes rather than ingest's flood(): each task needs its own 202 time and the
  // delivery id from the response body, which names the task.
  const lane = async () => {
    while (next < opt.tasks) {
      next++;
      const sent = await sendTriggering();
      statuses[sent.status] = (statuses[sent.status] ?? 0) + 1;
      if (sent.taskId) fired.push(sent);
    }
  };
  await Promise.all(Array.from({ length: opt.concurrency }, lane));
  const firedMs = Date.now() - startedAt;
  console.log(`fired ${opt.tasks} webhooks in ${ms(firedMs)}: statuses ${JSON.stringify(statuses)}`);

  // Watch the D1 listing (one request for all tasks) until every task is final, then read
  // each task's log once. The listing only mirrors the TaskAgent, so the TaskAgent's own state
  // decides in the end, including for tasks the listing never showed as final.
  const wanted = new Map(fired.map((f) => [f.taskId, f]));
  const deadline = startedAt + opt.timeout * 1000;
  let final = 0;
  let lastPrint = startedAt; // first progress line after 10 s
  while (Date.now() < deadline) {
    const rows = await listTasks(startedAt);
    final = rows.filter((row) => wanted.has(row.id) && FINAL.has(row.status)).length;
    if (final === wanted.size) break;
    if (Date.now() - lastPrint > 10_000) {
      const counts = countBy(rows.filter((row) => wanted.has(row.id)).map((row) => row.status));
      console.log(`  after ${ms(Date.now() - startedAt)}: ${JSON.stringify(counts)}`);
      lastPrint = Date.now();
    }
    await sleep(LIST_POLL_MS);
  }

  // One unreadable task is a finding about that task, not the end of the bench.
  const sent = [...wanted.values()];
  const details = await mapLimit(sent, 8, ({ taskId }) => getTask(taskId).catch((error) => ({ error: error.message })));
  const tasks = details.map((detail, i) => {
    const { taskId, ackAt } = sent[i];
    if (!detail) return { taskId, status: "missing", problems: ["no task"] };
    if (detail.error) return { taskId, status: "unreadable", problems: [detail.error] };
    const status = detail.state.status;
    const problems = [...(FINAL.has(status) ? [] : [`not final (${status})`]), ...checkLog(detail)];
    const finalAt = detail.state.transitions.findLast((t) => FINAL.has(t.status))?.at;
    return { taskId, status, problems, finalAt, ...timeline(detail, ackAt) };
  });
  const complete = tasks.filter((t) => t.problems.length === 0).length;
  const lastFinal = Math.max(...tasks.map((t) => t.finalAt ?? NaN).filter(Number.isFinite));
  const wallMs = Number.isFinite(lastFinal) ? lastFinal - startedAt : NaN;
  const finalCounts = countBy(tasks.map((t) => t.status));
  console.log(
    `wall time, first webhook sent → last task final: ${ms(wallMs)}${Number.isFinite(wallMs) ? ` (${(tasks.length / (wallMs / 1000)).toFixed(1)} tasks/s)` : ""}`,
  );
  console.log(`final statuses: ${JSON.stringify(finalCounts)}`);
  console.log(
    `${complete}/${opt.tasks} complete (final status; runner events 1..max per attempt with no gap or duplicate; last one a result)`,
  );
  for (const t of tasks.filter((t) => t.problems.length).slice(0, 5)) console.log(`  ${t.taskId}: ${t.problems.join("; ")}`);
  const missing = tasks.filter((t) => t.status === "missing");
  if (missing.length) {
    // Accepted but never created: the delivery ledger tells whether the consumer ever saw them.
    const ledger = await ledgerRows(startedAt);
    const where = missing.map((t) => {
      const row = ledger.get(t.taskId.replace(/^task_/, "dlv_"));
      return row
        ? `ledger ${row.status}/${row.decision}${row.lastError ? ` (${row.lastError.slice(0, 80)})` : ""}`
        : "not in the ledger (never consumed)";
    });
    console.log(`  ${missing.length} accepted webhooks never became tasks: ${JSON.stringify(countBy(where))}`);
  }

  const measured = tasks.filter((t) => t.spawn !== undefined);
  const stats = breakdown(measured);
  console.log(`under load, 202 → CLI spawned: ${fmt(stats.spawn)}`);
  printBreakdown(stats);
  // How much really ran in parallel (the caps bound it; with the default caps nothing does).
  const peakCli = peakOverlap(measured.map((t) => [t.spawnAt, t.resultAt]));
  const peakRunner = peakOverlap(measured.map((t) => [t.runnerAt, t.resultAt]));
  console.log(`peak at once: ${peakRunner} tasks in the runner (clone → result), ${peakCli} CLIs running (spawn → result)`);
  return {
    fired: fired.length,
    ackStatuses: statuses,
    firedMs,
    wallMs,
    finalCounts,
    complete,
    stats,
    peakCli,
    peakRunner,
    incomplete: tasks.filter((t) => t.problems.length),
    tasks,
  };
}

// ---- 3. baseline --------------------------------------------------------------------

/** The exact argv and prompt the runner gave the CLI, from the fake's record of part 1 (none under --url). */
function recordedRun() {
  return existsSync(recordFile)
    ? readFileSync(recordFile, "utf8")
        .split("\n")
        .filter(Boolean)
        .map((line) => JSON.parse(line))
        .find((r) => r.cli === "claude")
    : undefined;
}

async function baseline() {
  const recorded = recordedRun();
  const argv = recorded?.argv ?? CLAUDE_ARGV;
  const prompt = recorded?.prompt ?? "@agent-bot please take a look";
  const cwd = join(scratch, "workspace");
  mkdirSync(cwd, { recursive: true });
  writeFileSync(join(cwd, "README.md"), "# Hello-World\n");
  const env = { ...process.env, FAKE_CLI_RECORD: join(scratch, "baseline-record.jsonl") };
  console.log(
    `\n3. baseline: ${FAKE_CLAUDE} spawned from Node ${opt.n} times, ${recorded ? "the runner's recorded argv and prompt" : "default argv and a short prompt"}`,
  );
  const samples = [];
  for (let i = 0; i < opt.n; i++) samples.push(await firstLine(argv, prompt, cwd, env));
  const stats = percentiles(samples);
  console.log(`decide to run → first stdout line: ${fmt(stats)}`);
  return { samples, stats, argv, promptChars: prompt.length };
}

/** Spawns the fake CLI as the runner does (own process group, prompt on stdin) and times its first stdout line. */
function firstLine(argv, prompt, cwd, env) {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = (baselineChild = spawn(FAKE_CLAUDE, argv, { cwd, env, detached: true, stdio: ["pipe", "pipe", "pipe"] }));
    let took;
    child.stdout.setEncoding("utf8").on("data", (chunk) => {
      if (took === undefined && chunk.includes("\n")) took = performance.now() - t0;
    });
    child.stderr.resume();
    child.stdin.on("error", () => {});
    child.stdin.end(prompt);
    const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
    child.once("error", reject);
    child.once("close", (code) => {
      clearTimeout(timer);
      if (took === undefined) reject(new Error(`the fake CLI printed no line (exit ${code})`));
      else resolve(took);
    });
  });
}

// ---- 4. the real Claude Code CLI --------------------------------------------------------

async function realCli() {
  const n = opt["real-n"];
  console.log(`\n4. the real Claude Code CLI: ${n} tasks one at a time (+1 warm-up), 202 received → CLI spawned → first model request`);
  if (values.url && !values["model-url"]) {
    console.log("skipped under --url without --model-url: the first model request is read from the scripted model's GET /_requests");
    return { skipped: "--url without --model-url" };
  }
  if (!values.url && vars.ANTHROPIC_API_KEY) {
    console.log(
      "skipped: .dev.vars sets ANTHROPIC_API_KEY, so `npm run dev` would send the CLI to Anthropic's API, not to a scripted model",
    );
    return { skipped: "ANTHROPIC_API_KEY in .dev.vars" };
  }
  let modelUrl = values["model-url"]?.replace(/\/+$/, "");
  const reloadsBefore = reloads;
  if (!values.url) {
    // The model's port is chosen here so the bench knows where to read its requests. No
    // AGENT_BOT_CLAUDE (an undefined value leaves it out of the child's env): dev.mjs runs the real CLI.
    const modelPort = await freePort();
    modelUrl = `http://127.0.0.1:${modelPort}`;
    server = await startDevServer({
      args: capArgs,
      env: { AGENT_BOT_CLAUDE: undefined, FAKE_CLI_RECORD: undefined, MODEL_PORT: String(modelPort) },
    });
    url = server.url;
    reloads = watchReloads(server);
  }
  const samples = [];
  const failures = [];
  let reloadCount;
  try {
    if (server) {
      const says = /— claude: (.*?), cursor: /.exec(server.output())?.[1] ?? "(dev.mjs did not say)";
      const from = source ? "the same snapshot" : "the checkout itself";
      console.log(`ours: ${url} (wrangler dev + local runner, fresh state, from ${from}); claude: ${says}`);
      if (!/^real CLI .*scripted model/.test(says))
        throw new Error(`the dev server does not run the real CLI against a scripted model: ${says}`);
    } else {
      console.log(`ours: ${url}, its scripted model ${modelUrl}`);
    }
    // Our own model is cleared before each task; one given with --model-url is only read.
    await modelRequests(modelUrl, server ? "DELETE" : "GET");
    for (let i = 0; i < 1 + n; i++) {
      const warm = i === 0;
      const reloadsAtStart = reloads?.count();
      if (server && !warm) await modelRequests(modelUrl, "DELETE");
      const { taskId, ackAt, status } = await sendTriggering();
      if (!taskId) {
        failures.push(`webhook ${i + 1}: HTTP ${status}`);
        continue;
      }
      const detail = await waitFinal(taskId, opt["task-timeout"] * 1000);
      const times = detail && timeline(detail, ackAt);
      if (!times?.spawn) {
        failures.push(
          `${taskId}: ${detail ? `status ${detail.state.status}, no CLI spawn in its log${whyNot(detail)}` : `not final within ${opt["task-timeout"]} s`}`,
        );
        continue;
      }
      // The runner's workspace is mkdtemp("agent-bot-<task id, sanitised, 40 chars>-") (containers/runner/workspace.ts).
      const mark = `agent-bot-${taskId.replace(/[^A-Za-z0-9_-]/g, "_").slice(0, 40)}-`;
      const mine = (await modelRequests(modelUrl, "GET")).filter((r) => r.turn !== undefined && workingDirectory(r.body)?.includes(mark));
      const first = mine.find((r) => r.turn === 0);
      if (!first) {
        failures.push(`${taskId}: status ${detail.state.status}, no turn-0 model request from a working directory with ${mark}`);
        continue;
      }
      const sample = {
        taskId,
        status: detail.state.status,
        ...times,
        modelAt: first.receivedAt,
        firstModel: first.receivedAt - ackAt,
        spawnToModel: first.receivedAt - times.spawnAt,
        modelRequests: mine.length,
        mcpServers: mcpServersOf(detail),
        reloaded: reloads?.count() !== reloadsAtStart,
      };
      if (warm)
        console.log(
          `warm-up task (cold DOs, runner and CLI, not counted): 202 → CLI spawned ${ms(sample.spawn)}, → first model request ${ms(sample.firstModel)}`,
        );
      else samples.push(sample);
      await sleep(opt.gap);
    }
  } catch (error) {
    console.log(`part 4 stopped: ${error.message}`);
    failures.push(error.message);
  } finally {
    if (server) {
      reloadCount = reloads?.stop();
      await server.stop();
      server = undefined;
      reloads = reloadsBefore;
    }
  }
  const pick = (key) => percentiles(samples.map((s) => s[key]).filter((v) => v !== undefined));
  const stats = { ...breakdown(samples), firstModel: pick("firstModel"), spawnToModel: pick("spawnToModel") };
  console.log(`202 → CLI spawned over ${samples.length} tasks: ${fmt(stats.spawn)}`);
  console.log(`CLI spawned → first model request:   ${fmt(stats.spawnToModel)}`);
  console.log(`202 → first model request:           ${fmt(stats.firstModel)}`);
  printBreakdown(stats, {
    "CLI spawned → first CLI line": "the real CLI's init line",
    extra: [["CLI spawned → first model request", stats.spawnToModel, "CLI start-up to its turn-0 request"]],
  });
  const statuses = countBy(samples.map((s) => s.status));
  console.log(
    `statuses: ${JSON.stringify(statuses)}; model requests per task (main conversation): ${JSON.stringify(countBy(samples.map((s) => s.modelRequests)))}` +
      (failures.length ? `; not measured: ${failures.length} (${failures.slice(0, 3).join("; ")})` : ""),
  );
  const mcp = countBy(samples.map((s) => s.mcpServers ?? "not stated"));
  console.log(`MCP servers the CLI connected before its first request (from its init line): ${JSON.stringify(mcp)}`);
  if (reloadCount) printReloadNote(reloadCount, "part 4");
  return { url, modelUrl, samples: samples.length ? samples : undefined, stats, statuses, failures, reloads: reloadCount };
}

/** The MCP servers the runner's "claude session started" event lists (the CLI's init line), as "name (status), …". */
function mcpServersOf(detail) {
  const started = runnerEvents(detail).find((e) => e.type === "log" && /^claude session started/.test(e.message ?? ""));
  return started && (/; MCP (.*)$/.exec(started.message)?.[1] ?? "none");
}

/** The scripted model's recorded requests (GET /_requests), or forgets them (DELETE). */
async function modelRequests(modelUrl, method) {
  const response = await fetch(`${modelUrl}/_requests`, { method, signal: AbortSignal.timeout(10_000) });
  if (!response.ok) throw new Error(`${method} ${modelUrl}/_requests: ${response.status} ${(await response.text()).slice(0, 200)}`);
  return response.json();
}

/**
 * Part 4's baseline: `claude` spawned straight from Node the way the runner does it (its argv,
 * prompt on stdin, own process group, a private CLAUDE_CONFIG_DIR, a fresh git checkout with a
 * README as cwd) against a scripted model in this process, timed spawn() → the model receiving
 * the conversation's first request. Both stamps are this process's Date.now().
 */
async function realBaseline() {
  const n = opt["real-n"];
  const recorded = recordedRun();
  // The runner's MCP servers lived in the Worker, which has stopped: their flags are left out.
  const argv = withoutMcpConfig(recorded?.argv ?? CLAUDE_ARGV);
  const prompt = recorded?.prompt ?? "@agent-bot please take a look";
  const bin = claudeBinary();
  const model = await startScriptedModel({ script: () => [{ text: "ok" }] });
  const env = {
    ...process.env,
    ANTHROPIC_BASE_URL: model.url,
    ANTHROPIC_API_KEY: "dev-scripted-model",
    CLAUDE_CODE_MAX_RETRIES: "2",
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: "1",
    DISABLE_AUTOUPDATER: "1",
    ...(process.getuid?.() === 0 ? { IS_SANDBOX: "1" } : {}),
  };
  console.log(
    `\n4b. baseline: ${relative(process.cwd(), bin) || bin} spawned from Node ${n} times against an in-process scripted model, ` +
      `spawn() → first model request (argv: ${argv.join(" ")})`,
  );
  const samples = [];
  const failures = [];
  try {
    for (let i = 0; i < n; i++) {
      try {
        samples.push(await firstModelRequest(bin, argv, prompt, env, model));
      } catch (error) {
        failures.push(error.message);
      }
    }
  } finally {
    await model.stop();
  }
  const stats = percentiles(samples);
  console.log(
    `spawn() → first model request: ${fmt(stats)}${failures.length ? `; failed: ${failures.length} (${failures.slice(0, 2).join("; ")})` : ""}`,
  );
  return { samples, stats, failures, bin, argv, promptChars: prompt.length };
}

function firstModelRequest(bin, argv, prompt, env, model) {
  const dir = mkdtempSync(join(scratch, "real-cli-"));
  const cwd = join(dir, "workspace");
  mkdirSync(cwd);
  writeFileSync(join(cwd, "README.md"), "# Hello-World\n\nA local stand-in for the sample repository.\n");
  const git = spawnSync(
    "sh",
    ["-c", "git init -q -b main && git add README.md && git -c user.name=bench -c user.email=bench@localhost commit -qm 'Initial commit'"],
    { cwd, encoding: "utf8" },
  );
  if (git.status !== 0) throw new Error(`git init in ${cwd}: ${git.stderr}`);
  model.clear();
  return new Promise((resolve, reject) => {
    const t0 = Date.now();
    const child = (baselineChild = spawn(bin, argv, {
      cwd,
      env: { ...env, CLAUDE_CONFIG_DIR: join(dir, "claude") },
      detached: true,
      stdio: ["pipe", "pipe", "pipe"],
    }));
    let stderr = "";
    child.stdout.resume();
    child.stderr.setEncoding("utf8").on("data", (chunk) => (stderr = (stderr + chunk).slice(-2_000)));
    child.stdin.on("error", () => {});
    child.stdin.end(prompt);
    // Let it finish ("ok" ends the turn), so the next spawn starts on a quiet machine.
    const timer = setTimeout(() => killTree(child, "SIGKILL"), 60_000);
    child.once("error", reject);
    child.once("close", (code, signal) => {
      clearTimeout(timer);
      rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
      const first = model.requests.find((r) => r.turn === 0);
      if (first) resolve(first.receivedAt - t0);
      else reject(new Error(`the CLI sent no turn-0 request (exit ${signal ?? code}; ${stderr.trim().split("\n").at(-1) ?? ""})`));
    });
  });
}

/** The `claude` dev.mjs gives the runner: on PATH, else the pinned dev dependency. */
function claudeBinary() {
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    if (dir && existsSync(join(dir, "claude"))) return join(dir, "claude");
  }
  return fileURLToPath(new URL("../node_modules/.bin/claude", import.meta.url));
}

function withoutMcpConfig(argv) {
  const out = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "--mcp-config") i++;
    else if (argv[i] !== "--strict-mcp-config") out.push(argv[i]);
  }
  return out;
}

function killTree(child, signal) {
  try {
    process.kill(-child.pid, signal);
  } catch {
    child.kill(signal);
  }
}

// ---- summary ------------------------------------------------------------------------

function summary({ dispatch, throughput, baseline, realCli, realBaseline }) {
  const d = dispatch.stats;
  const b = baseline.stats;
  const num = (v) => (Number.isFinite(v) ? v.toFixed(0) : "n/a");
  const row = (name, ours, base) =>
    console.log(
      `${name.padEnd(34)}${num(ours).padStart(8)}${num(base).padStart(10)}${(Number.isFinite(ours / base) ? `${(ours / base).toFixed(1)}x` : "n/a").padStart(11)}`,
    );
  // Like for like: the baseline ends at the CLI's first line, so ours does too. The part
  // before spawn is what the platform adds; the part after it is the CLI's own start-up.
  console.log(`\n${"(ms)".padEnd(34)}${"ours".padStart(8)}${"baseline".padStart(10)}${"ours/base".padStart(11)}`);
  console.log(`replaying fake CLI (parts 1 and 3)`);
  row("p50 202 → first CLI line", d.firstOutput.p50, b.p50);
  row("p99 202 → first CLI line", d.firstOutput.p99, b.p99);
  const startup = d.segments["CLI spawned → first CLI line"];
  row("p50 spawn → first CLI line", startup.p50, b.p50);
  console.log(
    `(ours: 202 received → the runner's first event from CLI output; baseline: spawn() → first stdout line.` +
      `\n spawn → first line is what the runner adds around the CLI's own start-up; before it, 202 → CLI spawned p50 ${d.spawn.p50.toFixed(0)} ms)`,
  );
  // The same rows for the real CLI, ending where its start-up ends: its first model request.
  if (realCli?.samples && realBaseline) {
    const r = realCli.stats;
    const rb = realBaseline.stats;
    console.log(`real Claude Code CLI (part 4, ${realCli.samples.length} tasks; baseline ${realBaseline.samples.length} direct spawns)`);
    row("p50 202 → first model request", r.firstModel.p50, rb.p50);
    row("p99 202 → first model request", r.firstModel.p99, rb.p99);
    row("p50 spawn → first model request", r.spawnToModel.p50, rb.p50);
    console.log(
      `(ours: 202 received → the scripted model receives the task's first request; baseline: spawn() → the same, claude run` +
        ` straight from Node.\n The CLI's own start-up (baseline p50 ${num(rb.p50)} ms) is ${num((rb.p50 / r.firstModel.p50) * 100)}% of ours` +
        ` p50 202 → first model request (${num(r.firstModel.p50)} ms); 202 → CLI spawned p50 is ${num(r.spawn.p50)} ms.` +
        `\n Ours connects the task's MCP servers, on the Worker, before that request; the baseline has none)`,
    );
  } else if (opt["real-n"] > 0) {
    console.log(
      `real Claude Code CLI: not measured (${realCli?.skipped ?? realCli?.failures?.slice(0, 2).join("; ") ?? "part 4 did not run"})`,
    );
  }

  const targets = { "dispatch p50 <= 300 ms": d.spawn.p50 <= 300 };
  if (throughput) targets[`${opt.tasks}/${opt.tasks} complete with no gaps`] = throughput.complete === opt.tasks;
  const verdicts = Object.entries(targets).map(([name, ok]) => `${ok ? "PASS" : "FAIL"} ${name}`);
  console.log(`\n${Object.values(targets).every(Boolean) ? "PASS" : "FAIL"}: ${verdicts.join("; ")}`);
  results.targets = targets;
  // Latency is a goal to print; a task that never ends or a log with holes is a bug.
  if (throughput && throughput.complete !== opt.tasks) process.exitCode = 1;
}

// ---- helpers ------------------------------------------------------------------------

/** Posts one signed issue_comment that mentions the bot; the 202 body's delivery id names the task. */
let issuesSent = 0;

async function sendTriggering() {
  const { payload } = loadSample("github", "issue_comment");
  // An issue of its own: a second mention on one issue is a turn of its task (docs/conversations.md).
  payload.issue.number = 1_000 + ++issuesSent;
  const body = JSON.stringify(makeTriggering("github", "issue_comment", payload, { handle: vars.BOT_HANDLE }));
  // signDelivery picks a fresh X-GitHub-Delivery each time, so every webhook is a new task.
  const { headers } = await signDelivery("github", { body, secret, eventType: "issue_comment" });
  // A connection error (a dev server restart) is redelivered with the same delivery id, as
  // GitHub would: if the first copy did get through, the platform deduplicates it.
  for (let attempt = 1; ; attempt++) {
    try {
      const response = await fetch(`${url}/webhooks/github`, { method: "POST", headers, body, signal: AbortSignal.timeout(10_000) });
      const json = await response.json().catch(() => ({}));
      const ackAt = Date.now(); // the ack is complete when its body is
      if (response.status !== 202 || !json.id) return { status: response.status };
      // workers/queue/task-spec.ts: the task id is the delivery id with another prefix.
      return { status: 202, ackAt, taskId: json.id.replace(/^dlv_/, "task_"), redelivered: attempt > 1 };
    } catch (error) {
      if (attempt >= 20) return { status: error.name === "TimeoutError" ? "timeout" : "error" };
      await sleep(500);
    }
  }
}

/** An API GET that rides out a dev server restart: network errors are retried for up to ~15 s. */
async function apiGet(path) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fetch(`${url}${path}`, { headers: { authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(10_000) });
    } catch (error) {
      if (attempt >= 30) throw error;
      await sleep(500);
    }
  }
}

/**
 * GET /api/tasks/:id → { task, state, log }, or undefined while the consumer has not created it.
 * A 5xx is retried a few times (a Durable Object restarting); after that it throws.
 */
async function getTask(id) {
  for (let attempt = 1; ; attempt++) {
    const response = await apiGet(`/api/tasks/${id}`);
    if (response.status === 404) {
      await response.body?.cancel();
      return undefined;
    }
    if (response.ok) return response.json();
    const text = await response.text();
    if (response.status < 500 || attempt >= 5) throw new Error(`GET /api/tasks/${id}: ${response.status} ${text.slice(0, 200)}`);
    await sleep(1_000);
  }
}

async function waitFinal(id, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  let detail;
  while (Date.now() < deadline) {
    detail = await getTask(id);
    if (detail && FINAL.has(detail.state.status)) return detail;
    await sleep(TASK_POLL_MS);
  }
  return detail; // not final: the caller reports it
}

/** The task listing (newest first) back to `since`, all pages. */
async function listTasks(since) {
  const rows = [];
  let cursor = null;
  for (let pages = 0; pages < 50; pages++) {
    const query = new URLSearchParams({ vendor: "github", limit: "200", ...(cursor && { cursor }) });
    const response = await apiGet(`/api/tasks?${query}`);
    if (!response.ok) throw new Error(`GET /api/tasks: ${response.status} ${await response.text()}`);
    const page = await response.json();
    rows.push(...page.items);
    cursor = page.items.at(-1)?.createdAt < since - 5_000 ? null : page.nextCursor;
    if (!cursor) break;
  }
  return rows;
}

/** The delivery ledger (GET /api/events) back to `since`, by delivery id. */
async function ledgerRows(since) {
  const rows = new Map();
  let cursor = null;
  for (let pages = 0; pages < 50; pages++) {
    const query = new URLSearchParams({ vendor: "github", limit: "200", ...(cursor && { cursor }) });
    const response = await apiGet(`/api/events?${query}`);
    if (!response.ok) throw new Error(`GET /api/events: ${response.status} ${await response.text()}`);
    const page = await response.json();
    for (const row of page.items) rows.set(row.id, row);
    cursor = page.items.at(-1)?.receivedAt < since - 5_000 ? null : page.nextCursor;
    if (!cursor) break;
  }
  return rows;
}

/** ` (the task's failure reason)`, or nothing. */
function whyNot(detail) {
  const reason = detail.state.result?.reason;
  return reason ? ` (${reason.slice(0, 160)})` : "";
}

/** The latest attempt's runner events, in log order. */
function runnerEvents(detail) {
  const attempt = detail.state.attempts.at(-1)?.n ?? 1;
  return detail.log.filter((e) => e.type !== "note" && e.attempt === attempt && e.data).map((e) => JSON.parse(e.data));
}

/**
 * Milestones of one task, relative to its 202 (ms), plus absolute stamps for overlap counting.
 * The runner emits `phase: running` right before it spawns the CLI (containers/runner/run.ts →
 * cli-step.ts, same tick), so that event's `at` is the spawn; the next event is the CLI's first output.
 */
function timeline(detail, ackAt) {
  const transition = (status) => detail.state.transitions.find((t) => t.status === status)?.at;
  const events = runnerEvents(detail);
  const phase = (name) => events.find((e) => e.type === "phase" && e.phase === name);
  const running = phase("running");
  const output = running && events.find((e) => e.seq > running.seq);
  const rel = (at) => (at === undefined ? undefined : at - ackAt);
  // The TaskAgent notes the outcome of its first thread post (task-agent.ts syncThread) before it calls the runner.
  const attempt = detail.state.attempts.at(-1)?.n ?? 1;
  const threadNote = detail.log.find((e) => e.type === "note" && e.attempt === attempt && THREAD_NOTE.test(e.message));
  return {
    created: rel(transition("queued")),
    preparing: rel(transition("preparing")),
    threadPosted: rel(threadNote?.at),
    runner: rel(events[0]?.at), // the runner's first event (cloning, or preparing without a repo)
    cloned: rel(phase("preparing")?.at),
    spawn: rel(running?.at),
    firstOutput: rel(output?.at),
    runnerAt: events[0]?.at,
    spawnAt: running?.at,
    resultAt: events.findLast((e) => e.type === "result")?.at,
  };
}

/** Runner events per attempt must be numbered 1, 2, 3… in log order; the last attempt must end in a result. */
function checkLog(detail) {
  const problems = [];
  if (detail.log.length >= API_LOG_LIMIT) problems.push(`log has ${detail.log.length} entries, the API's page limit: cannot check it all`);
  const attempts = new Map();
  for (const entry of detail.log) {
    if (entry.type === "note") continue;
    let event;
    try {
      event = JSON.parse(entry.data);
    } catch {
      problems.push(`attempt ${entry.attempt}: log #${entry.seq} has unreadable data`);
      continue;
    }
    if (!attempts.has(entry.attempt)) attempts.set(entry.attempt, []);
    attempts.get(entry.attempt).push(event);
  }
  for (const [attempt, events] of attempts) {
    const bad = events.findIndex((e, i) => e.seq !== i + 1);
    if (bad >= 0)
      problems.push(`attempt ${attempt}: runner event #${bad + 1} in the log has seq ${events[bad].seq} (gap, duplicate or reorder)`);
  }
  const lastAttempt = detail.state.attempts.at(-1)?.n;
  const last = attempts.get(lastAttempt)?.at(-1);
  if (last?.type !== "result")
    problems.push(`attempt ${lastAttempt}: last runner event is ${last ? `${last.type} #${last.seq}` : "missing"}, not a result`);
  return problems;
}

function breakdown(samples) {
  const pick = (key) => samples.map((s) => s[key]).filter((v) => v !== undefined);
  const stats = { spawn: percentiles(pick("spawn")), firstOutput: percentiles(pick("firstOutput")), segments: {} };
  for (const [label, from, to] of SEGMENTS) {
    const deltas = samples
      .filter((s) => s[to] !== undefined && (from === undefined || s[from] !== undefined))
      .map((s) => s[to] - (from ? s[from] : 0));
    stats.segments[label.trim()] = percentiles(deltas);
  }
  return stats;
}

/** `notes` replaces a segment's description by its label; its `extra` rows ([label, stats, what]) follow. */
function printBreakdown(stats, { extra = [], ...notes } = {}) {
  console.log(`  where the time goes (ms)             p50     p99`);
  const num = (v) => (Number.isFinite(v) ? v.toFixed(0) : "n/a");
  const rows = [...SEGMENTS.map(([label, , , what]) => [label, stats.segments[label.trim()], notes[label.trim()] ?? what]), ...extra];
  for (const [label, s, what] of rows) console.log(`  ${label.padEnd(33)}${num(s.p50).padStart(6)}${num(s.p99).padStart(8)}   ${what}`);
}

/** Copies the source tree (node_modules linked, not copied) into the scratch dir; returns its path. */
function snapshotCheckout() {
  const root = fileURLToPath(new URL("../", import.meta.url));
  const dir = join(scratch, "checkout");
  const skip = new Set(["node_modules", ".git", ".wrangler", "dist", "coverage", "test-results"]);
  cpSync(root, dir, {
    recursive: true,
    filter: (path) => {
      const rel = relative(root, path);
      return !skip.has(rel.split(sep)[0]) && rel !== join("bench", "results");
    },
  });
  symlinkSync(join(root, "node_modules"), join(dir, "node_modules"), "dir");
  return dir;
}

/**
 * Counts "Reloading local server" lines in the dev server's output. output() is a 64 KB tail,
 * so each sample is lined up with the previous one by the previous one's last 256 characters.
 */
function watchReloads(devServer) {
  const MARK = "Reloading local server";
  let count = 0;
  let previous = devServer.output();
  const sample = () => {
    const current = devServer.output();
    const anchor = previous.slice(-256);
    const at = anchor ? current.lastIndexOf(anchor) : -1;
    const fresh = at >= 0 ? current.slice(at + anchor.length) : current; // lost the anchor: count the whole tail
    count += fresh.split(MARK).length - 1;
    previous = current;
  };
  const timer = setInterval(sample, 500);
  return {
    count() {
      sample();
      return count;
    },
    stop() {
      clearInterval(timer);
      sample();
      return count;
    },
  };
}

/** The most intervals [start, end] open at one moment. */
function peakOverlap(intervals) {
  const edges = intervals
    .filter(([a, b]) => a !== undefined && b !== undefined)
    .flatMap(([a, b]) => [
      [a, 1],
      [b, -1],
    ]);
  edges.sort((x, y) => x[0] - y[0] || x[1] - y[1]); // an end before a start at the same ms
  let open = 0;
  let peak = 0;
  for (const [, step] of edges) peak = Math.max(peak, (open += step));
  return peak;
}

async function mapLimit(items, limit, fn) {
  const out = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i]);
      }
    }),
  );
  return out;
}

function countBy(list) {
  const counts = {};
  for (const item of list) counts[item] = (counts[item] ?? 0) + 1;
  return counts;
}

function ms(v) {
  return Number.isFinite(v) ? (v >= 10_000 ? `${(v / 1000).toFixed(1)} s` : `${v.toFixed(0)} ms`) : "n/a";
}

function fmt(p) {
  return `p50 ${ms(p.p50)}  p95 ${ms(p.p95)}  p99 ${ms(p.p99)}  max ${ms(p.max)}`;
}
