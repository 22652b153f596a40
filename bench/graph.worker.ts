// The Worker `bench/graph.ts` runs inside workerd (Miniflare) next to a local D1. The
// measured code runs here, beside its D1 binding, as it does in production: through
// Miniflare's Node proxy every statement would pay 5–12 ms of Node ↔ workerd round trips,
// more than the targets being checked. workerd's clock ticks in whole milliseconds, so
// each sample is rounded to 1 ms (means over many samples are unbiased). The module exports
// nothing but its handler, because workerd takes every export for one.
//
// What it measures: the real `neighbours`, `searchEntities`, `findPath` and `extractGraph` +
// `upsertExtraction`, and the neighbourhood alternatives below, on the same data and start
// nodes, with their result sets compared.
import type { AgentEvent } from "../workers/events/agent-event";
import { extractGraph } from "../workers/graph/extract";
import { entityColumns, type EdgeRow, type EntityRow } from "../workers/graph/entities";
import * as store from "../workers/graph/store";
import type { NeighbourOptions, Neighbourhood } from "../workers/graph/store";

interface Env {
  DB: D1Database;
}

type Variant = "cte" | "deepening" | "levels" | "adjacency" | "adaptive";
type Source = "edges" | "adjacency";

const placeholders = (n: number, from: number) => Array.from({ length: n }, (_, i) => `?${from + i}`).join(", ");

/** `WITH l0, l1, … l<level>`: the set of nodes one step from the previous set (level 0 is ?1). */
function levelChain(level: number, source: Source, edgeFilter: string): string {
  const step = (from: string) =>
    source === "edges"
      ? `SELECT g.target_id FROM ${from} f JOIN graph_edges g ON g.source_id = f.id ${edgeFilter.replaceAll("$t", "g.type")}
         UNION SELECT g.source_id FROM ${from} f JOIN graph_edges g ON g.target_id = f.id ${edgeFilter.replaceAll("$t", "g.type")}`
      : `SELECT DISTINCT a.neighbour_id FROM ${from} f JOIN bench_adjacency a ON a.node_id = f.id ${edgeFilter.replaceAll("$t", "a.type")}`;
  const ctes = ["l0(id) AS (SELECT ?1)"];
  for (let l = 1; l <= level; l++) ctes.push(`l${l}(id) AS (${step(`l${l - 1}`)})`);
  return `WITH ${ctes.join(",\n")}`;
}

const nearer = (level: number) => Array.from({ length: level }, (_, l) => `AND e.id NOT IN (SELECT id FROM l${l})`).join(" ");

/**
 * The entities first reached at `level` hops, best `?2` of them in the order `neighbours` sorts
 * by: the level's set is built, then every member is looked up and sorted.
 */
function levelSql(level: number, source: Source, edgeFilter: string, typeFilter: string): string {
  return `${levelChain(level, source, edgeFilter)}
  SELECT ${entityColumns("e")} FROM graph_entities e WHERE e.id IN (SELECT id FROM l${level}) ${nearer(level)} ${typeFilter}
  ORDER BY e.last_seen DESC, e.id LIMIT ?2`;
}

/**
 * The same rows the other way round, for a level too big to look up: walk graph_entities from
 * the most recently seen down and keep an entity when one of its adjacency rows points into
 * the previous level. It stops after ?2 hits, so it reads about (entities × ?2 ÷ level size) rows
 * of bench_entities_recent (last_seen, id): the test needs only the id, so SQLite reads the
 * entity row itself only for a hit.
 */
function levelScanSql(level: number, edgeFilter: string, typeFilter: string): string {
  return `${levelChain(level - 1, "adjacency", edgeFilter)}
  SELECT ${entityColumns("e")} FROM graph_entities e INDEXED BY bench_entities_recent
  WHERE EXISTS (SELECT 1 FROM bench_adjacency a WHERE a.node_id = e.id AND a.neighbour_id IN (SELECT id FROM l${level - 1}) ${edgeFilter.replaceAll("$t", "a.type")})
    ${nearer(level)} ${typeFilter}
  ORDER BY e.last_seen DESC, e.id LIMIT ?2`;
}

/** Adjacency rows leaving the previous level, counted up to ?2 only: how big the next level may be. */
function levelSizeSql(level: number, edgeFilter: string): string {
  return `${levelChain(level - 1, "adjacency", edgeFilter)}
  SELECT count(*) AS n FROM (SELECT 1 FROM bench_adjacency a WHERE a.node_id IN (SELECT id FROM l${level - 1}) ${edgeFilter.replaceAll("$t", "a.type")} LIMIT ?2)`;
}

let graphSize: number | undefined;

