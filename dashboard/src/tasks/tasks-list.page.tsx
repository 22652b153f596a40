// Every task, newest first: filters in the URL, "Load more" pagination, and a
// poll every 2 s while the tab is visible, so new tasks and status changes show
// without a reload.
import { useEffect, useRef, useState } from "react";
import { Link, useLocation, useSearch } from "wouter";
import type { Page, TaskRow } from "../../../core/api-types";
import { VENDORS } from "../../../core/names";
import { TASK_STATUSES } from "../../../core/task-types";
import { useApi } from "../auth/session";
import { Empty, ErrorMessage, Loading } from "../components/states";
import { StatusBadge } from "../components/status-badge";
import { formatDuration, formatRelative, formatTime, formatUsd, humanize } from "../lib/format";
import { useAsync } from "../lib/use-async";
import { useDebounced } from "../lib/use-debounced";
import { usePolling } from "../lib/use-polling";
import { filtersFromSearch, mergeHead, searchFromFilters, type TaskFilters } from "./task-filters";

export const PAGE_SIZE = 25;
export const POLL_MS = 2000;

export function TasksListPage() {
  const api = useApi();
  const search = useSearch();
  const [location, navigate] = useLocation();
  const filters = filtersFromSearch(search);
  const canonical = searchFromFilters(filters);

  const setFilters = (next: TaskFilters) => {
    const query = searchFromFilters(next);
    if (query !== canonical) navigate(query ? `${location}?${query}` : location, { replace: true });
  };

  // Text fields apply after typing stops; selects apply at once.
  const [repository, setRepository] = useState(filters.repository);
  const [text, setText] = useState(filters.q);
  const typed = useDebounced({ repository, q: text }, 350);
  const latest = useRef(filters);
  latest.current = filters;
  useEffect(() => {
    setFilters({ ...latest.current, repository: typed.repository, q: typed.q });
    // Only a settled change of the typed text moves the URL.
  }, [typed.repository, typed.q]);
  // The URL can change from outside (back button, a link): the fields follow it.
  useEffect(() => setRepository(filters.repository), [filters.repository]);
  useEffect(() => setText(filters.q), [filters.q]);

  const query = { vendor: filters.vendor, status: filters.status, repository: filters.repository, q: filters.q, limit: PAGE_SIZE };
  const list = useAsync<Page<TaskRow>>((signal) => api.listTasks(query, signal), [canonical]);

  const seen = useRef(new Set<string>());
  const [fresh, setFresh] = useState<Set<string>>(new Set());
  useEffect(() => {
    seen.current = new Set();
  }, [canonical]);
  useEffect(() => {
    if (!list.data) return;
    const arrived = list.data.items.filter((row) => seen.current.size > 0 && !seen.current.has(row.id)).map((row) => row.id);
    for (const row of list.data.items) seen.current.add(row.id);
    if (arrived.length) setFresh(new Set(arrived));
  }, [list.data]);

  usePolling(
    async (signal) => {
      const page = await api.listTasks(query, signal);
      if (!signal.aborted) list.setData((current) => (current ? mergeHead(current, page) : page));
    },
    POLL_MS,
    !list.loading && !list.error,
  );

  const [more, setMore] = useState<{ loading: boolean; error: unknown }>({ loading: false, error: undefined });
  async function loadMore() {
    const cursor = list.data?.nextCursor;
    if (!cursor) return;
    setMore({ loading: true, error: undefined });
    try {
      const page = await api.listTasks({ ...query, cursor });
      list.setData((current) => {
        const have = new Set(current?.items.map((row) => row.id));
        return { items: [...(current?.items ?? []), ...page.items.filter((row) => !have.has(row.id))], nextCursor: page.nextCursor };
      });
      setMore({ loading: false, error: undefined });
    } catch (error) {
      setMore({ loading: false, error });
    }
  }

  const filtered = Boolean(canonical);

  return (
    <section className="page" aria-labelledby="tasks-title">
      <div className="page-header">
        <h1 id="tasks-title">Tasks</h1>
        <Link href="/tasks/new" className="button button-primary">
          New task
        </Link>
      </div>

      {/* biome-ignore lint/a11y/useSemanticElements: <search> around a form is too new for the browsers the dashboard supports */}
      <form className="filters" role="search" aria-label="Filter tasks" onSubmit={(event) => event.preventDefault()}>
        <div className="field">
          <label htmlFor="filter-vendor">Vendor</label>
          <select id="filter-vendor" value={filters.vendor} onChange={(event) => setFilters({ ...filters, vendor: event.target.value })}>
            <option value="">All vendors</option>
            {VENDORS.map((vendor) => (
              <option key={vendor} value={vendor}>
                {vendor}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="filter-status">Status</label>
          <select id="filter-status" value={filters.status} onChange={(event) => setFilters({ ...filters, status: event.target.value })}>
            <option value="">All statuses</option>
            {TASK_STATUSES.map((status) => (
              <option key={status} value={status}>
                {humanize(status)}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="filter-repository">Repository</label>
          <input
            id="filter-repository"
            type="search"
            placeholder="owner/name"
            value={repository}
            onChange={(event) => setRepository(event.target.value)}
          />
        </div>
        <div className="field field-grow">
          <label htmlFor="filter-q">Text</label>
          <input
            id="filter-q"
            type="search"
            placeholder="title, subject, actor…"
            value={text}
            onChange={(event) => setText(event.target.value)}
          />
        </div>
        {filtered && (
          <button
            type="button"
            className="button button-quiet"
            onClick={() => {
              setRepository("");
              setText("");
              navigate(location, { replace: true });
            }}
          >
            Clear filters
          </button>
        )}
      </form>

      {list.loading && !list.data ? (
        <Loading label="Loading tasks…" />
      ) : list.error && !list.data ? (
        <ErrorMessage error={list.error} title="Could not load the tasks" onRetry={list.reload} />
      ) : !list.data?.items.length ? (
        <Empty>{filtered ? "No task matches these filters." : "No tasks yet. Send a webhook or start one by hand."}</Empty>
      ) : (
        <>
          {list.error ? <ErrorMessage error={list.error} title="Could not refresh the tasks" onRetry={list.reload} /> : null}
          <div className="table-wrap">
            <table className="table table-cards" aria-label="Tasks" data-testid="tasks-table">
              <thead>
                <tr>
                  <th scope="col">Task</th>
                  <th scope="col">Status</th>
                  <th scope="col">Vendor</th>
                  <th scope="col">Repository</th>
                  <th scope="col">Created</th>
                  <th scope="col" className="num">
                    Cost
                  </th>
                  <th scope="col" className="num">
                    Duration
                  </th>
                </tr>
              </thead>
              <tbody>
                {list.data.items.map((row) => (
                  <tr
                    key={row.id}
                    data-testid="task-row"
                    data-task-id={row.id}
                    data-status={row.status}
                    className={fresh.has(row.id) ? "row-new" : undefined}
                  >
                    <td data-label="Task">
                      <Link href={`/tasks/${encodeURIComponent(row.id)}`} className="task-title">
                        {row.title}
                      </Link>
                      {row.subject && <span className="muted small block">{row.subject}</span>}
                    </td>
                    <td data-label="Status">
                      <StatusBadge value={row.status} />
                    </td>
                    <td data-label="Vendor">{row.vendor}</td>
                    <td data-label="Repository">{row.repository ?? "—"}</td>
                    <td data-label="Created">
                      <time dateTime={new Date(row.createdAt).toISOString()} title={formatTime(row.createdAt)}>
                        {formatRelative(row.createdAt)}
                      </time>
                    </td>
                    <td data-label="Cost" className="num">
                      {formatUsd(row.costUsd)}
                    </td>
                    <td data-label="Duration" className="num">
                      {formatDuration(row.durationMs)}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {more.error ? <ErrorMessage error={more.error} title="Could not load more tasks" /> : null}
          {list.data.nextCursor && (
            <button type="button" className="button load-more" onClick={loadMore} disabled={more.loading}>
              {more.loading ? "Loading…" : "Load more"}
            </button>
          )}
        </>
      )}
    </section>
  );
}
