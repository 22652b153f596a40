// The graph in D1: an idempotent upsert of one event's extraction, and the reads
// the API serves. Entity ids are derived from natural keys (like delivery ids), so
// the same thing named by any event or vendor is the same row.
//
// Idempotency and weights: an entity or edge seen again only moves last_seen
// (and merges title/url/properties). An edge's weight counts the distinct deliveries that
// stated it; a retry of the delivery that last stated it does not count again. (The consumer
// never passes duplicates here; the guard covers a retry after a half-finished attempt.)
//
// Search is a LIKE over titles and keys in this slice; an FTS5 index is the next step.
import type { EdgeType, EntityType, Extraction } from "./graph-types";

const encoder = new TextEncoder();

/** `ge_` + the first 24 hex digits of SHA-256(natural key). */
export async function entityId(key: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", encoder.encode(key)));
  return `ge_${[...digest.slice(0, 12)].map((b) => b.toString(16).padStart(2, "0")).join("")}`;
}

export interface GraphEntity {
  id: string;
  type: EntityType;
  key: string;
  title: string | null;
  url: string | null;
  properties: Record<string, unknown>;
  firstSeen: number;
  lastSeen: number;
}

export interface GraphEdge {
  sourceId: string;
  targetId: string;
  type: EdgeType;
  properties: Record<string, unknown>;
  weight: number;
  firstSeen: number;
  lastSeen: number;
}

interface EntityRow {
  id: string;
  type: EntityType;
  key: string;
  title: string | null;
  url: string | null;
  properties: string;
  first_seen: number;
  last_seen: number;
}

interface EdgeRow {
  source_id: string;
  target_id: string;
  type: EdgeType;
  properties: string;
  weight: number;
  first_seen: number;
  last_seen: number;
}

const parseJson = (text: string): Record<string, unknown> => {
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch {
    return {};
  }
};

const toEntity = (r: EntityRow): GraphEntity => ({
  id: r.id,
  type: r.type,
  key: r.key,
  title: r.title,
  url: r.url,
  properties: parseJson(r.properties),
  firstSeen: r.first_seen,
  lastSeen: r.last_seen,
});

const toEdge = (r: EdgeRow): GraphEdge => ({
  sourceId: r.source_id,
  targetId: r.target_id,
  type: r.type,
  properties: parseJson(r.properties),
  weight: r.weight,
  firstSeen: r.first_seen,
  lastSeen: r.last_seen,
});

const UPSERT_ENTITY = `INSERT INTO graph_entities (id, type, key, title, url, properties, first_seen, last_seen)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7)
ON CONFLICT (id) DO UPDATE SET
  title = COALESCE(excluded.title, graph_entities.title),
  url = COALESCE(excluded.url, graph_entities.url),
  properties = json_patch(graph_entities.properties, excluded.properties),
  first_seen = MIN(graph_entities.first_seen, excluded.first_seen),
  last_seen = MAX(graph_entities.last_seen, excluded.last_seen)`;

const UPSERT_EDGE = `INSERT INTO graph_edges (source_id, target_id, type, properties, weight, last_delivery_id, first_seen, last_seen)
VALUES (?1, ?2, ?3, ?4, 1, ?5, ?6, ?6)
ON CONFLICT (source_id, target_id, type) DO UPDATE SET
  properties = json_patch(graph_edges.properties, excluded.properties),
  weight = graph_edges.weight + (graph_edges.last_delivery_id IS NOT excluded.last_delivery_id),
  last_delivery_id = excluded.last_delivery_id,
  first_seen = MIN(graph_edges.first_seen, excluded.first_seen),
  last_seen = MAX(graph_edges.last_seen, excluded.last_seen)`;

/** Writes one delivery's extraction in a single D1 batch (one transaction). */
export async function upsertExtraction(db: D1Database, extraction: Extraction, deliveryId: string, seenAt: number): Promise<void> {
  if (extraction.entities.length === 0) return;
  const ids = new Map<string, string>();
  await Promise.all(extraction.entities.map(async (e) => ids.set(e.key, await entityId(e.key))));
  const entityStatement = db.prepare(UPSERT_ENTITY);
  const edgeStatement = db.prepare(UPSERT_EDGE);
  const statements = [
    ...extraction.entities.map((e) =>
      entityStatement.bind(ids.get(e.key), e.type, e.key, e.title ?? null, e.url ?? null, JSON.stringify(e.properties ?? {}), seenAt),
    ),
    ...extraction.edges
      .filter((e) => ids.has(e.source) && ids.has(e.target))
      .map((e) => edgeStatement.bind(ids.get(e.source), ids.get(e.target), e.type, JSON.stringify(e.properties ?? {}), deliveryId, seenAt)),
  ];
  await db.batch(statements);
}

