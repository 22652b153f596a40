#!/usr/bin/env node
// `npm run bench:ingest [-- options]`: floods agent-bot's GitHub webhook with N
// signed issue_comment deliveries at concurrency C and measures the ack (202)
// latency, then checks through the API that the consumer recorded every accepted
// delivery exactly once. The same flood then hits the baseline a user would
// otherwise pick, @octokit/webhooks on node:http, for comparison.
//
// options: --n <count> --concurrency <C> --url <running agent-bot> --token <API token>
//          --secret <GitHub webhook secret> --json (write bench/results/ingest-<time>.json)
import { Webhooks } from "@octokit/webhooks";
import { randomUUID } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { loadavg } from "node:os";
import { setTimeout as sleep } from "node:timers/promises";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { Worker, isMainThread, parentPort, workerData } from "node:worker_threads";
import { loadSample } from "../scripts/samples.mjs";
import { signDelivery } from "../scripts/webhook-signer.mjs";
import { devVars, startDevServer } from "../test/support/dev-server.mjs";
import { percentiles } from "./percentiles.mjs";

const FLOOD_BUDGET_MS = 60_000; // a flood stops at N requests or after this, whichever is first
// A slow consumer is not a lossy one: keep reading the ledger while it still grows,
// give up after this long without progress, and never wait past the hard cap.
const LEDGER_STALL_MS = 15_000;
const LEDGER_WAIT_MS = 180_000;

// ---- Baseline: runs in a worker thread so it gets its own event loop, as workerd is its own process.
if (!isMainThread) {
  const webhooks = new Webhooks({ secret: workerData.secret });
  const queue = [];
  const consumed = new Map(); // delivery id → times consumed
  let draining = false;
  // The "consumer": drains off the request path, like a queue consumer would.
  const drain = () => {
    for (const event of queue.splice(0)) consumed.set(event.id, (consumed.get(event.id) ?? 0) + 1);
    draining = false;
  };
  webhooks.onAny((event) => {
    queue.push(event);
    if (!draining) (draining = true), setImmediate(drain);
  });

  const server = createServer(async (req, res) => {
    const chunks = [];
    for await (const chunk of req) chunks.push(chunk);
    const id = req.headers["x-github-delivery"];
    try {
      await webhooks.verifyAndReceive({
        id,
        name: req.headers["x-github-event"],
        payload: Buffer.concat(chunks).toString("utf8"),
        signature: req.headers["x-hub-signature-256"],
      });
      res.writeHead(202, { "content-type": "application/json" }).end(JSON.stringify({ id, status: "queued" }));
    } catch (error) {
      res.writeHead(error.status ?? 400, { "content-type": "application/json" }).end(JSON.stringify({ error: String(error.message) }));
    }
  });
  server.listen(0, "127.0.0.1", () => parentPort.postMessage({ port: server.address().port }));
  parentPort.on("message", () => parentPort.postMessage({ consumed: [...consumed], pending: queue.length }));
} else if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  // Run only as a script, so other benches (bench/dispatch.mjs) can import the helpers below.
  await main();
}

