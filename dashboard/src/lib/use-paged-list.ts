// A keyset-paginated list: the first page on load (and when the key changes),
// further pages with loadMore(), items patched in place with update().
import { useState } from "react";
import type { Page } from "../../../core/api-types";
import { useAsync } from "./use-async";

export interface PagedList<T> {
  items: T[] | undefined;
  hasMore: boolean;
  loading: boolean;
  error: unknown;
  reload: () => void;
  loadMore: () => Promise<void>;
  more: { loading: boolean; error: unknown };
  update: (change: (items: T[]) => T[]) => void;
}

export function usePagedList<T extends { id: string }>(
  load: (cursor: string | undefined, signal?: AbortSignal) => Promise<Page<T>>,
  key: unknown[],
): PagedList<T> {
  const first = useAsync((signal) => load(undefined, signal), key);
  const [more, setMore] = useState<{ loading: boolean; error: unknown }>({ loading: false, error: undefined });

  async function loadMore() {
    const cursor = first.data?.nextCursor;
    if (!cursor) return;
    setMore({ loading: true, error: undefined });
    try {
      const page = await load(cursor);
      first.setData((current) => {
        const have = new Set(current?.items.map((item) => item.id));
        return { items: [...(current?.items ?? []), ...page.items.filter((item) => !have.has(item.id))], nextCursor: page.nextCursor };
      });
      setMore({ loading: false, error: undefined });
    } catch (error) {
      setMore({ loading: false, error });
    }
  }

  return {
    items: first.data?.items,
    hasMore: Boolean(first.data?.nextCursor),
    loading: first.loading,
    error: first.error,
    reload: first.reload,
    loadMore,
    more,
    update: (change) => first.setData((current) => current && { ...current, items: change(current.items) }),
  };
}
