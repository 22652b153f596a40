// The shortest path between two entities, over edges in either direction: a
// bidirectional breadth-first search, one query per level, always growing the
// smaller frontier. Two frontiers of depth d/2 touch far fewer rows than one walk
// of depth d, which is what keeps a 6-hop search cheap around hubs; and unlike a
// recursive CTE that carries paths, it never enumerates the paths it rejects.
import { getEntities, getEntity, resolveId, toEdge, type EdgeRow, type GraphEdge, type GraphEntity } from "./entities";
import type { EdgeType } from "./graph-types";

export const MAX_PATH_DEPTH = 6;
/** Edge rows read for one level at most; a level beyond it is cut, so the search may miss a path through a huge hub. */
const MAX_LEVEL_EDGES = 50_000;

export interface PathOptions {
  /** Most edges on the path, 1–6 (default 4). */
  maxDepth?: number;
  /** Only walk edges of these types. */
  edgeTypes?: EdgeType[];
}

export interface GraphPath {
  /** From `from` to `to`, in order. */
  entities: GraphEntity[];
  /** edges[i] joins entities[i] and entities[i + 1], in its own stored direction. */
  edges: GraphEdge[];
}

interface Step {
  /** The node this one was reached from, and by which edge. */
  from: string;
  edge: EdgeRow;
}

/** One level: every edge touching the frontier (both directions), through the primary key and graph_edges_target. */
async function expand(db: D1Database, frontier: string[], edgeTypes: EdgeType[] | undefined): Promise<EdgeRow[]> {
  const typeFilter = edgeTypes?.length ? "AND type IN (SELECT value FROM json_each(?2))" : "";
  const params: unknown[] = [JSON.stringify(frontier)];
  if (edgeTypes?.length) params.push(JSON.stringify(edgeTypes));
  params.push(MAX_LEVEL_EDGES);
  const limit = `?${params.length}`;
  return (
    await db
      .prepare(
        `SELECT * FROM graph_edges WHERE source_id IN (SELECT value FROM json_each(?1)) ${typeFilter}
         UNION ALL
         SELECT * FROM graph_edges WHERE target_id IN (SELECT value FROM json_each(?1)) ${typeFilter}
         LIMIT ${limit}`,
      )
      .bind(...params)
      .all<EdgeRow>()
  ).results;
}

/** The shortest path from one entity to another (ids or natural keys), or undefined when none is within maxDepth. */
export async function findPath(db: D1Database, from: string, to: string, options: PathOptions = {}): Promise<GraphPath | undefined> {
  const maxDepth = Math.min(MAX_PATH_DEPTH, Math.max(1, Math.trunc(options.maxDepth ?? 4)));
  const [start, goal] = await Promise.all([resolveId(from), resolveId(to)]);
  if (start === goal) {
    const entity = await getEntity(db, start);
    return entity ? { entities: [entity], edges: [] } : undefined;
  }
  // Per side: how each visited node was reached (undefined for the side's own end).
  const seen = [new Map<string, Step | undefined>([[start, undefined]]), new Map<string, Step | undefined>([[goal, undefined]])] as const;
  let frontiers: [string[], string[]] = [[start], [goal]];
  let meeting: string | undefined;
  for (let depth = 0; depth < maxDepth && !meeting; depth++) {
    const side = frontiers[0].length <= frontiers[1].length ? 0 : 1;
    const mine = seen[side];
    const theirs = seen[1 - side]!;
    const current = new Set(frontiers[side]);
    const next: string[] = [];
    for (const edge of await expand(db, frontiers[side], options.edgeTypes)) {
      for (const [here, there] of [
        [edge.source_id, edge.target_id],
        [edge.target_id, edge.source_id],
      ] as const) {
        if (!current.has(here) || mine.has(there)) continue;
        mine.set(there, { from: here, edge });
        next.push(there);
        if (!meeting && theirs.has(there)) meeting = there;
      }
    }
    frontiers[side] = next;
    if (next.length === 0) return undefined;
  }
  if (!meeting) return undefined;

  // Walk back from the meeting point to each end, then join the halves.
  const half = (side: 0 | 1) => {
    const nodes: string[] = [];
    const edges: EdgeRow[] = [];
    for (let node = meeting!, step = seen[side].get(node); step; node = step.from, step = seen[side].get(node)) {
      nodes.push(step.from);
      edges.push(step.edge);
    }
    return { nodes, edges };
  };
  const toStart = half(0);
  const toGoal = half(1);
  const ids = [...toStart.nodes.reverse(), meeting, ...toGoal.nodes];
  const edges = [...toStart.edges.reverse(), ...toGoal.edges];
  const entities = await getEntities(db, ids);
  // A dangling edge (an end never written as an entity) is no path to show.
  if (ids.some((id) => !entities.has(id))) return undefined;
  return { entities: ids.map((id) => entities.get(id)!), edges: edges.map(toEdge) };
}
