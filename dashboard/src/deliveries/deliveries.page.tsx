// The delivery ledger (every webhook: signature result, dedup, trigger decision
// and reason) and the dead letters, each with a Replay button.
import { useState } from "react";
import { Link, useLocation, useSearch } from "wouter";
import type { DeadLetter, Delivery } from "../../../core/api-types";
import { VENDORS } from "../../../core/names";
import { ApiError } from "../api/api-client";
import { useApi } from "../auth/session";
import { Empty, ErrorMessage, errorText, Loading } from "../components/states";
import { StatusBadge } from "../components/status-badge";
import { formatRelative, formatTime, humanize } from "../lib/format";
import { usePagedList, type PagedList } from "../lib/use-paged-list";

const PAGE_SIZE = 50;

function When({ at }: { at: number }) {
  return (
    <time dateTime={new Date(at).toISOString()} title={formatTime(at)}>
      {formatRelative(at)}
    </time>
  );
}

function MoreButton<T>({ list, label }: { list: PagedList<T & { id: string }>; label: string }) {
  return (
    <>
      {list.more.error ? <ErrorMessage error={list.more.error} title={`Could not load more ${label}`} /> : null}
      {list.hasMore && (
        <button type="button" className="button load-more" onClick={() => void list.loadMore()} disabled={list.more.loading}>
          {list.more.loading ? "Loading…" : "Load more"}
        </button>
      )}
    </>
  );
}

function dedupText(delivery: Delivery): string {
  const parts: string[] = [];
  if (delivery.duplicates > 0) parts.push(`${delivery.duplicates} duplicate${delivery.duplicates === 1 ? "" : "s"} dropped`);
  if (delivery.attempts > 1) parts.push(`${delivery.attempts} attempts`);
  return parts.join(", ") || "first delivery";
}

