// The graph in D1: an idempotent upsert of one event's extraction, and the reads
// the API serves. Entity ids are derived from natural keys (like delivery ids), so
// the same thing named by any event or vendor is the same row.
//
// Idempotency and weights: an entity or edge seen again only moves last_seen
// (and merges title/url/properties/text). An edge's weight counts the distinct deliveries that
// stated it; a retry of the delivery that last stated it does not count again. (The consumer
// never passes duplicates here; the guard covers a retry after a half-finished attempt.)
// Timeline rows are keyed by (entity, delivery), so a replay adds none.
//
// Each kind of row is written by one INSERT … SELECT over a JSON array (json_each), so an event
// costs at most five statements however many files or references it names: D1 counts
// statements against a Worker invocation's limit, and one statement per row would not scale.
import type { Extraction } from "../../core/graph-types";
import { entityId } from "./entities";

export type { Neighbourhood } from "../../core/graph-types";
export { entityId, getEntity, toEdge, toEntity } from "./entities";
export { neighbours, type NeighbourOptions } from "./neighbours";
export { findPath } from "./path";
export { ftsQuery, searchEntities } from "./search";
export { timeline } from "./timeline";

/** Timeline rows one event writes at most; a push naming more files records the first ones. */
export const MAX_TIMELINE_ENTITIES = 100;

const UPSERT_ENTITIES = `INSERT INTO graph_entities (id, type, key, title, url, properties, text, first_seen, last_seen)
SELECT j.value ->> 'id', j.value ->> 'type', j.value ->> 'key', j.value ->> 'title', j.value ->> 'url', j.value -> 'properties', j.value ->> 'text', ?2, ?2
FROM json_each(?1) j WHERE true
ON CONFLICT (id) DO UPDATE SET
  title = COALESCE(excluded.title, graph_entities.title),
  url = COALESCE(excluded.url, graph_entities.url),
  properties = json_patch(graph_entities.properties, excluded.properties),
  text = COALESCE(excluded.text, graph_entities.text),
  first_seen = MIN(graph_entities.first_seen, excluded.first_seen),
  last_seen = MAX(graph_entities.last_seen, excluded.last_seen)`;

const UPSERT_EDGES = `INSERT INTO graph_edges (source_id, target_id, type, properties, weight, last_delivery_id, first_seen, last_seen)
SELECT j.value ->> 's', j.value ->> 't', j.value ->> 'type', j.value -> 'properties', 1, ?2, ?3, ?3
FROM json_each(?1) j WHERE true
ON CONFLICT (source_id, target_id, type) DO UPDATE SET
  properties = json_patch(graph_edges.properties, excluded.properties),
  weight = graph_edges.weight + (graph_edges.last_delivery_id IS NOT excluded.last_delivery_id),
  last_delivery_id = excluded.last_delivery_id,
  first_seen = MIN(graph_edges.first_seen, excluded.first_seen),
  last_seen = MAX(graph_edges.last_seen, excluded.last_seen)`;

const UPSERT_IDENTITIES = `INSERT INTO graph_identities (identity, person_id, source, first_seen, last_seen)
SELECT j.value ->> 'identity', j.value ->> 'person', j.value ->> 'source', ?2, ?2
FROM json_each(?1) j WHERE true
ON CONFLICT (identity, person_id) DO UPDATE SET
  first_seen = MIN(graph_identities.first_seen, excluded.first_seen),
  last_seen = MAX(graph_identities.last_seen, excluded.last_seen)`;

/**
 * `same_as` between these persons and every other person sharing an identity, one edge per pair
 * (source is the smaller id). An identity is a fact, not a mention, so the weight stays 1.
 */
const LINK_IDENTITIES = `INSERT INTO graph_edges (source_id, target_id, type, properties, weight, last_delivery_id, first_seen, last_seen)
SELECT MIN(mine.person_id, other.person_id), MAX(mine.person_id, other.person_id), 'same_as', json_object('identity', mine.identity), 1, ?2, ?3, ?3
FROM graph_identities mine JOIN graph_identities other ON other.identity = mine.identity AND other.person_id != mine.person_id
WHERE mine.person_id IN (SELECT value FROM json_each(?1))
ON CONFLICT (source_id, target_id, type) DO UPDATE SET
  first_seen = MIN(graph_edges.first_seen, excluded.first_seen),
  last_seen = MAX(graph_edges.last_seen, excluded.last_seen)`;

const INSERT_TIMELINE = `INSERT INTO graph_entity_events (entity_id, delivery_id, vendor, event_type, action, at, summary, url)
SELECT value, ?2, ?3, ?4, ?5, ?6, ?7, ?8 FROM json_each(?1) WHERE true
ON CONFLICT (entity_id, delivery_id) DO NOTHING`;

/** Writes one delivery's extraction in a single D1 batch (one transaction). */
export async function upsertExtraction(db: D1Database, extraction: Extraction, deliveryId: string, seenAt: number): Promise<void> {
  if (extraction.entities.length === 0) return;
  const ids = new Map<string, string>();
  await Promise.all(extraction.entities.map(async (e) => ids.set(e.key, await entityId(e.key))));
  const entities = extraction.entities.map((e) => ({
    id: ids.get(e.key),
    type: e.type,
    key: e.key,
    title: e.title,
    url: e.url,
    properties: e.properties ?? {},
    text: e.text,
  }));
  const edges = extraction.edges
    .filter((e) => ids.has(e.source) && ids.has(e.target))
    .map((e) => ({ s: ids.get(e.source), t: ids.get(e.target), type: e.type, properties: e.properties ?? {} }));
  const statements = [db.prepare(UPSERT_ENTITIES).bind(JSON.stringify(entities), seenAt)];
  if (edges.length) statements.push(db.prepare(UPSERT_EDGES).bind(JSON.stringify(edges), deliveryId, seenAt));
  const identities = (extraction.identities ?? []).filter((i) => ids.has(i.person)).map((i) => ({ ...i, person: ids.get(i.person) }));
  if (identities.length) {
    statements.push(
      db.prepare(UPSERT_IDENTITIES).bind(JSON.stringify(identities), seenAt),
      db.prepare(LINK_IDENTITIES).bind(JSON.stringify([...new Set(identities.map((i) => i.person))]), deliveryId, seenAt),
    );
  }
  const t = extraction.timeline;
  if (t) {
    const named = entities.slice(0, MAX_TIMELINE_ENTITIES).map((e) => e.id);
    statements.push(
      db
        .prepare(INSERT_TIMELINE)
        .bind(JSON.stringify(named), deliveryId, t.vendor, t.eventType, t.action ?? null, seenAt, t.summary, t.url ?? null),
    );
  }
  await db.batch(statements);
}
