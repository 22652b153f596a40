// `npm run bench:graph [-- options]`: the knowledge graph at 100k entities and 1M edges.
//
// 1. Setup: every migration in migrations/ applied by `wrangler d1 migrations apply --local`
//    to a throwaway persist dir, then a synthetic graph generated inside SQLite (recursive-CTE
//    INSERT … SELECT): hubs first (repositories, projects, channels, then people), items after;
//    edges pick their far end with a skewed draw, so a few hubs hold thousands of edges and
//    most entities a handful. Prints how long each step took.
// 2. Queries, timed inside workerd next to the D1 binding (bench/graph.worker.ts, bundled from
//    the real store.ts): 1- and 2-hop `neighbours` with hubs not walked through (the default) and
//    with `throughHubs` (the full walk), next to the recursive CTE it replaced, on the same start
//    nodes (the full walk must return exactly the CTE's results); `searchEntities` next to the
//    search it replaced (same results required); shortest paths (`findPath`) both ways.
// 3. Extraction: `extractGraph` on the real samples in Node, then extraction + `upsertExtraction`
//    into the same D1 inside workerd, as events per second.
//
// Targets: 2-hop p50 ≤ 10 ms, search p50 ≤ 5 ms (PASS/MISS; only printed).
// options: --entities N (100000) --edges M (1000000) --samples K (200) --limit L (100, the API default)
//          --json (write bench/results/graph-<time>.json)
import { build } from "esbuild";
import { Miniflare } from "miniflare";
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { HUB_DEGREE, HUB_TYPES } from "../core/graph-types";
import { extractGraph } from "../workers/graph/extract";
import { sampleEvents } from "./graph/sample-events";
import { ms, row, seconds, stats, type Stats } from "./graph/stats";
import { edgeChunkSql, entityColumns, idOf, layout, WORDS } from "./graph/synthetic";

const root = fileURLToPath(new URL("..", import.meta.url));
const { values } = parseArgs({
  options: {
    entities: { type: "string", default: "100000" },
    edges: { type: "string", default: "1000000" },
    samples: { type: "string", default: "200" },
    limit: { type: "string", default: "100" },
    json: { type: "boolean", default: false },
  },
});
const N = Number(values.entities);
const M = Number(values.edges);
const K = Number(values.samples);
const LIMIT = Number(values.limit);
if (![N, M, K, LIMIT].every((v) => Number.isInteger(v) && v > 0) || N < 100)
  throw new Error("--entities (≥ 100), --edges, --samples and --limit must be positive integers");
/** A series (one class × depth, all variants) stops sampling after this long; n says how far it got. */
const SERIES_SECONDS = 90;
const TARGETS = { twoHopP50: 10, searchP50: 5 };

// ---------------------------------------------------------------- running it

function run(command: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: root, env: { ...process.env, CI: "1", WRANGLER_SEND_METRICS: "false" } });
    let output = "";
    child.stdout.on("data", (d) => (output += d));
    child.stderr.on("data", (d) => (output += d));
    child.on("error", reject);
    child.on("close", (code) =>
      code === 0 ? resolve(output) : reject(new Error(`${command} ${args.join(" ")} exited ${code}:\n${output}`)),
    );
  });
}

const state = mkdtempSync(join(tmpdir(), "bench-graph-"));
let mf: Miniflare | undefined;
const cleanUp = async () => {
  await mf?.dispose().catch(() => undefined);
  mf = undefined;
  rmSync(state, { recursive: true, force: true });
};
process.once("SIGINT", () => void cleanUp().then(() => process.exit(130)));

async function call<T>(path: string, body: unknown): Promise<T> {
  const res = await mf!.dispatchFetch(`http://bench${path}`, { method: "POST", body: JSON.stringify(body) });
  const text = await res.text();
  if (!res.ok) throw new Error(`${path}: ${res.status} ${text.slice(0, 500)}`);
  return JSON.parse(text) as T;
}
const exec = (sql: string, params: unknown[] = []) => call<{ ms: number; meta: { changes: number } }>("/exec", { sql, params });
const query = <T>(sql: string, params: unknown[] = []) => call<T[]>("/query", { sql, params });