async function main() {
  const { values } = parseArgs({
    options: {
      n: { type: "string", default: "1000" }, // ~1 min on 2 cores: wrangler dev acks ~50-100 req/s
      concurrency: { type: "string", default: "64" },
      url: { type: "string" },
      token: { type: "string" },
      secret: { type: "string" },
      json: { type: "boolean", default: false },
    },
  });
  const n = Number(values.n);
  const concurrency = Number(values.concurrency);
  if (!(n > 0 && concurrency > 0)) throw new Error("--n and --concurrency must be positive numbers");
  const vars = devVars();
  const secret = values.secret ?? vars.GITHUB_WEBHOOK_SECRET ?? "dev-github-secret";
  const token = values.token ?? vars.API_TOKEN ?? "dev-api-token";

  // The sample unchanged: it mentions no one, so it exercises ingest + dedup + ledger, not task creation.
  const body = JSON.stringify(loadSample("github", "issue_comment").payload);
  // The signature covers the body only, so one signing serves every delivery id.
  const { headers } = await signDelivery("github", { body, secret, eventType: "issue_comment" });
  const load = { n, concurrency, body, headers };

  // Other work on the machine shares the CPU with both servers and the client: say how much.
  console.log(
    `ingest bench: N=${n} C=${concurrency}, GitHub issue_comment sample (${body.length} bytes), load average ${loadavg()[0].toFixed(2)}`,
  );

  const server = values.url ? undefined : await startDevServer();
  process.once("SIGINT", async () => {
    await server?.stop();
    process.exit(130);
  });
  const url = values.url ?? server.url;
  let ours;
  let floor;
  try {
    console.log(`ours: ${url}${server ? " (wrangler dev, fresh state)" : ""}`);
    // The floor: the same flood on a route that does nothing, so what wrangler dev's
    // own proxying costs on this machine is visible next to what our handler adds.
    floor = await flood(`${url}/health`, { ...load, method: "GET", body: undefined, headers: {} }, 200);
    report("wrangler dev floor (GET /health)", floor, 200);
    const since = Date.now();
    ours = await flood(`${url}/webhooks/github`, load);
    report("ours", ours);
    if (ours.accepted.length === 0) {
      console.error(
        `no delivery was accepted (statuses ${JSON.stringify(ours.statuses)}, errors ${ours.errors}): wrong --secret or --url?`,
      );
      process.exitCode = 2;
      return;
    }
    ours.ledger = await ledgerCheck(url, token, ours.accepted, since);
    const { seen, complete, ms, atFloodEnd, drainRate, lost, doubled } = ours.ledger;
    console.log(
      `ours ledger: ${seen}/${ours.accepted.length} accepted deliveries recorded ${complete ? "" : "when it gave up "}` +
        `${(ms / 1000).toFixed(1)} s after the flood (${atFloodEnd} by its end, then ${drainRate.toFixed(1)}/s)  lost ${lost}  doubled ${doubled}`,
    );
  } finally {
    // Stop ours before the baseline runs, so the two never share the CPU.
    await server?.stop();
  }

  const baseline = await withBaseline(secret, async (baseUrl, consumed) => {
    console.log(`baseline: @octokit/webhooks verifyAndReceive on node:http, ${baseUrl}`);
    const result = await flood(`${baseUrl}/webhooks/github`, load);
    report("baseline", result);
    const counts = new Map(await consumed());
    result.ledger = {
      lost: result.accepted.filter((id) => !counts.has(id)).length,
      doubled: [...counts.values()].filter((count) => count > 1).length,
    };
    console.log(`baseline consumer: lost ${result.ledger.lost}  doubled ${result.ledger.doubled}`);
    return result;
  });

  const ratio = (a, b) => (b ? a / b : NaN);
  console.log(
    `\nour handler over the wrangler dev floor: p50 +${(ours.latency.p50 - floor.latency.p50).toFixed(1)} ms, p99 +${(ours.latency.p99 - floor.latency.p99).toFixed(1)} ms, throughput ${(ours.throughput / floor.throughput).toFixed(2)}x of the floor`,
  );
  const rows = [
    ["throughput (req/s)", ours.throughput, baseline.throughput],
    ["p50 ack (ms)", ours.latency.p50, baseline.latency.p50],
    ["p99 ack (ms)", ours.latency.p99, baseline.latency.p99],
  ];
  console.log(`\n${"".padEnd(20)}${"ours".padStart(10)}${"baseline".padStart(10)}${"ours/base".padStart(11)}`);
  for (const [name, a, b] of rows) {
    console.log(`${name.padEnd(20)}${a.toFixed(1).padStart(10)}${b.toFixed(1).padStart(10)}${`${ratio(a, b).toFixed(2)}x`.padStart(11)}`);
  }

  const targets = {
    [`p99 <= 50 ms at C=${concurrency}`]: ours.latency.p99 <= 50,
    "lost = 0": ours.ledger.lost === 0,
    "doubled = 0": ours.ledger.doubled === 0,
    "throughput >= baseline": ours.throughput >= baseline.throughput,
  };
  const verdicts = Object.entries(targets).map(([name, ok]) => `${ok ? "PASS" : "FAIL"} ${name}`);
  console.log(`\n${Object.values(targets).every(Boolean) ? "PASS" : "FAIL"}: ${verdicts.join("; ")}`);

  if (values.json) {
    mkdirSync(new URL("results/", import.meta.url), { recursive: true });
    const file = new URL(`results/ingest-${new Date().toISOString().replace(/[:.]/g, "-")}.json`, import.meta.url);
    const strip = ({ accepted, ...rest }) => ({ ...rest, acceptedCount: accepted.length });
    writeFileSync(
      file,
      JSON.stringify({ n, concurrency, url, floor: strip(floor), ours: strip(ours), baseline: strip(baseline), targets }, null, 2),
    );
    console.log(`wrote ${file.pathname}`);
  }
  // Latency targets are goals to print; losing or doubling a delivery is a bug.
  if (ours.ledger.lost > 0 || ours.ledger.doubled > 0) process.exitCode = 1;
}

