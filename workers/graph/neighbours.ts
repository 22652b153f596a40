// An entity's neighbourhood: everything within 1–3 hops over edges in either direction,
// nearest first, with the start entity and the edges among the result in the same statement
// (a D1 round trip costs more than most of the work).
//
// Early stop: from a start with at least `limit` edges, the first statement walks one level
// only; when that level fills the limit it is the answer, because nearer always sorts first.
// The result is exactly what a full walk to `depth` followed by ORDER BY depth, last_seen DESC,
// id LIMIT `limit` returns.
//
// Hubs (HUB_TYPES, or HUB_DEGREE edges and more) are returned like any neighbour but not walked
// through unless `throughHubs` is set: the two-hop neighbourhood of an issue is what its
// references, commits and people lead to, not the newest hundred items of its repository. The
// start entity is always walked, hub or not.
import { HUB_DEGREE, HUB_TYPES, type EdgeType, type EntityType, type GraphEdge, type Neighbourhood } from "../../core/graph-types";
import { entityColumns, resolveId, toEdge, toEntity, type EdgeRow, type EntityRow } from "./entities";

export interface NeighbourOptions {
  /** 1–3 hops, in either direction. */
  depth: number;
  /** Only return entities of these types (other types are still walked through). */
  types?: EntityType[];
  /** Only walk edges of these types. */
  edgeTypes?: EdgeType[];
  limit: number;
  /** Walk through hubs too (the full neighbourhood); by default hubs are returned but not crossed. */
  throughHubs?: boolean;
}

/** SQL: whether entity `e` may be walked through (?3 is 1 when every entity may). */
const HUB_TYPE_LIST = [...HUB_TYPES].map((t) => `'${t}'`).join(", ");
export const walkableSql = (alias: string, throughHubs: string) =>
  `(${throughHubs} OR (${alias}.type NOT IN (${HUB_TYPE_LIST}) AND ${alias}.degree < ${HUB_DEGREE}))`;

/**
 * Parameters: ?1 start id, ?2 depth, ?3 limit, ?4 1 to walk through hubs, ?5 edge types (JSON array
 * or null for all), ?6 entity types to return (JSON array or null for all), ?7 1 to walk past the
 * first level only when the start has fewer edges than the limit (so the first level cannot fill it).
 *
 * A recursive CTE over both edge directions (the primary key serves source → target,
 * graph_edges_target the way back) that carries whether each entity reached may be walked on;
 * it looks that up only for entities short of the last level.
 */
const NEIGHBOURHOOD = (() => {
  const edgeFilter = "AND (?5 IS NULL OR g.type IN (SELECT value FROM json_each(?5)))";
  const beyondFirst = "(walk.depth = 0 OR ?7 = 0 OR (SELECT degree FROM graph_entities WHERE id = ?1) < ?3)";
  const walkOn = (end: string) =>
    `CASE WHEN walk.depth + 1 >= ?2 THEN 0 WHEN ?4 THEN 1 ELSE (SELECT ${walkableSql("w", "0")} FROM graph_entities w WHERE w.id = ${end}) END`;
  const cols = entityColumns("e");
  return `WITH RECURSIVE walk(id, depth, walk_on) AS (
    SELECT ?1, 0, 1
    UNION
    SELECT g.target_id, walk.depth + 1, ${walkOn("g.target_id")} FROM walk JOIN graph_edges g ON g.source_id = walk.id
      WHERE walk.walk_on AND walk.depth < ?2 AND ${beyondFirst} ${edgeFilter}
    UNION
    SELECT g.source_id, walk.depth + 1, ${walkOn("g.source_id")} FROM walk JOIN graph_edges g ON g.target_id = walk.id
      WHERE walk.walk_on AND walk.depth < ?2 AND ${beyondFirst} ${edgeFilter}
  ),
  nearest AS (SELECT id, MIN(depth) AS depth FROM walk GROUP BY id),
  found AS MATERIALIZED (
    SELECT e.id, nearest.depth, row_number() OVER (ORDER BY nearest.depth, e.last_seen DESC, e.id) AS ord
    FROM nearest JOIN graph_entities e ON e.id = nearest.id
    WHERE nearest.id != ?1 AND (?6 IS NULL OR e.type IN (SELECT value FROM json_each(?6)))
    ORDER BY nearest.depth, e.last_seen DESC, e.id LIMIT ?3),
  ends(id) AS (SELECT ?1 UNION ALL SELECT id FROM found)
  SELECT 0 AS part, 0 AS ord, e.degree AS depth, ${cols}, NULL AS source_id, NULL AS target_id, NULL AS weight FROM graph_entities e WHERE e.id = ?1
  UNION ALL
  SELECT 1, f.ord, f.depth, ${cols}, NULL, NULL, NULL FROM found f JOIN graph_entities e ON e.id = f.id
  UNION ALL
  SELECT 2, row_number() OVER (ORDER BY g.weight DESC, g.last_seen DESC), NULL, NULL, g.type, NULL, NULL, NULL, g.properties, NULL, g.first_seen, g.last_seen, g.source_id, g.target_id, g.weight
  FROM graph_edges g WHERE g.source_id IN (SELECT id FROM ends) AND g.target_id IN (SELECT id FROM ends)
  ORDER BY part, ord`;
})();

type Row = EntityRow & { part: 0 | 1 | 2; depth: number | null; source_id: string | null; target_id: string | null; weight: number | null };

/**
 * The `limit` nearest entities within `depth` hops (ties: most recently seen first, then id), and
 * the edges among them and the start. Undefined when the start entity does not exist; an edge to
 * an entity never written is not walked.
 */
export async function neighbours(db: D1Database, idOrKey: string, options: NeighbourOptions): Promise<Neighbourhood | undefined> {
  const id = await resolveId(idOrKey);
  const depth = Math.min(3, Math.max(1, Math.trunc(options.depth)));
  const read = async (guard: boolean) =>
    (
      await db
        .prepare(NEIGHBOURHOOD)
        .bind(
          id,
          depth,
          options.limit,
          options.throughHubs ? 1 : 0,
          options.edgeTypes?.length ? JSON.stringify(options.edgeTypes) : null,
          options.types?.length ? JSON.stringify(options.types) : null,
          guard ? 1 : 0,
        )
        .all<Row>()
    ).results;
  let rows = await read(true);
  const first = rows[0]?.part === 0 ? rows[0] : undefined;
  if (!first) return undefined;
  // Early stop: a start with at least `limit` edges got its first level only. When that level
  // filled the limit, it is the answer (nearer sorts first); when not, walk the rest.
  const count = rows.filter((r) => r.part === 1).length;
  if (depth > 1 && first.depth! >= options.limit && count < options.limit) rows = await read(false);
  const start = rows[0]!;
  const neighbours: Neighbourhood["neighbours"] = [];
  const edges: GraphEdge[] = [];
  for (const row of rows) {
    if (row.part === 1) neighbours.push({ ...toEntity(row), depth: row.depth! });
    else if (row.part === 2) edges.push(toEdge(row as unknown as EdgeRow));
  }
  return { entity: toEntity(start), neighbours, edges };
}