console.log(`graph bench: ${N} entities, ${M} edges, ${K} samples, limit ${LIMIT}, load average ${loadavg()[0]!.toFixed(2)}`);
const report: Record<string, unknown> = { entities: N, edges: M, samples: K, limit: LIMIT };
try {
  // ---- 1. setup
  const setup: Record<string, number> = {};
  let t = performance.now();
  const applied = await run(join(root, "node_modules/.bin/wrangler"), [
    "d1",
    "migrations",
    "apply",
    "DB",
    "--local",
    "--persist-to",
    state,
  ]);
  setup.migrations = performance.now() - t;
  const migrations = [...new Set([...applied.matchAll(/│\s*(\d{4}_[\w-]+\.sql)\s*│\s*✅/g)].map((m) => m[1]))];
  const databaseId = /database_id\s*=\s*"([^"]+)"/.exec(readFileSync(join(root, "wrangler.toml"), "utf8"))?.[1];
  if (!databaseId) throw new Error("no d1 database_id in wrangler.toml");

  t = performance.now();
  const bundle = await build({
    entryPoints: [join(root, "bench/graph.worker.ts")],
    bundle: true,
    format: "esm",
    platform: "neutral",
    target: "es2022",
    conditions: ["workerd", "worker", "browser"],
    external: ["cloudflare:*", "node:*"],
    write: false,
    logLevel: "silent",
  });
  mf = new Miniflare({
    modules: [{ type: "ESModule", path: "graph.worker.js", contents: bundle.outputFiles[0]!.text }],
    compatibilityDate: /compatibility_date\s*=\s*"([^"]+)"/.exec(readFileSync(join(root, "wrangler.toml"), "utf8"))?.[1] ?? "2026-04-20",
    compatibilityFlags: ["nodejs_compat"],
    d1Databases: { DB: databaseId },
    d1Persist: join(state, "v3", "d1"),
  });
  await mf.ready;
  setup.worker = performance.now() - t;
  const tables = await query<{ name: string }>("SELECT name FROM sqlite_master WHERE type IN ('table', 'view')");
  const hasFts = tables.some((r) => r.name === "graph_entities_fts");
  const columns = new Set((await query<{ name: string }>("SELECT name FROM pragma_table_info('graph_entities')")).map((r) => r.name));
  console.log(
    `migrations applied: ${migrations.join(", ")} (${seconds(setup.migrations)}); graph_entities_fts: ${hasFts ? "present" : "absent"}`,
  );

  t = performance.now();
  const ranges = layout(N);
  const now = Date.now();
  await exec("CREATE TABLE bench_words (i INTEGER PRIMARY KEY, w TEXT NOT NULL)");
  await exec(`INSERT INTO bench_words (i, w) SELECT key, value FROM json_each(?1)`, [JSON.stringify(WORDS)]);
  const repos = ranges[0]!.count;
  for (const r of ranges) {
    const col = entityColumns(r.type, repos);
    const withText = columns.has("text") && col.text;
    await exec(`INSERT INTO graph_entities (id, type, key, title, url, properties, ${withText ? "text, " : ""}first_seen, last_seen)
      WITH RECURSIVE c(n) AS (SELECT ${r.lo} UNION ALL SELECT n + 1 FROM c WHERE n < ${r.lo + r.count - 1}),
      r AS MATERIALIZED (SELECT n, abs(random()) % 15552000000 AS age FROM c)
      SELECT ${idOf("n")}, '${r.type}', ${col.key}, ${col.title}, ${col.url}, '{}', ${withText ? `${col.text}, ` : ""}${now} - age - 2592000000, ${now} - age FROM r`);
  }
  setup.entities = performance.now() - t;
  console.log(`entities: ${N} in ${seconds(setup.entities)}${hasFts ? " (FTS5 triggers included)" : ""}`);

  t = performance.now();
  const CHUNK = 250_000;
  let edges = 0;
  while (edges < M) {
    // Duplicates (same ends and type) are dropped, so every pass asks for what is still missing.
    await exec(edgeChunkSql(ranges, Math.min(CHUNK, M - edges), now));
    edges = (await query<{ n: number }>("SELECT count(*) AS n FROM graph_edges"))[0]!.n;
    process.stdout.write(`\redges: ${edges}/${M} ${seconds(performance.now() - t)}`);
  }
  setup.edges = performance.now() - t;
  console.log(`\redges: ${edges} in ${seconds(setup.edges)}          `);

  const totalSetup = setup.migrations + setup.worker + setup.entities + setup.edges;
  console.log(
    `setup: ${seconds(totalSetup)} (migrations ${seconds(setup.migrations)}, worker ${seconds(setup.worker)}, entities ${seconds(setup.entities)}, edges ${seconds(setup.edges)}, degree triggers included)`,
  );
  report.setup = setup;

  // The degree distribution, so "hub" and "typical" mean something.
  const degreeSql = `SELECT d, count(*) AS n FROM (
      SELECT id, sum(c) AS d FROM (SELECT source_id AS id, count(*) AS c FROM graph_edges GROUP BY source_id
                                   UNION ALL SELECT target_id, count(*) FROM graph_edges GROUP BY target_id) GROUP BY id)
    GROUP BY d ORDER BY d`;
  const histogram = await query<{ d: number; n: number }>(degreeSql);
  const connected = histogram.reduce((a, h) => a + h.n, 0);
  const degreeAt = (q: number) => {
    let seen = N - connected; // degree 0
    if (seen >= q * N) return 0;
    for (const h of histogram) if ((seen += h.n) >= q * N) return h.d;
    return histogram.at(-1)?.d ?? 0;
  };
  const topDegrees = histogram
    .slice(-5)
    .map((h) => h.d)
    .reverse();
  console.log(
    `degree (both directions): p50 ${degreeAt(0.5)}, p90 ${degreeAt(0.9)}, p99 ${degreeAt(0.99)}, p99.9 ${degreeAt(0.999)}, max ${topDegrees.join(", ")}; ${N - connected} isolated`,
  );

  // The hub rule: which entities walks do not cross, by type and by degree (graph_entities.degree).
  const hubTypes = [...HUB_TYPES].map((h) => `'${h}'`).join(", ");
  const hubCounts = await query<{ type: string; n: number; hubs: number; p50: number; max: number }>(
    `SELECT type, count(*) AS n, sum(type IN (${hubTypes}) OR degree >= ${HUB_DEGREE}) AS hubs, max(degree) AS max FROM graph_entities GROUP BY type ORDER BY max DESC`,
  );
  const hubTotal = hubCounts.reduce((a, r) => a + r.hubs, 0);
  console.log(
    `hubs (not walked through by default): ${hubTotal} of ${N} (${((100 * hubTotal) / N).toFixed(2)}%): types ${[...HUB_TYPES].join(", ")}, and degree ≥ ${HUB_DEGREE}. ` +
      `By type, hubs/entities (max degree): ${hubCounts.map((r) => `${r.type} ${r.hubs}/${r.n} (${r.max})`).join(", ")}`,
  );
  report.hubs = { total: hubTotal, degree: HUB_DEGREE, byType: hubCounts };

  // Start nodes: hubs are the top 0.1% by degree (at least 5); typical ones are drawn uniformly.
  const hubPool = Math.max(5, Math.round(N / 1000));
  const hubs = await query<{ id: string; d: number }>(
    `SELECT id, sum(c) AS d FROM (SELECT source_id AS id, count(*) AS c FROM graph_edges GROUP BY source_id
       UNION ALL SELECT target_id, count(*) FROM graph_edges GROUP BY target_id) GROUP BY id ORDER BY d DESC LIMIT ?1`,
    [hubPool],
  );
  const typical = await query<{ id: string; d: number }>(
    `SELECT s.id, (SELECT count(*) FROM graph_edges WHERE source_id = s.id) + (SELECT count(*) FROM graph_edges WHERE target_id = s.id) AS d
     FROM (SELECT id FROM graph_entities WHERE id LIKE 'ge_%' ORDER BY random() LIMIT ?1) s`,
    [K],
  );
  const hubSample = hubs.toSorted(() => Math.random() - 0.5).slice(0, Math.min(K, hubs.length));
  const range = (xs: { d: number }[]) =>
    `degree ${Math.min(...xs.map((x) => x.d))}–${Math.max(...xs.map((x) => x.d))}, median ${stats(xs.map((x) => x.d)).p50}`;
  console.log(`start nodes: ${typical.length} typical (${range(typical)}), ${hubSample.length} hubs (${range(hubSample)})`);

  // ---- 2. queries
  const floor = stats((await call<{ ms: number[] }>("/floor", { n: 200 })).ms);
  console.log(
    `\nworkerd → D1 floor (SELECT 1): p50 ${ms(floor.p50)} ms  p99 ${ms(floor.p99)} ms  mean ${floor.mean.toFixed(2)} ms (clock: 1 ms ticks)`,
  );

  const variants = ["default", "through", "cte"] as const;
  type Variant = (typeof variants)[number];
  const labels: Record<Variant, string> = {
    default: "neighbours (hubs not walked through)",
    through: "neighbours, throughHubs (full walk)",
    cte: "old recursive CTE (full walk)",
  };
  // Warm the page cache and workerd's code paths before anything is recorded.
  for (const s of [...typical.slice(0, 10), ...hubSample.slice(0, 2)])
    await call("/neighbours", { start: s.id, variants, depth: 1, limit: LIMIT });

  const neighbourResults: Record<string, Record<Variant, Stats> & { size: Stats; fullSize: Stats; mismatches: number; skipped: number }> =
    {};
  let mismatchExample: string | undefined;
  console.log(`\nneighbourhoods, limit ${LIMIT}: ms per call inside workerd (variants interleaved per start node)`);
  const widths = [8, 6, 38, 5, 7, 7, 7, 8];
  // size p50: neighbours returned (the default walk may find fewer than the limit).
  console.log(row(["class", "depth", "variant", "n", "p50", "p99", "mean", "size p50"], widths));
  for (const depth of [1, 2]) {
    for (const [cls, starts] of [
      ["typical", typical],
      ["hub", hubSample],
    ] as const) {
      const times: Record<Variant, number[]> = { default: [], through: [], cte: [] };
      const sizes: number[] = [];
      const fullSizes: number[] = [];
      let mismatches = 0;
      const began = performance.now();
      for (const s of starts.slice(0, 3)) await call("/neighbours", { start: s.id, variants, depth, limit: LIMIT });
      let i = 0;
      for (; i < starts.length && performance.now() - began < SERIES_SECONDS * 1000; i++) {
        const order = [...variants.slice(i % variants.length), ...variants.slice(0, i % variants.length)];
        const result = await call<{ ms: Record<Variant, number>; counts: Record<Variant, number>; same: boolean }>("/neighbours", {
          start: starts[i]!.id,
          variants: order,
          depth,
          limit: LIMIT,
        });
        for (const v of variants) times[v].push(result.ms[v]);
        sizes.push(result.counts.default);
        fullSizes.push(result.counts.through);
        if (!result.same) {
          mismatches++;
          mismatchExample ??= `${starts[i]!.id} depth ${depth}: throughHubs differs from the recursive CTE`;
        }
      }
      const entry = {
        default: stats(times.default),
        through: stats(times.through),
        cte: stats(times.cte),
        size: stats(sizes),
        fullSize: stats(fullSizes),
        mismatches,
        skipped: starts.length - i,
      };
      neighbourResults[`${cls}-${depth}`] = entry;
      for (const v of variants) {
        const st = entry[v];
        console.log(
          row(
            [
              cls,
              depth,
              labels[v],
              st.n,
              ms(st.p50),
              ms(st.p99),
              ms(st.mean),
              v === "default" ? entry.size.p50 : v === "through" ? entry.fullSize.p50 : "",
            ],
            widths,
          ),
        );
      }
      if (entry.skipped) console.log(`  (stopped after ${SERIES_SECONDS} s: ${entry.skipped} start nodes not sampled)`);
    }
  }
  const totalMismatches = Object.values(neighbourResults).reduce((a, r) => a + r.mismatches, 0);
  console.log(
    `throughHubs returns the recursive CTE's results (neighbours, depths, order, edges): ${totalMismatches === 0 ? "yes, on every start node" : `NO, ${totalMismatches} start nodes differ, e.g. ${mismatchExample}`}`,
  );

  console.log(`\ncomparison (old recursive CTE ÷ variant; > 1 means the variant is faster)`);
  console.log(row(["class", "depth", "alternative", "p50 ×", "p99 ×", "mean ×"], [8, 6, 38, 7, 7, 7]));
  for (const [key, r] of Object.entries(neighbourResults)) {
    const [cls, depth] = key.split("-");
    for (const v of ["default", "through"] as const) {
      const x = (a: number, b: number) => (b > 0 ? (a / b).toFixed(1) : a > 0 ? "∞" : "1.0");
      console.log(
        row([cls!, depth!, labels[v], x(r.cte.p50, r[v].p50), x(r.cte.p99, r[v].p99), x(r.cte.mean, r[v].mean)], [8, 6, 38, 7, 7, 7]),
      );
    }
  }

  // Search: words across the frequency range, two-word queries, and natural-key fragments.
  // Whatever searchEntities is now: the graph module that defines it says (store.ts re-exports it).
  const graphDir = join(root, "workers/graph");
  const searchSource = readdirSync(graphDir)
    .filter((f) => f.endsWith(".ts"))
    .map((f) => readFileSync(join(graphDir, f), "utf8"))
    .find((text) => text.includes("export async function searchEntities"));
  const searchImpl = !searchSource
    ? "unknown (no searchEntities found)"
    : /graph_entities_fts\s+MATCH|MATCH \?/.test(searchSource)
      ? "FTS5 (graph_entities_fts MATCH, bm25)"
      : /LIKE/.test(searchSource)
        ? "LIKE over title and key"
        : "unknown (see workers/graph)";
  const keyFragments = (
    await query<{ key: string }>(`SELECT key FROM graph_entities WHERE type IN ('jira_issue', 'sentry_issue') ORDER BY random() LIMIT ?1`, [
      K,
    ])
  ).map((r) => r.key.split(":").at(-1)!);
  const kinds: Record<string, () => string> = {
    "common word": () => WORDS[Math.floor(Math.random() * 10)]!,
    "mid word": () => WORDS[40 + Math.floor(Math.random() * 40)]!,
    "rare word": () => WORDS[WORDS.length - 1 - Math.floor(Math.random() * 30)]!,
    "two words": () => `${WORDS[Math.floor(Math.random() * 40)]} ${WORDS[Math.floor(Math.random() * 40)]}`,
    "key (PAY-142 style)": () => keyFragments[Math.floor(Math.random() * keyFragments.length)] ?? "P1-1",
  };
  for (let i = 0; i < 20; i++) await call("/search", { query: Object.values(kinds)[i % 5]!(), limit: 50 });
  const searchTimes: Record<string, number[]> = Object.fromEntries(Object.keys(kinds).map((k) => [k, []]));
  const searchCounts: Record<string, number[]> = Object.fromEntries(Object.keys(kinds).map((k) => [k, []]));
  const oldSearchTimes: Record<string, number[]> = Object.fromEntries(Object.keys(kinds).map((k) => [k, []]));
  let searchDiffers = 0;
  let searchDiffExample: string | undefined;
  const searchBegan = performance.now();
  for (let i = 0; i < K && performance.now() - searchBegan < SERIES_SECONDS * 1000; i++) {
    const kind = Object.keys(kinds)[i % 5]!;
    const q = kinds[kind]!();
    const r = await call<{ ms: number; oldMs: number; count: number; same: boolean }>("/search", { query: q, limit: 50 });
    searchTimes[kind]!.push(r.ms);
    oldSearchTimes[kind]!.push(r.oldMs);
    searchCounts[kind]!.push(r.count);
    if (!r.same) {
      searchDiffers++;
      searchDiffExample ??= q;
    }
  }
  const allSearch = stats(Object.values(searchTimes).flat());
  const allOldSearch = stats(Object.values(oldSearchTimes).flat());
  console.log(`\nsearch: searchEntities, limit 50 (the API default), implementation: ${searchImpl}`);
  console.log(`  (every match scored by bm25 and joined, then the LIMIT; "alt" ranks inside FTS5 first and joins only the top rows)`);
  const sw = [22, 5, 7, 7, 7, 8, 9, 9];
  console.log(row(["query", "n", "p50", "p99", "mean", "hits p50", "alt p50", "alt p99"], sw));
  for (const kind of Object.keys(kinds)) {
    const st = stats(searchTimes[kind]!);
    const old = stats(oldSearchTimes[kind]!);
    console.log(row([kind, st.n, ms(st.p50), ms(st.p99), ms(st.mean), stats(searchCounts[kind]!).p50, ms(old.p50), ms(old.p99)], sw));
  }
  console.log(
    row(["all", allSearch.n, ms(allSearch.p50), ms(allSearch.p99), ms(allSearch.mean), "", ms(allOldSearch.p50), ms(allOldSearch.p99)], sw),
  );
  // Informational: the alternative may order rows tied in score at the cut differently.
  console.log(
    `alternative gives the same ids in the same order: ${searchDiffers === 0 ? "yes, for every query" : `no for ${searchDiffers} queries (ties at the cut), e.g. ${JSON.stringify(searchDiffExample)}`}`,
  );

  // Shortest paths between random typical entities (and typical → hub).
  const pairs: [string, string][] = [];
  for (let i = 0; i < K; i++) {
    const a = typical[i % typical.length]!.id;
    pairs.push([a, i % 4 === 3 ? hubSample[i % hubSample.length]!.id : typical[(i * 7 + 1) % typical.length]!.id]);
  }
  for (const [from, to] of pairs.slice(0, 5)) await call("/path", { from, to, throughHubs: false });
  const pathTimes: Record<"default" | "through", number[]> = { default: [], through: [] };
  const hops: Record<"default" | "through", Map<number, number>> = { default: new Map(), through: new Map() };
  const pathBegan = performance.now();
  for (const [i, [from, to]] of pairs.entries()) {
    if (performance.now() - pathBegan > SERIES_SECONDS * 1000) break;
    for (const mode of i % 2 ? (["through", "default"] as const) : (["default", "through"] as const)) {
      const r = await call<{ ms: number; hops: number }>("/path", { from, to, throughHubs: mode === "through" });
      pathTimes[mode].push(r.ms);
      hops[mode].set(r.hops, (hops[mode].get(r.hops) ?? 0) + 1);
    }
  }
  const path = { default: stats(pathTimes.default), through: stats(pathTimes.through) };
  const pathImpl = "store.findPath (bidirectional BFS, maxDepth 4)";
  console.log(`\nshortest path: ${pathImpl}, typical → typical and (every 4th) typical → hub`);
  for (const mode of ["default", "through"] as const) {
    const st = path[mode];
    const label = mode === "default" ? "hubs only as ends   " : "throughHubs         ";
    console.log(
      `  ${label} n ${st.n}  p50 ${ms(st.p50)} ms  p99 ${ms(st.p99)} ms  mean ${ms(st.mean)} ms  hops: ${[...hops[mode]]
        .sort((x, y) => x[0] - y[0])
        .map(([h, c]) => `${h < 0 ? "none" : h}×${c}`)
        .join(", ")}`,
    );
  }

  // ---- 3. extraction
  const events = sampleEvents();
  const perVendor = new Map<string, number>();
  for (const e of events) perVendor.set(e.vendor, (perVendor.get(e.vendor) ?? 0) + 1);
  const byVendor = [...perVendor].map(([v, n]) => `${v} ${n}`).join(", ");
  let extracted = 0;
  let elements = 0;
  const warmUntil = performance.now() + 500;
  while (performance.now() < warmUntil) for (const e of events) extractGraph(e);
  const extractBegan = performance.now();
  while (performance.now() - extractBegan < 3000) {
    for (const e of events) {
      const x = extractGraph(e);
      elements += x.entities.length + x.edges.length;
      extracted++;
    }
  }
  const pureRate = extracted / ((performance.now() - extractBegan) / 1000);
  await call("/ingest", { events: events.slice(0, 10), rounds: 1, seenAt: now });
  const rounds = Math.max(2, Math.ceil(600 / events.length));
  const ingest = await call<{ ms: number; events: number }>("/ingest", { events, rounds, seenAt: now + 1000 });
  const upsertRate = ingest.events / (ingest.ms / 1000);
  console.log(
    `\nextraction: ${events.length} handled sample events (${byVendor}), ${(elements / extracted).toFixed(1)} entities+edges each`,
  );
  console.log(`  extractGraph (Node, pure):                        ${Math.round(pureRate).toLocaleString("en")} events/s`);
  console.log(
    `  extractGraph + upsertExtraction (workerd → D1):   ${Math.round(upsertRate).toLocaleString("en")} events/s  (${ingest.events} events in ${seconds(ingest.ms)}, ${(ingest.ms / ingest.events).toFixed(2)} ms each; round 1 inserts, later rounds replay)`,
  );

  // ---- summary
  const verdict = (value: number, target: number) => `${ms(value)} ms ${value <= target ? "PASS" : "MISS"} (target ≤ ${target} ms)`;
  console.log(`\ntargets`);
  for (const cls of ["typical", "hub"]) {
    const r = neighbourResults[`${cls}-2`]!;
    for (const v of variants) console.log(`  2-hop p50, ${cls.padEnd(7)} ${labels[v].padEnd(38)} ${verdict(r[v].p50, TARGETS.twoHopP50)}`);
  }
  console.log(`  search p50, ${"searchEntities (FTS5, bm25 over every match)".padEnd(46)} ${verdict(allSearch.p50, TARGETS.searchP50)}`);
  console.log(`  search p50, ${"alternative: ranked inside FTS5 first".padEnd(46)} ${verdict(allOldSearch.p50, TARGETS.searchP50)}`);
  console.log(`  (workerd → D1 floor, SELECT 1: p50 ${ms(floor.p50)} ms; load average now ${loadavg()[0]!.toFixed(2)})`);

  Object.assign(report, {
    loadAverage: loadavg()[0],
    migrations,
    hasFts,
    floor,
    neighbours: neighbourResults,
    mismatches: totalMismatches,
    searchImpl,
    search: {
      all: allSearch,
      old: allOldSearch,
      differing: searchDiffers,
      byKind: Object.fromEntries(Object.entries(searchTimes).map(([k, v]) => [k, stats(v)])),
    },
    pathImpl,
    path,
    extraction: { events: events.length, pureEventsPerSecond: pureRate, upsertEventsPerSecond: upsertRate },
  });
  if (values.json) {
    mkdirSync(new URL("results/", import.meta.url), { recursive: true });
    const file = new URL(`results/graph-${new Date().toISOString().replace(/[:.]/g, "-")}.json`, import.meta.url);
    writeFileSync(file, JSON.stringify(report, null, 2));
    console.log(`\nwrote ${file.pathname}`);
  }
  if (totalMismatches) process.exitCode = 1;
} finally {
  await cleanUp();
}
