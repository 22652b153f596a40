import type { GraphEdge, GraphEntity, Neighbourhood } from "../../../core/graph-types";
// The explored part of the knowledge graph: every neighbourhood fetched so far,
// merged, so expanding a node adds to the view instead of replacing it.

export interface GraphModel {
  nodes: Map<string, GraphEntity>;
  edges: Map<string, GraphEdge>;
  /** Entities whose neighbours have been fetched. */
  expanded: Set<string>;
}

export const emptyModel = (): GraphModel => ({ nodes: new Map(), edges: new Map(), expanded: new Set() });

export const edgeKey = (edge: Pick<GraphEdge, "sourceId" | "targetId" | "type">) => `${edge.sourceId}|${edge.type}|${edge.targetId}`;

export function mergeNeighbourhood(model: GraphModel, hood: Neighbourhood): GraphModel {
  const nodes = new Map(model.nodes);
  const edges = new Map(model.edges);
  for (const entity of [hood.entity, ...hood.neighbours]) {
    const { depth: _depth, ...plain } = entity as GraphEntity & { depth?: number };
    nodes.set(plain.id, plain);
  }
  for (const edge of hood.edges) if (nodes.has(edge.sourceId) && nodes.has(edge.targetId)) edges.set(edgeKey(edge), edge);
  return { nodes, edges, expanded: new Set(model.expanded).add(hood.entity.id) };
}

/** The entities linked to `id`, with the edge type and direction. */
export function connections(model: GraphModel, id: string): { entity: GraphEntity; type: string; outgoing: boolean }[] {
  const found: { entity: GraphEntity; type: string; outgoing: boolean }[] = [];
  for (const edge of model.edges.values()) {
    const other = edge.sourceId === id ? edge.targetId : edge.targetId === id ? edge.sourceId : null;
    const entity = other ? model.nodes.get(other) : undefined;
    if (entity) found.push({ entity, type: edge.type, outgoing: edge.sourceId === id });
  }
  return found;
}

export function entityLabel(entity: Pick<GraphEntity, "title" | "key">): string {
  return entity.title || entity.key;
}

/** The vendor an entity type belongs to, for colour and the "open in" link text. */
export function vendorOf(type: string): string {
  if (type.startsWith("jira_")) return "jira";
  if (type.startsWith("slack_")) return "slack";
  if (type.startsWith("sentry_")) return "sentry";
  if (type === "person") return "person";
  if (type === "task") return "agent-bot";
  return "github";
}

export interface CytoscapeElement {
  group: "nodes" | "edges";
  data: Record<string, string | number>;
}

export function toElements(model: GraphModel): CytoscapeElement[] {
  const nodes: CytoscapeElement[] = [...model.nodes.values()].map((entity) => {
    const label = entityLabel(entity);
    return {
      group: "nodes",
      data: {
        id: entity.id,
        label: label.length > 32 ? `${label.slice(0, 31)}…` : label,
        type: entity.type,
        vendor: vendorOf(entity.type),
      },
    };
  });
  const edges: CytoscapeElement[] = [...model.edges.values()].map((edge) => ({
    group: "edges",
    data: { id: edgeKey(edge), source: edge.sourceId, target: edge.targetId, label: edge.type.replace(/_/g, " ") },
  }));
  return [...nodes, ...edges];
}
