// The shortest path between two entities, over edges in either direction: a
// bidirectional breadth-first search, one query per level, always growing the
// smaller frontier. Two frontiers of depth d/2 touch far fewer rows than one walk
// of depth d, which is what keeps a 6-hop search cheap around hubs; and unlike a
// recursive CTE that carries paths, it never enumerates the paths it rejects.
//
// Hubs (HUB_TYPES, or HUB_DEGREE edges and more; see neighbours.ts) may be either end of a path but
// are not walked through unless `throughHubs` is set: "both are in the same repository" is no
// connection worth showing, and expanding a hub reads thousands of edges. The answer is then a
// shortest path among those whose inner entities are not hubs.
import type { EdgeType, GraphEdge, GraphEntity } from "../../core/graph-types";
import { getEntities, getEntity, resolveId, toEdge, type EdgeRow } from "./entities";
import { walkableSql } from "./neighbours";

export const MAX_PATH_DEPTH = 6;
/** Edge rows read for one level at most; a level beyond it is cut, so the search may miss a path through a huge hub. */
const MAX_LEVEL_EDGES = 50_000;

export interface PathOptions {
  /** Most edges on the path, 1–6 (default 4). */
  maxDepth?: number;
  /** Only walk edges of these types. */
  edgeTypes?: EdgeType[];
  /**
   * true: the path may pass through hubs; false: only its ends may be hubs. Unset: a path that
   * avoids hubs when there is one (a shared ticket says more than a shared repository), else one
   * through them, so "no path" means there is none within maxDepth.
   */
  throughHubs?: boolean;
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

/** An edge of a level: which end is in the frontier (0: source), and whether the other may be walked through. */
type LevelEdge = EdgeRow & { dir: 0 | 1; far_walk: number };

/**
 * One level: every edge touching the frontier (both directions), through the primary key and
 * graph_edges_target, from the frontier entities that may be walked (?3: the path's own ends,
 * which always may). An edge to an entity never written is no step of a path.
 */
async function expand(db: D1Database, frontier: string[], ends: string[], options: PathOptions): Promise<LevelEdge[]> {
  const edgeFilter = "AND (?2 IS NULL OR g.type IN (SELECT value FROM json_each(?2)))";
  const through = options.throughHubs ? "1" : "0";
  const walkers = `SELECT n.id FROM graph_entities n WHERE n.id IN (SELECT value FROM json_each(?1)) AND (n.id IN (SELECT value FROM json_each(?3)) OR ${walkableSql("n", through)})`;
  return (
    await db
      .prepare(
        `SELECT g.*, 0 AS dir, ${walkableSql("far", through)} AS far_walk FROM graph_edges g JOIN graph_entities far ON far.id = g.target_id
           WHERE g.source_id IN (${walkers}) ${edgeFilter}
         UNION ALL
         SELECT g.*, 1, ${walkableSql("far", through)} FROM graph_edges g JOIN graph_entities far ON far.id = g.source_id
           WHERE g.target_id IN (${walkers}) ${edgeFilter}
         LIMIT ?4`,
      )
      .bind(
        JSON.stringify(frontier),
        options.edgeTypes?.length ? JSON.stringify(options.edgeTypes) : null,
        JSON.stringify(ends),
        MAX_LEVEL_EDGES,
      )
      .all<LevelEdge>()
  ).results;
}

/** The shortest path from one entity to another (ids or natural keys), or undefined when none is within maxDepth. */
export async function findPath(db: D1Database, from: string, to: string, options: PathOptions = {}): Promise<GraphPath | undefined> {
  if (options.throughHubs !== undefined) return shortestPath(db, from, to, options);
  return (
    (await shortestPath(db, from, to, { ...options, throughHubs: false })) ??
    (await shortestPath(db, from, to, { ...options, throughHubs: true }))
  );
}

async function shortestPath(db: D1Database, from: string, to: string, options: PathOptions): Promise<GraphPath | undefined> {
  const maxDepth = Math.min(MAX_PATH_DEPTH, Math.max(1, Math.trunc(options.maxDepth ?? 4)));
  const [start, goal] = await Promise.all([resolveId(from), resolveId(to)]);
  if (start === goal) {
    const entity = await getEntity(db, start);
    return entity ? { entities: [entity], edges: [] } : undefined;
  }
  // Per side: how each visited node was reached (undefined for the side's own end).
  const seen = [new Map<string, Step | undefined>([[start, undefined]]), new Map<string, Step | undefined>([[goal, undefined]])] as const;
  const frontiers: [string[], string[]] = [[start], [goal]];
  // Entities reached that may not be walked through: they end a search branch and cannot be where the halves meet.
  const hubs = new Set<string>();
  let meeting: string | undefined;
  for (let depth = 0; depth < maxDepth && !meeting; depth++) {
    const side = frontiers[0].length <= frontiers[1].length ? 0 : 1;
    const mine = seen[side];
    const theirs = seen[1 - side]!;
    const next: string[] = [];
    for (const edge of await expand(db, frontiers[side], [start, goal], options)) {
      const [here, there] = edge.dir === 0 ? [edge.source_id, edge.target_id] : [edge.target_id, edge.source_id];
      if (mine.has(there)) continue;
      if (!edge.far_walk && there !== start && there !== goal) hubs.add(there);
      mine.set(there, { from: here, edge });
      next.push(there);
      if (!meeting && theirs.has(there) && !hubs.has(there)) meeting = there;
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