function Ledger() {
  const api = useApi();
  const search = useSearch();
  const [location, navigate] = useLocation();
  const vendor = new URLSearchParams(search).get("vendor") ?? "";
  const list = usePagedList<Delivery>((cursor, signal) => api.listDeliveries({ vendor, cursor, limit: PAGE_SIZE }, signal), [vendor]);

  return (
    <section className="card" aria-labelledby="ledger-title">
      <div className="section-header">
        <h2 id="ledger-title">Webhook deliveries</h2>
        <div className="field field-inline">
          <label htmlFor="ledger-vendor">Vendor</label>
          <select
            id="ledger-vendor"
            value={vendor}
            onChange={(event) => navigate(event.target.value ? `${location}?vendor=${event.target.value}` : location, { replace: true })}
          >
            <option value="">All</option>
            {VENDORS.map((name) => (
              <option key={name} value={name}>
                {name}
              </option>
            ))}
          </select>
        </div>
        <button type="button" className="button button-small button-quiet" onClick={list.reload}>
          Refresh
        </button>
      </div>
      {list.loading && !list.items ? (
        <Loading label="Loading deliveries…" />
      ) : list.error ? (
        <ErrorMessage error={list.error} title="Could not load the deliveries" onRetry={list.reload} />
      ) : !list.items?.length ? (
        <Empty>{vendor ? `No ${vendor} deliveries yet.` : "No deliveries yet."}</Empty>
      ) : (
        <>
          <div className="table-wrap">
            <table className="table table-cards" aria-label="Webhook deliveries" data-testid="deliveries-table">
              <thead>
                <tr>
                  <th scope="col">Received</th>
                  <th scope="col">Vendor</th>
                  <th scope="col">Type</th>
                  <th scope="col">Signature</th>
                  <th scope="col">Dedup</th>
                  <th scope="col">Decision</th>
                  <th scope="col">Reason</th>
                </tr>
              </thead>
              <tbody>
                {list.items.map((delivery) => (
                  <tr key={delivery.id} data-testid="delivery-row">
                    <td data-label="Received">
                      <When at={delivery.receivedAt} />
                    </td>
                    <td data-label="Vendor">{delivery.vendor}</td>
                    <td data-label="Type">
                      {delivery.eventType}
                      {delivery.action ? ` · ${delivery.action}` : ""}
                      {delivery.subject && <span className="muted small block">{delivery.subject}</span>}
                    </td>
                    <td data-label="Signature">
                      <StatusBadge value={delivery.signature} kind="signature" />
                    </td>
                    <td data-label="Dedup">{dedupText(delivery)}</td>
                    <td data-label="Decision">
                      <StatusBadge value={delivery.decision} kind="decision" />
                      {delivery.status === "dead_lettered" && <span className="muted small block">{humanize(delivery.status)}</span>}
                    </td>
                    <td data-label="Reason">
                      {delivery.reason ?? delivery.lastError ?? "—"}
                      {delivery.taskId && (
                        <span className="block">
                          <Link href={`/tasks/${encodeURIComponent(delivery.taskId)}`}>Open task</Link>
                        </span>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <MoreButton list={list} label="deliveries" />
        </>
      )}
    </section>
  );
}

type ReplayState = { busy: boolean; error?: string; note?: string };

function DeadLetters() {
  const api = useApi();
  const list = usePagedList<DeadLetter>((cursor, signal) => api.listDeadLetters({ cursor, limit: PAGE_SIZE }, signal), []);
  const [replays, setReplays] = useState<Record<string, ReplayState>>({});

  async function replay(letter: DeadLetter) {
    setReplays((all) => ({ ...all, [letter.id]: { busy: true } }));
    try {
      const result = await api.replayDeadLetter(letter.id);
      list.update((items) => items.map((item) => (item.id === letter.id ? { ...item, replayedAt: result.replayedAt } : item)));
      setReplays((all) => ({ ...all, [letter.id]: { busy: false, note: "Replayed: the delivery is back on the queue." } }));
    } catch (error) {
      if (error instanceof ApiError && error.status === 409) {
        list.update((items) =>
          items.map((item) => (item.id === letter.id ? { ...item, replayedAt: item.replayedAt ?? Date.now() } : item)),
        );
        setReplays((all) => ({ ...all, [letter.id]: { busy: false, note: "Already replayed." } }));
      } else {
        setReplays((all) => ({ ...all, [letter.id]: { busy: false, error: `Replay failed: ${errorText(error)}` } }));
      }
    }
  }

  return (
    <section className="card" aria-labelledby="dead-letters-title">
      <div className="section-header">
        <h2 id="dead-letters-title">Dead letters</h2>
        <button type="button" className="button button-small button-quiet" onClick={list.reload}>
          Refresh
        </button>
      </div>
      {list.loading && !list.items ? (
        <Loading label="Loading dead letters…" />
      ) : list.error ? (
        <ErrorMessage error={list.error} title="Could not load the dead letters" onRetry={list.reload} />
      ) : !list.items?.length ? (
        <Empty>No dead letters: every delivery was processed.</Empty>
      ) : (
        <>
          <div className="table-wrap">
            <table className="table table-cards" aria-label="Dead letters" data-testid="dead-letters-table">
              <thead>
                <tr>
                  <th scope="col">Received</th>
                  <th scope="col">Vendor</th>
                  <th scope="col">Type</th>
                  <th scope="col">Attempts</th>
                  <th scope="col">Last error</th>
                  <th scope="col">Replay</th>
                </tr>
              </thead>
              <tbody>
                {list.items.map((letter) => {
                  const state = replays[letter.id];
                  return (
                    <tr key={letter.id} data-testid="dead-letter-row" data-dead-letter-id={letter.id}>
                      <td data-label="Received">
                        <When at={letter.receivedAt} />
                      </td>
                      <td data-label="Vendor">{letter.vendor ?? "—"}</td>
                      <td data-label="Type">
                        {letter.eventType ?? "—"}
                        {letter.deliveryId && <span className="muted small block mono">{letter.deliveryId}</span>}
                      </td>
                      <td data-label="Attempts">{letter.attempts}</td>
                      <td data-label="Last error" className="wrap">
                        {letter.lastError ?? "—"}
                      </td>
                      <td data-label="Replay">
                        <button
                          type="button"
                          className="button button-small"
                          data-testid="replay-button"
                          aria-label={`Replay ${letter.eventType ?? "delivery"} ${letter.deliveryId ?? letter.id}`}
                          disabled={Boolean(letter.replayedAt) || state?.busy}
                          onClick={() => replay(letter)}
                        >
                          {state?.busy ? "Replaying…" : letter.replayedAt ? "Replayed" : "Replay"}
                        </button>
                        {letter.replayedAt ? <span className="muted small block">at {formatTime(letter.replayedAt)}</span> : null}
                        {state?.note && (
                          <span className="small block" role="status">
                            {state.note}
                          </span>
                        )}
                        {state?.error && (
                          <span className="form-error small block" role="alert">
                            {state.error}
                          </span>
                        )}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
          <MoreButton list={list} label="dead letters" />
        </>
      )}
    </section>
  );
}

export function DeliveriesPage() {
  return (
    <section className="page" aria-labelledby="deliveries-title">
      <h1 id="deliveries-title">Deliveries</h1>
      <DeadLetters />
      <Ledger />
    </section>
  );
}
