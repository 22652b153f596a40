// Knowledge graph explorer: search by title or key, pick a result, and explore
// its neighbourhood. Clicking a node (or "Expand" in the side panel, for the
// keyboard) adds that node's neighbours; the panel shows the entity and links to
// its vendor page.
import { lazy, Suspense, useMemo, useState, type FormEvent } from "react";
import { useLocation, useSearch } from "wouter";
import { useApi } from "../auth/session";
import { Empty, ErrorMessage, Loading } from "../components/states";
import { formatTime, humanize } from "../lib/format";
import { useAsync } from "../lib/use-async";
// One vocabulary with the Worker: core/graph-types.ts imports nothing, so it bundles as is.
import { ENTITY_TYPES, type GraphEntity } from "../../../core/graph-types";
import { connections, emptyModel, entityLabel, mergeNeighbourhood, toElements, vendorOf, type GraphModel } from "./graph-data";

const GraphCanvas = lazy(() => import("./graph-canvas"));

function propertyText(value: unknown): string {
  if (value === null || value === undefined) return "—";
  if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") return String(value);
  return JSON.stringify(value);
}

function EntityPanel({
  entity,
  model,
  expanding,
  onExpand,
  onSelect,
}: {
  entity: GraphEntity;
  model: GraphModel;
  expanding: boolean;
  onExpand: () => void;
  onSelect: (id: string) => void;
}) {
  const linked = connections(model, entity.id);
  const properties = Object.entries(entity.properties ?? {});
  return (
    <aside className="card graph-panel" aria-labelledby="entity-title" data-testid="entity-panel">
      <p className="muted small">{humanize(entity.type)}</p>
      <h2 id="entity-title">{entityLabel(entity)}</h2>
      <p className="mono small wrap">{entity.key}</p>
      {entity.url && (
        <p>
          <a href={entity.url} target="_blank" rel="noreferrer noopener">
            Open in {vendorOf(entity.type)}
            <span className="visually-hidden"> (opens in a new tab)</span>
          </a>
        </p>
      )}
      <button type="button" className="button button-small" onClick={onExpand} disabled={expanding || model.expanded.has(entity.id)}>
        {expanding ? "Expanding…" : model.expanded.has(entity.id) ? "Neighbours shown" : "Expand neighbours"}
      </button>
      <dl className="facts">
        <dt>First seen</dt>
        <dd>{formatTime(entity.firstSeen)}</dd>
        <dt>Last seen</dt>
        <dd>{formatTime(entity.lastSeen)}</dd>
        {properties.map(([name, value]) => (
          <div key={name} className="contents">
            <dt>{humanize(name)}</dt>
            <dd className="wrap">{propertyText(value)}</dd>
          </div>
        ))}
      </dl>
      {linked.length > 0 && (
        <>
          <h3>Linked</h3>
          <ul className="linked-list">
            {linked.map((link) => (
              <li key={`${link.entity.id}-${link.type}-${link.outgoing}`}>
                <span className="muted small">
                  {link.outgoing ? "" : "← "}
                  {humanize(link.type)}
                  {link.outgoing ? " →" : ""}
                </span>{" "}
                <button type="button" className="link-button" onClick={() => onSelect(link.entity.id)}>
                  {entityLabel(link.entity)}
                </button>
              </li>
            ))}
          </ul>
        </>
      )}
    </aside>
  );
}

