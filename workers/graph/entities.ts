// Entity and edge rows as the API returns them, and the one lookup every query starts
// from: an entity by id or natural key.
import type { EdgeType, EntityType, GraphEdge, GraphEntity } from "../../core/graph-types";

const encoder = new TextEncoder();

/** `ge_` + the first 24 hex digits of SHA-256(natural key). */
export async function entityId(key: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", encoder.encode(key)));
  return `ge_${[...digest.slice(0, 12)].map((b) => b.toString(16).padStart(2, "0")).join("")}`;
}

/** An id when it looks like one, else the id derived from a natural key. */
export const resolveId = async (idOrKey: string) => (idOrKey.startsWith("ge_") ? idOrKey : await entityId(idOrKey));

export interface EntityRow {
  id: string;
  type: EntityType;
  key: string;
  title: string | null;
  url: string | null;
  properties: string;
  text: string | null;
  first_seen: number;
  last_seen: number;
}

export interface EdgeRow {
  source_id: string;
  target_id: string;
  type: EdgeType;
  properties: string;
  weight: number;
  first_seen: number;
  last_seen: number;
}

export const parseJson = (text: string): Record<string, unknown> => {
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch {
    // Rows are written by this module as JSON; a hand-edited row reads as having no properties.
    return {};
  }
};

export const toEntity = (r: EntityRow): GraphEntity => ({
  id: r.id,
  type: r.type,
  key: r.key,
  title: r.title,
  url: r.url,
  properties: parseJson(r.properties),
  text: r.text ?? null,
  firstSeen: r.first_seen,
  lastSeen: r.last_seen,
});

export const toEdge = (r: EdgeRow): GraphEdge => ({
  sourceId: r.source_id,
  targetId: r.target_id,
  type: r.type,
  properties: parseJson(r.properties),
  weight: r.weight,
  firstSeen: r.first_seen,
  lastSeen: r.last_seen,
});

/** The columns entity reads select: everything but `seq`, the FTS rowid, which is internal. */
export const ENTITY_COLUMNS = "id, type, key, title, url, properties, text, first_seen, last_seen";
export const entityColumns = (alias: string) =>
  ENTITY_COLUMNS.split(", ")
    .map((c) => `${alias}.${c}`)
    .join(", ");

/** An entity by id, or by natural key (`jira:issue:PAY-142`) for convenience. */
export async function getEntity(db: D1Database, idOrKey: string): Promise<GraphEntity | undefined> {
  const row = await db
    .prepare(`SELECT ${ENTITY_COLUMNS} FROM graph_entities WHERE id = ?`)
    .bind(await resolveId(idOrKey))
    .first<EntityRow>();
  return row ? toEntity(row) : undefined;
}

/** Entities by id, in no particular order. */
export async function getEntities(db: D1Database, ids: string[]): Promise<Map<string, GraphEntity>> {
  if (ids.length === 0) return new Map();
  const rows = (
    await db
      .prepare(`SELECT ${ENTITY_COLUMNS} FROM graph_entities WHERE id IN (SELECT value FROM json_each(?1))`)
      .bind(JSON.stringify(ids))
      .all<EntityRow>()
  ).results;
  return new Map(rows.map((r) => [r.id, toEntity(r)]));
}