/**
 * The alternative to the recursive CTE: one statement per level, nearest level first, and no
 * further level once `limit` entities are found (the CTE walks every level before its LIMIT,
 * though only the nearest entities can be returned). Same result as `neighbours`.
 */
async function levelNeighbours(db: D1Database, idOrKey: string, options: NeighbourOptions, source: Source, adaptive = false): Promise<Neighbourhood | undefined> {
  const entity = await store.getEntity(db, idOrKey);
  if (!entity) return undefined;
  const depth = Math.min(3, Math.max(1, Math.trunc(options.depth)));
  const filters: unknown[] = [];
  let edgeFilter = "";
  if (options.edgeTypes?.length) {
    edgeFilter = `AND $t IN (${placeholders(options.edgeTypes.length, 3)})`;
    filters.push(...options.edgeTypes);
  }
  let typeFilter = "";
  if (options.types?.length) {
    typeFilter = `AND e.type IN (${placeholders(options.types.length, 3 + filters.length)})`;
    filters.push(...options.types);
  }
  const found: Neighbourhood["neighbours"] = [];
  // The graph's size only sets a threshold, so one read per isolate does.
  if (adaptive && graphSize === undefined) graphSize = (await db.prepare("SELECT max(seq) AS n FROM graph_entities").first<{ n: number }>())?.n ?? 0;
  const entities = graphSize ?? 0;
  for (let level = 1; level <= depth && found.length < options.limit; level++) {
    const wanted = options.limit - found.length;
    let sql = levelSql(level, source, edgeFilter, typeFilter);
    if (adaptive) {
      // Looking a level up reads one entity row per member; the scan reads about entities ×
      // wanted ÷ members entries of an index and probes the adjacency for each, which measured
      // about a third as dear. Scan when members² ≥ entities × wanted ÷ 4 (a rough break-even).
      const threshold = Math.max(1, Math.ceil(Math.sqrt((entities * wanted) / 4)));
      const size = (await db.prepare(levelSizeSql(level, edgeFilter)).bind(entity.id, threshold, ...filters).first<{ n: number }>())?.n ?? 0;
      if (size >= threshold) sql = levelScanSql(level, edgeFilter, typeFilter);
    }
    const rows = (await db.prepare(sql).bind(entity.id, wanted, ...filters).all<EntityRow>()).results;
    for (const r of rows) found.push({ ...store.toEntity(r), depth: level });
  }
  const ids = [entity.id, ...found.map((n) => n.id)];
  const edges = (
    await db
      .prepare(
        `SELECT * FROM graph_edges WHERE source_id IN (SELECT value FROM json_each(?1)) AND target_id IN (SELECT value FROM json_each(?1))
         ORDER BY weight DESC, last_seen DESC`,
      )
      .bind(JSON.stringify(ids))
      .all<EdgeRow>()
  ).results.map(store.toEdge);
  return { entity, neighbours: found, edges };
}

/** What must agree between variants: who, at which depth, in which order, and the edges among them. */
function fingerprint(result: Neighbourhood | undefined): string {
  if (!result) return "none";
  const nodes = result.neighbours.map((n) => `${n.id}@${n.depth}`).join(",");
  const edges = result.edges.map((e) => `${e.sourceId}>${e.targetId}:${e.type}:${e.weight}`).sort().join(",");
  return `${nodes}|${edges}`;
}

/**
 * The smallest change to store.ts: the same recursive CTE, at depth 1, then 2, … stopping once
 * `limit` entities are found (they are then the nearest `limit` at any depth). Done here with
 * whole `neighbours` calls, so each step also repeats its entity lookup and edges query.
 */
async function deepeningNeighbours(db: D1Database, id: string, options: NeighbourOptions): Promise<Neighbourhood | undefined> {
  for (let depth = 1; ; depth++) {
    const result = await store.neighbours(db, id, { ...options, depth });
    if (!result || depth >= options.depth || result.neighbours.length >= options.limit) return result;
  }
}

const runVariant = (db: D1Database, variant: Variant, id: string, options: NeighbourOptions) =>
  variant === "cte"
    ? store.neighbours(db, id, options)
    : variant === "deepening"
      ? deepeningNeighbours(db, id, options)
      : levelNeighbours(db, id, options, variant === "levels" ? "edges" : "adjacency", variant === "adaptive");

const json = (value: unknown) => Response.json(value);

async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const started = Date.now();
  const value = await fn();
  return { ms: Date.now() - started, value };
}