/** C concurrent lanes share one counter up to N; each request gets a fresh delivery id. */
async function flood(target, { n, concurrency, body, headers, method = "POST" }, okStatus = 202) {
  const latencies = [];
  const accepted = [];
  const statuses = {};
  let errors = 0;
  let next = 0;
  const started = performance.now();
  const deadline = started + FLOOD_BUDGET_MS;
  const lane = async () => {
    while (next < n && performance.now() < deadline) {
      next++;
      const id = randomUUID();
      const t0 = performance.now();
      try {
        const response = await fetch(target, {
          method,
          headers: { ...headers, "x-github-delivery": id },
          body,
          signal: AbortSignal.timeout(10_000),
        });
        await response.arrayBuffer(); // the ack is complete when its body is
        latencies.push(performance.now() - t0);
        statuses[response.status] = (statuses[response.status] ?? 0) + 1;
        if (response.status === okStatus) accepted.push(id);
      } catch {
        errors++;
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, lane));
  const seconds = (performance.now() - started) / 1000;
  return { sent: next, accepted, statuses, errors, seconds, throughput: accepted.length / seconds, latency: percentiles(latencies) };
}

function report(name, r, okStatus = 202) {
  const ms = (v) => `${v.toFixed(1)} ms`;
  console.log(
    `${name}: ${r.accepted.length}/${r.sent} acked ${okStatus} in ${r.seconds.toFixed(2)} s = ${r.throughput.toFixed(1)} req/s` +
      `  p50 ${ms(r.latency.p50)}  p95 ${ms(r.latency.p95)}  p99 ${ms(r.latency.p99)}  max ${ms(r.latency.max)}` +
      (r.accepted.length < r.sent ? `  statuses ${JSON.stringify(r.statuses)} errors ${r.errors}` : ""),
  );
}

/**
 * Reads the delivery ledger through GET /api/events (newest first) until every accepted
 * delivery id is there, or it stops growing (LEDGER_STALL_MS), or LEDGER_WAIT_MS passes.
 * Rows older than the run end a pass early.
 */
async function ledgerCheck(url, token, ids, since) {
  const wanted = new Set(ids);
  const started = Date.now();
  let seen = new Map();
  let atFloodEnd;
  let progressAt = started;
  let lastSize = 0;
  while (true) {
    seen = new Map();
    let cursor = null;
    do {
      const query = new URLSearchParams({ vendor: "github", limit: "200", ...(cursor && { cursor }) });
      const response = await fetch(`${url}/api/events?${query}`, { headers: { authorization: `Bearer ${token}` } });
      if (!response.ok) throw new Error(`GET /api/events: ${response.status} ${await response.text()}`);
      const page = await response.json();
      for (const row of page.items) {
        // The ledger's key is "<hook id>:<X-GitHub-Delivery>".
        const delivery = row.deliveryKey.slice(row.deliveryKey.indexOf(":") + 1);
        if (wanted.has(delivery)) seen.set(delivery, (seen.get(delivery) ?? 0) + 1);
      }
      cursor = page.items.at(-1)?.receivedAt < since - 5_000 ? null : page.nextCursor;
    } while (cursor);
    atFloodEnd ??= seen.size;
    if (seen.size > lastSize) (lastSize = seen.size), (progressAt = Date.now());
    if (seen.size === wanted.size || Date.now() - progressAt > LEDGER_STALL_MS || Date.now() - started > LEDGER_WAIT_MS) break;
    await sleep(1_000);
  }
  return {
    seen: seen.size,
    complete: seen.size === wanted.size,
    ms: Date.now() - started,
    atFloodEnd,
    // How fast the queue consumer caught up once ingestion stopped competing with it for CPU.
    drainRate: ((seen.size - atFloodEnd) * 1000) / Math.max(1, Date.now() - started),
    lost: wanted.size - seen.size,
    doubled: [...seen.values()].filter((count) => count > 1).length,
  };
}

/** Runs `use(url, consumed)` against the baseline server in a worker thread, then ends it. */
async function withBaseline(secret, use) {
  const worker = new Worker(new URL(import.meta.url), { workerData: { secret } });
  try {
    const { port } = await new Promise((resolve, reject) => {
      worker.once("message", resolve);
      worker.once("error", reject);
    });
    const consumed = async () => {
      // Let the setImmediate consumer finish what the last requests queued.
      for (let i = 0; i < 50; i++) {
        const state = await new Promise((resolve) => {
          worker.once("message", resolve);
          worker.postMessage("stats");
        });
        if (state.pending === 0) return state.consumed;
        await sleep(100);
      }
      throw new Error("baseline consumer never drained");
    };
    return await use(`http://127.0.0.1:${port}`, consumed);
  } finally {
    await worker.terminate();
  }
}