/** An entity by id, or by natural key (`jira:issue:PAY-142`) for convenience. */
export async function getEntity(db: D1Database, idOrKey: string): Promise<GraphEntity | undefined> {
  const id = idOrKey.startsWith("ge_") ? idOrKey : await entityId(idOrKey);
  const row = await db.prepare("SELECT * FROM graph_entities WHERE id = ?").bind(id).first<EntityRow>();
  return row ? toEntity(row) : undefined;
}

export interface NeighbourOptions {
  /** 1–3 hops, in either direction. */
  depth: number;
  /** Only return entities of these types (other types are still walked through). */
  types?: EntityType[];
  /** Only walk edges of these types. */
  edgeTypes?: EdgeType[];
  limit: number;
}

export interface Neighbourhood {
  entity: GraphEntity;
  neighbours: (GraphEntity & { depth: number })[];
  /** Edges among the entity and the neighbours returned. */
  edges: GraphEdge[];
}

const placeholders = (n: number, from: number) => Array.from({ length: n }, (_, i) => `?${from + i}`).join(", ");

/**
 * Everything within `depth` hops, nearest first, by a recursive CTE over both edge directions
 * (the primary key serves source → target, graph_edges_target the way back).
 */
export async function neighbours(db: D1Database, idOrKey: string, options: NeighbourOptions): Promise<Neighbourhood | undefined> {
  const entity = await getEntity(db, idOrKey);
  if (!entity) return undefined;
  const depth = Math.min(3, Math.max(1, Math.trunc(options.depth)));
  const params: unknown[] = [entity.id, depth, options.limit];
  let edgeFilter = "";
  if (options.edgeTypes?.length) {
    edgeFilter = `AND type IN (${placeholders(options.edgeTypes.length, params.length + 1)})`;
    params.push(...options.edgeTypes);
  }
  let typeFilter = "";
  if (options.types?.length) {
    typeFilter = `AND e.type IN (${placeholders(options.types.length, params.length + 1)})`;
    params.push(...options.types);
  }
  const sql = `WITH RECURSIVE walk(id, depth) AS (
    SELECT ?1, 0
    UNION
    SELECT g.target_id, walk.depth + 1 FROM walk JOIN graph_edges g ON g.source_id = walk.id
      WHERE walk.depth < ?2 ${edgeFilter.replace("type", "g.type")}
    UNION
    SELECT g.source_id, walk.depth + 1 FROM walk JOIN graph_edges g ON g.target_id = walk.id
      WHERE walk.depth < ?2 ${edgeFilter.replace("type", "g.type")}
  ),
  nearest AS (SELECT id, MIN(depth) AS depth FROM walk GROUP BY id)
  SELECT e.*, nearest.depth AS depth FROM nearest JOIN graph_entities e ON e.id = nearest.id
  WHERE nearest.id != ?1 ${typeFilter}
  ORDER BY nearest.depth, e.last_seen DESC, e.id
  LIMIT ?3`;
  const rows = (await db.prepare(sql).bind(...params).all<EntityRow & { depth: number }>()).results;
  const found = rows.map((r) => ({ ...toEntity(r), depth: r.depth }));
  const ids = [entity.id, ...found.map((n) => n.id)];
  // json_each keeps the statement to two bound parameters however many neighbours there are.
  const edges = (
    await db
      .prepare(
        `SELECT * FROM graph_edges WHERE source_id IN (SELECT value FROM json_each(?1)) AND target_id IN (SELECT value FROM json_each(?1))
         ORDER BY weight DESC, last_seen DESC`,
      )
      .bind(JSON.stringify(ids))
      .all<EdgeRow>()
  ).results.map(toEdge);
  return { entity, neighbours: found, edges };
}

/** Entities whose title or key contains `query`, most recently seen first. */
export async function searchEntities(db: D1Database, query: string, options: { types?: EntityType[]; limit: number }): Promise<GraphEntity[]> {
  const pattern = `%${query.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  const params: unknown[] = [pattern, options.limit];
  let typeFilter = "";
  if (options.types?.length) {
    typeFilter = `AND type IN (${placeholders(options.types.length, 3)})`;
    params.push(...options.types);
  }
  const rows = (
    await db
      .prepare(
        `SELECT * FROM graph_entities WHERE (title LIKE ?1 ESCAPE '\\' OR key LIKE ?1 ESCAPE '\\') ${typeFilter}
         ORDER BY last_seen DESC, id LIMIT ?2`,
      )
      .bind(...params)
      .all<EntityRow>()
  ).results;
  return rows.map(toEntity);
}