export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    const { pathname } = new URL(request.url);
    const body = (await request.json()) as Record<string, unknown>;
    const db = env.DB;

    if (pathname === "/exec") {
      const { sql, params = [] } = body as { sql: string; params?: unknown[] };
      const started = Date.now();
      const result = await db.prepare(sql).bind(...params).run();
      return json({ ms: Date.now() - started, meta: result.meta });
    }
    if (pathname === "/query") {
      const { sql, params = [] } = body as { sql: string; params?: unknown[] };
      return json((await db.prepare(sql).bind(...params).all()).results);
    }
    if (pathname === "/floor") {
      const { n } = body as { n: number };
      const ms: number[] = [];
      for (let i = 0; i < n; i++) ms.push((await timed(() => db.prepare("SELECT 1").first())).ms);
      return json({ ms });
    }
    if (pathname === "/neighbours") {
      const { start, variants, depth, limit } = body as { start: string; variants: Variant[]; depth: number; limit: number };
      const ms: Partial<Record<Variant, number>> = {};
      const prints: Partial<Record<Variant, string>> = {};
      let count = 0;
      for (const variant of variants) {
        const { ms: took, value } = await timed(() => runVariant(db, variant, start, { depth, limit }));
        ms[variant] = took;
        prints[variant] = fingerprint(value);
        count = value?.neighbours.length ?? 0;
      }
      const reference = prints[variants[0]!];
      const differing = variants.filter((v) => prints[v] !== reference);
      return json({ ms, count, differing });
    }
    if (pathname === "/explain") {
      const { start } = body as { start: string };
      const plan = async (sql: string, params: unknown[]) =>
        (await db.prepare(`EXPLAIN QUERY PLAN ${sql}`).bind(...params).all<{ detail: string }>()).results.map((r) => r.detail);
      const cte = `WITH RECURSIVE walk(id, depth) AS (SELECT ?1, 0
        UNION SELECT g.target_id, walk.depth + 1 FROM walk JOIN graph_edges g ON g.source_id = walk.id WHERE walk.depth < 2
        UNION SELECT g.source_id, walk.depth + 1 FROM walk JOIN graph_edges g ON g.target_id = walk.id WHERE walk.depth < 2),
        nearest AS (SELECT id, MIN(depth) AS depth FROM walk GROUP BY id)`;
      const time = async (sql: string, params: unknown[]) => {
        const t: number[] = [];
        for (let i = 0; i < 5; i++) t.push((await timed(() => db.prepare(sql).bind(...params).all())).ms);
        return `${t.join(" ")} ms`;
      };
      const result = await store.neighbours(db, start, { depth: 2, limit: 100 });
      const ids = JSON.stringify([start, ...(result?.neighbours.map((n) => n.id) ?? [])]);
      return json({
        "time ×5, walk only (count)": [await time(`${cte} SELECT count(*) FROM nearest`, [start])],
        "time ×5, walk + entities + sort": [await time(`${cte} SELECT e.id FROM nearest JOIN graph_entities e ON e.id = nearest.id ORDER BY nearest.depth, e.last_seen DESC, e.id LIMIT 100`, [start])],
        "time ×5, level-2 set only (adjacency, count)": [await time(`${levelChain(2, "adjacency", "")} SELECT count(*) FROM l2`, [start])],
        "time ×5, level 2 look up (adjacency)": [await time(levelSql(2, "adjacency", "", ""), [start, 100])],
        "time ×5, level 2 scan (adjacency)": [await time(levelScanSql(2, "", ""), [start, 100])],
        "time ×5, edges among the result": [
          await time(`SELECT * FROM graph_edges WHERE source_id IN (SELECT value FROM json_each(?1)) AND target_id IN (SELECT value FROM json_each(?1))`, [ids]),
        ],
        "time ×5, SELECT 1": [await time("SELECT 1", [])],
        "level 2, look up (graph_edges)": await plan(levelSql(2, "edges", "", ""), [start, 100]),
        "level 2, look up (adjacency)": await plan(levelSql(2, "adjacency", "", ""), [start, 100]),
        "level 2, scan (adjacency)": await plan(levelScanSql(2, "", ""), [start, 100]),
      });
    }
    if (pathname === "/search") {
      const { query, limit } = body as { query: string; limit: number };
      const { ms, value } = await timed(() => store.searchEntities(db, query, { limit }));
      return json({ ms, count: value.length });
    }
    if (pathname === "/path") {
      const { from, to } = body as { from: string; to: string };
      const { ms, value } = await timed(() => store.findPath(db, from, to));
      return json({ ms, hops: value ? value.edges.length : -1 });
    }
    if (pathname === "/ingest") {
      const { events, rounds, seenAt } = body as { events: AgentEvent[]; rounds: number; seenAt: number };
      const started = Date.now();
      let n = 0;
      for (let r = 0; r < rounds; r++) {
        for (const event of events) await store.upsertExtraction(db, extractGraph(event), `bench-${r}-${n++}`, seenAt + n);
      }
      return json({ ms: Date.now() - started, events: n });
    }
    return new Response("not found", { status: 404 });
  },
};

