// The Worker `bench/graph.ts` runs inside workerd (Miniflare) next to a local D1. The
// measured code runs here, beside its D1 binding, as it does in production: through
// Miniflare's Node proxy every statement would pay 5–12 ms of Node ↔ workerd round trips,
// more than the targets being checked. workerd's clock ticks in whole milliseconds, so
// each sample is rounded to 1 ms (means over many samples are unbiased). The module exports
// nothing but its handler, because workerd takes every export for one.
//
// What it measures: the real `neighbours` (hubs not walked through, the default, and
// `throughHubs`), `searchEntities`, `findPath` (both ways) and `extractGraph` + `upsertExtraction`,
// next to two references kept here: the recursive CTE `neighbours` was before (the full walk:
// `throughHubs` must return exactly its results) and the search that scored and joined every
// match before its LIMIT (the new one must return exactly its results).
import type { AgentEvent } from "../core/agent-event";
import { entityColumns, type EdgeRow, type EntityRow } from "../workers/graph/entities";
import { extractGraph } from "../workers/graph/extract";
import * as store from "../workers/graph/store";
import type { NeighbourOptions, Neighbourhood } from "../workers/graph/store";

interface Env {
  DB: D1Database;
}

type Variant = "default" | "through" | "cte";

/** The recursive CTE store.neighbours was until the level-wise walk: every level, then the LIMIT. */
async function cteNeighbours(db: D1Database, idOrKey: string, options: NeighbourOptions): Promise<Neighbourhood | undefined> {
  const entity = await store.getEntity(db, idOrKey);
  if (!entity) return undefined;
  const depth = Math.min(3, Math.max(1, Math.trunc(options.depth)));
  const sql = `WITH RECURSIVE walk(id, depth) AS (
    SELECT ?1, 0
    UNION
    SELECT g.target_id, walk.depth + 1 FROM walk JOIN graph_edges g ON g.source_id = walk.id WHERE walk.depth < ?2
    UNION
    SELECT g.source_id, walk.depth + 1 FROM walk JOIN graph_edges g ON g.target_id = walk.id WHERE walk.depth < ?2
  ),
  nearest AS (SELECT id, MIN(depth) AS depth FROM walk GROUP BY id)
  SELECT ${entityColumns("e")}, nearest.depth AS depth FROM nearest JOIN graph_entities e ON e.id = nearest.id
  WHERE nearest.id != ?1
  ORDER BY nearest.depth, e.last_seen DESC, e.id
  LIMIT ?3`;
  const rows = (await db.prepare(sql).bind(entity.id, depth, options.limit).all<EntityRow & { depth: number }>()).results;
  const found = rows.map((r) => ({ ...store.toEntity(r), depth: r.depth }));
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

/**
 * The alternative tried for search: rank inside FTS5 first (rowid and bm25 only, LIMIT there),
 * then join just those rows. Not adopted: bm25 still scores every match, so it saved nothing
 * and measured slower; and rows tied in score at the cut may come out differently.
 */
async function ftsFirstSearch(db: D1Database, query: string, limit: number): Promise<string[]> {
  const match = store.ftsQuery(query);
  if (!match) return [];
  const rows = (
    await db
      .prepare(
        `SELECT e.id FROM (
           SELECT rowid, bm25(graph_entities_fts, 4.0, 8.0, 1.0) AS score FROM graph_entities_fts
           WHERE graph_entities_fts MATCH ?1 ORDER BY score LIMIT ?2
         ) ranked JOIN graph_entities e ON e.seq = ranked.rowid
         ORDER BY ranked.score, e.last_seen DESC, e.id`,
      )
      .bind(match, limit)
      .all<{ id: string }>()
  ).results;
  return rows.map((r) => r.id);
}

/** What must agree between variants: who, at which depth, in which order, and the edges among them. */
function fingerprint(result: Neighbourhood | undefined): string {
  if (!result) return "none";
  const nodes = result.neighbours.map((n) => `${n.id}@${n.depth}`).join(",");
  const edges = result.edges
    .map((e) => `${e.sourceId}>${e.targetId}:${e.type}:${e.weight}`)
    .sort()
    .join(",");
  return `${nodes}|${edges}`;
}

const runVariant = (db: D1Database, variant: Variant, id: string, options: NeighbourOptions) =>
  variant === "cte" ? cteNeighbours(db, id, options) : store.neighbours(db, id, { ...options, throughHubs: variant === "through" });

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
      const result = await db
        .prepare(sql)
        .bind(...params)
        .run();
      return json({ ms: Date.now() - started, meta: result.meta });
    }
    if (pathname === "/query") {
      const { sql, params = [] } = body as { sql: string; params?: unknown[] };
      return json(
        (
          await db
            .prepare(sql)
            .bind(...params)
            .all()
        ).results,
      );
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
      const counts: Partial<Record<Variant, number>> = {};
      for (const variant of variants) {
        const { ms: took, value } = await timed(() => runVariant(db, variant, start, { depth, limit }));
        ms[variant] = took;
        prints[variant] = fingerprint(value);
        counts[variant] = value?.neighbours.length ?? 0;
      }
      // The full walk must be the old CTE's answer exactly; the default differs by design.
      const same = prints.through === undefined || prints.cte === undefined || prints.through === prints.cte;
      return json({ ms, counts, same });
    }
    if (pathname === "/search") {
      const { query, limit } = body as { query: string; limit: number };
      const { ms, value } = await timed(() => store.searchEntities(db, query, { limit }));
      const old = await timed(() => ftsFirstSearch(db, query, limit));
      return json({ ms, oldMs: old.ms, count: value.length, same: old.value.join() === value.map((e) => e.id).join() });
    }
    if (pathname === "/path") {
      const { from, to, throughHubs } = body as { from: string; to: string; throughHubs: boolean };
      const { ms, value } = await timed(() => store.findPath(db, from, to, { throughHubs }));
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
