// An entity's timeline: the deliveries that named it, newest first, from
// graph_entity_events (one row per entity and delivery, written with the extraction).
import type { GraphEntity } from "../../core/graph-types";
import { getEntity } from "./entities";

export interface TimelineItem {
  deliveryId: string;
  vendor: string;
  eventType: string;
  action: string | null;
  at: number;
  summary: string;
  url: string | null;
}

export interface TimelineOptions {
  limit: number;
  /** Only events strictly before this time (epoch ms): pass the answer's `next` for the page after. */
  before?: number;
}

export interface TimelinePage {
  entity: GraphEntity;
  items: TimelineItem[];
  /** `before` for the next page; absent on the last one. */
  next?: number;
}

interface Row {
  delivery_id: string;
  vendor: string;
  event_type: string;
  action: string | null;
  at: number;
  summary: string;
  url: string | null;
}

/**
 * Newest first, read backwards off graph_entity_events_entity_at. Events in the same millisecond
 * as a page's last one share its `next`: a page ends only after all of them (the limit may be
 * exceeded by those), so paging never skips one.
 */
export async function timeline(db: D1Database, idOrKey: string, options: TimelineOptions): Promise<TimelinePage | undefined> {
  const entity = await getEntity(db, idOrKey);
  if (!entity) return undefined;
  const rows = (
    await db
      .prepare(
        `SELECT delivery_id, vendor, event_type, action, at, summary, url FROM graph_entity_events
         WHERE entity_id = ?1 AND at < ?2
         ORDER BY at DESC, delivery_id DESC LIMIT ?3`,
      )
      .bind(entity.id, options.before ?? Number.MAX_SAFE_INTEGER, options.limit + 1)
      .all<Row>()
  ).results;
  let items = rows.slice(0, options.limit);
  let next: number | undefined;
  if (rows.length > options.limit) {
    const last = items[items.length - 1]!;
    // The rest of the last millisecond, so `before = last.at` resumes exactly after it.
    const rest = (
      await db
        .prepare(
          `SELECT delivery_id, vendor, event_type, action, at, summary, url FROM graph_entity_events
           WHERE entity_id = ?1 AND at = ?2 AND delivery_id < ?3 ORDER BY delivery_id DESC`,
        )
        .bind(entity.id, last.at, last.delivery_id)
        .all<Row>()
    ).results;
    items = [...items, ...rest];
    next = last.at;
  }
  return {
    entity,
    items: items.map((r) => ({
      deliveryId: r.delivery_id,
      vendor: r.vendor,
      eventType: r.event_type,
      action: r.action,
      at: r.at,
      summary: r.summary,
      url: r.url,
    })),
    ...(next !== undefined ? { next } : {}),
  };
}
