// Keyset pagination over (timestamp, id), newest first: stable while rows are
// being inserted, unlike offsets. The cursor is opaque to clients.
import { and, eq, lt, or, type SQL } from "drizzle-orm";
import type { SQLiteColumn } from "drizzle-orm/sqlite-core";
import type { Page } from "../../core/api-types";

export interface Cursor {
  at: number;
  id: string;
}

export function encodeCursor(cursor: Cursor): string {
  return btoa(`${cursor.at}:${cursor.id}`).replace(/=+$/, "");
}

export function decodeCursor(text: string | undefined): Cursor | undefined {
  if (!text) return undefined;
  try {
    const [at, ...id] = atob(text).split(":");
    const cursor = { at: Number(at), id: id.join(":") };
    return Number.isFinite(cursor.at) && cursor.id ? cursor : undefined;
  } catch {
    // A cursor that is not base64 is treated like any other unusable cursor.
    return undefined;
  }
}

export function olderThan(cursor: Cursor | undefined, at: SQLiteColumn, id: SQLiteColumn): SQL | undefined {
  if (!cursor) return undefined;
  return or(lt(at, cursor.at), and(eq(at, cursor.at), lt(id, cursor.id)));
}

/** Splits a page fetched with limit + 1 rows into the page and the next cursor. */
export function page<T>(rows: T[], limit: number, key: (row: T) => Cursor): Page<T> {
  const items = rows.slice(0, limit);
  const last = items[items.length - 1];
  return { items, nextCursor: rows.length > limit && last ? encodeCursor(key(last)) : null };
}