export function GraphPage() {
  const api = useApi();
  const search = useSearch();
  const [location, navigate] = useLocation();
  const params = new URLSearchParams(search);
  const q = params.get("q") ?? "";
  const type = params.get("type") ?? "";
  const rootId = params.get("entity");

  const [draft, setDraft] = useState(q);
  const [draftType, setDraftType] = useState(type);
  const results = useAsync((signal) => (q ? api.searchGraph(q, type || undefined, signal) : Promise.resolve({ items: [] })), [q, type]);

  const [model, setModel] = useState<GraphModel>(emptyModel);
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const [expanding, setExpanding] = useState<string | null>(null);
  const [expandError, setExpandError] = useState<unknown>(undefined);

  const root = useAsync(
    async (signal) => {
      if (!rootId) return null;
      const hood = await api.graphNeighbours(rootId, 1, signal);
      setModel(mergeNeighbourhood(emptyModel(), hood));
      setSelectedId(hood.entity.id);
      return hood;
    },
    [rootId],
  );

  async function expand(id: string) {
    setSelectedId(id);
    if (model.expanded.has(id)) return;
    setExpanding(id);
    setExpandError(undefined);
    try {
      const hood = await api.graphNeighbours(id, 1);
      setModel((current) => mergeNeighbourhood(current, hood));
    } catch (error) {
      setExpandError(error);
    } finally {
      setExpanding(null);
    }
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    const next = new URLSearchParams();
    if (draft.trim()) next.set("q", draft.trim());
    if (draftType) next.set("type", draftType);
    navigate(`${location}${next.size ? `?${next}` : ""}`);
  }

  function open(entity: GraphEntity) {
    const next = new URLSearchParams(search);
    next.set("entity", entity.id);
    navigate(`${location}?${next}`);
  }

  const elements = useMemo(() => toElements(model), [model]);
  const selected = selectedId ? model.nodes.get(selectedId) : undefined;

  return (
    <section className="page" aria-labelledby="graph-title">
      <h1 id="graph-title">Knowledge graph</h1>
      {/* biome-ignore lint/a11y/useSemanticElements: <search> around a form is too new for the browsers the dashboard supports */}
      <form className="filters" role="search" aria-label="Search the knowledge graph" onSubmit={submit}>
        <div className="field field-grow">
          <label htmlFor="graph-q">Search</label>
          <input
            id="graph-q"
            type="search"
            placeholder="title or key, e.g. PAY-142"
            value={draft}
            onChange={(event) => setDraft(event.target.value)}
          />
        </div>
        <div className="field">
          <label htmlFor="graph-type">Type</label>
          <select id="graph-type" value={draftType} onChange={(event) => setDraftType(event.target.value)}>
            <option value="">All types</option>
            {ENTITY_TYPES.map((name) => (
              <option key={name} value={name}>
                {humanize(name)}
              </option>
            ))}
          </select>
        </div>
        <button type="submit" className="button button-primary">
          Search
        </button>
      </form>

      {q && (
        <section aria-labelledby="graph-results-title" className="graph-results">
          <h2 id="graph-results-title" className="visually-hidden">
            Results
          </h2>
          {results.loading ? (
            <Loading label="Searching…" />
          ) : results.error ? (
            <ErrorMessage error={results.error} title="Search failed" onRetry={results.reload} />
          ) : !results.data?.items.length ? (
            <Empty>Nothing matches “{q}”.</Empty>
          ) : (
            <ul className="result-list" aria-label="Search results">
              {results.data.items.map((entity) => (
                <li key={entity.id}>
                  <button type="button" className="result" aria-pressed={entity.id === rootId} onClick={() => open(entity)}>
                    <span className="result-title">{entityLabel(entity)}</span>
                    <span className="muted small">
                      {humanize(entity.type)} · <span className="mono">{entity.key}</span>
                    </span>
                  </button>
                </li>
              ))}
            </ul>
          )}
        </section>
      )}

      {!rootId ? (
        !q && <Empty>Search for a repository, issue, ticket, Slack thread or Sentry issue to explore what it is connected to.</Empty>
      ) : root.loading ? (
        <Loading label="Loading the neighbourhood…" />
      ) : root.error ? (
        <ErrorMessage error={root.error} title="Could not load the entity" onRetry={root.reload} />
      ) : (
        <div className="graph-layout">
          <div className="card graph-stage">
            <Suspense fallback={<Loading label="Loading the graph view…" />}>
              <GraphCanvas
                elements={elements}
                selectedId={selectedId}
                onNodeTap={(id) => void expand(id)}
                label={`Neighbourhood graph: ${model.nodes.size} entities, ${model.edges.size} links. Use the panel to move between them.`}
              />
            </Suspense>
            <p className="muted small">
              Click a node to show its neighbours. {model.nodes.size} entities, {model.edges.size} links.
            </p>
            {expandError ? <ErrorMessage error={expandError} title="Could not expand" /> : null}
          </div>
          {selected && (
            <EntityPanel
              entity={selected}
              model={model}
              expanding={expanding === selected.id}
              onExpand={() => void expand(selected.id)}
              onSelect={(id) => setSelectedId(id)}
            />
          )}
        </div>
      )}
    </section>
  );
}
