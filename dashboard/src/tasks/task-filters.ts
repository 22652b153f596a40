// The tasks list's filters live in the URL query (shareable, survive a reload):
// ?vendor=&status=&repository=&q=. Empty filters are left out.
import type { Page, TaskRow } from "../../../core/api-types";

export const FILTER_KEYS = ["vendor", "status", "repository", "q"] as const;
export type TaskFilters = Record<(typeof FILTER_KEYS)[number], string>;

export function filtersFromSearch(search: string): TaskFilters {
  const params = new URLSearchParams(search);
  return {
    vendor: params.get("vendor") ?? "",
    status: params.get("status") ?? "",
    repository: params.get("repository") ?? "",
    q: params.get("q") ?? "",
  };
}

/** The query string for a set of filters, in a fixed order, without empty ones. */
export function searchFromFilters(filters: TaskFilters): string {
  const params = new URLSearchParams();
  for (const key of FILTER_KEYS) {
    const value = filters[key].trim();
    if (value) params.set(key, value);
  }
  return params.toString();
}

/**
 * Folds a fresh first page (from polling) into the list on screen: the fresh
 * page replaces the head, so new tasks appear at the top and changed statuses
 * show; pages loaded with "Load more" stay below it.
 */
export function mergeHead(current: Page<TaskRow>, fresh: Page<TaskRow>): Page<TaskRow> {
  const last = fresh.items[fresh.items.length - 1];
  if (!fresh.nextCursor || !last) return fresh;
  const older = current.items.filter((row) => row.createdAt < last.createdAt || (row.createdAt === last.createdAt && row.id < last.id));
  return { items: [...fresh.items, ...older], nextCursor: older.length ? current.nextCursor : fresh.nextCursor };
}
