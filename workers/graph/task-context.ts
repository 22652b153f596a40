// What the graph knows around a task's subject, for the agent's prompt: the pull
// requests, tickets, errors, threads and commits a few hops away, nearest and most
// specific first. A breadth-first walk, one query per level, that never expands
// hubs (a repository or project touches everything, so it would bring in noise).
import { HUB_TYPES, type EntityType, type RelatedEntity } from "../../core/graph-types";
import { entityId } from "./store";

export interface ContextOptions {
  /** Most entities returned. */
  limit?: number;
  /** Hops walked from the subject (≤ 4): error → file → commit → branch → the ticket the branch is named after. */
  maxDepth?: number;
}

/** Entities that connect everything in their scope (HUB_TYPES); shown never, expanded never. */
const HUBS = HUB_TYPES;
/** Shown, but not expanded: a person links to everything they ever touched. */
const LEAVES = new Set<EntityType>(["person"]);
/** Lower is more useful to an agent, among entities at the same distance. */
const PRIORITY: Partial<Record<EntityType, number>> = {
  pull_request: 0,
  jira_issue: 1,
  sentry_issue: 2,
  issue: 3,
  slack_thread: 4,
  commit: 5,
  file: 6,
  task: 7,
  branch: 8,
  sentry_release: 9,
  sentry_alert: 10,
  person: 11,
};
/** Edges read per level, heaviest and newest first, so a much-touched file cannot flood the walk. */
const EDGES_PER_LEVEL = 400;
/** Entities expanded per level. */
const FRONTIER = 40;
const MAX_TITLE = 160;

/** A hop costs four steps of type priority: nearer wins unless the farther entity is much more specific. */
const rank = (type: EntityType, depth: number) => depth * 4 + (PRIORITY[type] ?? 20);

interface EdgeRow {
  source_id: string;
  target_id: string;
  type: string;
  weight: number;
}
interface EntityRow {
  id: string;
  type: EntityType;
  key: string;
  title: string | null;
  url: string | null;
}

export async function relatedEntities(db: D1Database, subjectKey: string, options: ContextOptions = {}): Promise<RelatedEntity[]> {
  const limit = options.limit ?? 10;
  const maxDepth = Math.min(4, options.maxDepth ?? 4);
  const subjectId = await entityId(subjectKey);
  const seen = new Map<string, { depth: number; via: { edge: string; fromId: string }; weight: number }>([
    [subjectId, { depth: 0, via: { edge: "", fromId: "" }, weight: 0 }],
  ]);
  const entities = new Map<string, EntityRow>();
  let frontier = [subjectId];

  for (let depth = 1; depth <= maxDepth && frontier.length; depth++) {
    const edges = (
      await db
        .prepare(
          `SELECT source_id, target_id, type, weight FROM (
             SELECT source_id, target_id, type, weight, last_seen FROM graph_edges WHERE source_id IN (SELECT value FROM json_each(?1))
             UNION ALL
             SELECT source_id, target_id, type, weight, last_seen FROM graph_edges WHERE target_id IN (SELECT value FROM json_each(?1))
           ) ORDER BY weight DESC, last_seen DESC LIMIT ?2`,
        )
        .bind(JSON.stringify(frontier), EDGES_PER_LEVEL)
        .all<EdgeRow>()
    ).results;
    const inFrontier = new Set(frontier);
    const found: string[] = [];
    for (const edge of edges) {
      const [from, to] = inFrontier.has(edge.source_id) ? [edge.source_id, edge.target_id] : [edge.target_id, edge.source_id];
      if (seen.has(to)) continue;
      seen.set(to, { depth, via: { edge: edge.type, fromId: from }, weight: edge.weight });
      found.push(to);
    }
    if (!found.length) break;
    const rows = (
      await db
        .prepare("SELECT id, type, key, title, url FROM graph_entities WHERE id IN (SELECT value FROM json_each(?1))")
        .bind(JSON.stringify(found))
        .all<EntityRow>()
    ).results;
    for (const row of rows) entities.set(row.id, row);
    frontier = found.filter((id) => {
      const type = entities.get(id)?.type;
      return type !== undefined && !HUBS.has(type) && !LEAVES.has(type);
    });
    frontier = frontier.slice(0, FRONTIER);
  }

  const keyOf = (id: string) => (id === subjectId ? subjectKey : (entities.get(id)?.key ?? id));
  const ranked = [...entities.values()]
    .map((e) => ({ entity: e, reach: seen.get(e.id)! }))
    // Hubs say nothing specific; a `same_as` twin of the subject is the subject itself.
    .filter(({ entity, reach }) => !HUBS.has(entity.type) && !(reach.via.edge === "same_as" && reach.via.fromId === subjectId))
    .sort(
      (a, b) =>
        rank(a.entity.type, a.reach.depth) - rank(b.entity.type, b.reach.depth) ||
        b.reach.weight - a.reach.weight ||
        a.entity.key.localeCompare(b.entity.key),
    );
  // A mix of kinds serves the agent better than forty files of one stack trace.
  const perType = Math.max(2, Math.ceil(limit / 3));
  const taken = new Map<EntityType, number>();
  const chosen = ranked.filter(({ entity }) => {
    const n = taken.get(entity.type) ?? 0;
    if (n >= perType) return false;
    taken.set(entity.type, n + 1);
    return true;
  });
  return chosen.slice(0, limit).map(({ entity, reach }) => ({
    type: entity.type,
    key: entity.key,
    ...(entity.title ? { title: entity.title.length > MAX_TITLE ? `${entity.title.slice(0, MAX_TITLE - 1)}…` : entity.title } : {}),
    ...(entity.url ? { url: entity.url } : {}),
    depth: reach.depth,
    via: { edge: reach.via.edge, from: keyOf(reach.via.fromId) },
  }));
}
