// Full-text search over entity keys, titles and text (graph_entities_fts, FTS5), ranked by
// bm25 with a title match worth most and a key match more than body text.
import type { EntityType, GraphEntity } from "../../core/graph-types";
import { entityColumns, toEntity, type EntityRow } from "./entities";

export interface SearchOptions {
  types?: EntityType[];
  limit: number;
}

/** Terms read from a query at most; the rest are ignored. */
const MAX_TERMS = 16;

/**
 * The FTS5 query for what a person typed: every word must match, the last one as a prefix
 * (search as you type). Each word is quoted, so FTS5 syntax in the input (`"`, `*`, `-`, `:`,
 * `AND`, `NEAR(`, column filters) is read as text and never as an operator or an SQL error;
 * quotes are dropped, and words with no letter or digit are skipped. Undefined when nothing is left.
 */
export function ftsQuery(input: string): string | undefined {
  const words = input
    .split(/\s+/)
    .map((word) => word.replace(/"/g, ""))
    .filter((word) => /[\p{L}\p{N}]/u.test(word))
    .slice(0, MAX_TERMS);
  if (words.length === 0) return undefined;
  return words.map((word, i) => `"${word}"${i === words.length - 1 ? " *" : ""}`).join(" ");
}

/** bm25 column weights, in the index's column order: key, title, text. */
const RANK = "bm25(graph_entities_fts, 4.0, 8.0, 1.0)";

/** Entities matching every word of `query` (the last as a prefix), best match first, then most recently seen. */
export async function searchEntities(db: D1Database, query: string, options: SearchOptions): Promise<GraphEntity[]> {
  const match = ftsQuery(query);
  if (!match) return [];
  const params: unknown[] = [match, options.limit];
  let typeFilter = "";
  if (options.types?.length) {
    typeFilter = "AND e.type IN (SELECT value FROM json_each(?3))";
    params.push(JSON.stringify(options.types));
  }
  const rows = (
    await db
      .prepare(
        `SELECT ${entityColumns("e")} FROM graph_entities_fts JOIN graph_entities e ON e.seq = graph_entities_fts.rowid
         WHERE graph_entities_fts MATCH ?1 ${typeFilter}
         ORDER BY ${RANK}, e.last_seen DESC, e.id LIMIT ?2`,
      )
      .bind(...params)
      .all<EntityRow>()
  ).results;
  return rows.map(toEntity);
}
