// What every vendor's graph extractor builds with: the Builder that collects an
// extraction, and the helpers for the entities all vendors share (people, files).
// Each vendor's rules are in `workers/integrations/<vendor>/<vendor>.graph.ts`;
// extract.ts runs the one for the event's vendor.
import type { AgentEvent } from "../../core/agent-event";
import {
  keys,
  MAX_ENTITY_TEXT,
  type EdgeInput,
  type EdgeType,
  type EntityInput,
  type Extraction,
  type GraphContext,
} from "../../core/graph-types";
import { findClosingReferences, findReferences } from "./references";

/** One vendor's rules: adds what `event` states to `b`. Pure: no I/O. */
export type GraphExtractor = (event: AgentEvent, b: Builder, context: GraphContext) => void;

/** Collects an extraction, merging repeated entities and dropping repeated or self edges. */
export class Builder {
  private readonly entities = new Map<string, EntityInput>();
  private readonly edges = new Map<string, EdgeInput>();

  entity(entity: EntityInput): string {
    const known = this.entities.get(entity.key);
    const text = entity.text?.trim() ? cut(entity.text.trim(), MAX_ENTITY_TEXT) : undefined;
    this.entities.set(
      entity.key,
      known
        ? {
            ...known,
            title: entity.title ?? known.title,
            url: entity.url ?? known.url,
            properties: { ...known.properties, ...entity.properties },
            text: text ?? known.text,
          }
        : { ...entity, text },
    );
    return entity.key;
  }

  edge(source: string, target: string, type: EdgeType, properties?: Record<string, unknown>): void {
    if (source === target) return;
    const id = `${source}\n${target}\n${type}`;
    if (!this.edges.has(id)) this.edges.set(id, { source, target, type, ...(properties ? { properties } : {}) });
  }

  /** Edges from `source` to everything `text` references, and `closes` for closing keywords. */
  references(source: string, text: string | undefined, repository?: string): void {
    for (const target of findReferences(text, { repository })) this.edge(source, this.entity(target), "references");
    for (const target of findClosingReferences(text, repository)) this.edge(source, this.entity(target), "closes");
  }

  /** Every entity `text` references, without the edges `references` adds. */
  referenced(text: string | undefined, repository?: string): string[] {
    return findReferences(text, { repository }).map((target) => this.entity(target));
  }

  list(): EntityInput[] {
    return [...this.entities.values()];
  }

  build(): Extraction {
    return { entities: this.list(), edges: [...this.edges.values()] };
  }
}

export const cut = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

export const firstLine = (text: string | undefined, max = 120) => {
  const line = text
    ?.split("\n")
    .find((l) => l.trim())
    ?.trim();
  return line && line.length > max ? `${line.slice(0, max - 1)}…` : line;
};

/** The actor as a person entity, or nothing for a vendor's own automation. */
export function person(b: Builder, vendor: string, event: AgentEvent, scope?: string): string | undefined {
  const actor = event.actor;
  if (!actor || (vendor === "sentry" && actor.isBot)) return undefined;
  const id = vendor === "github" ? (actor.login ?? actor.id) : scope ? `${scope}/${actor.id}` : actor.id;
  return b.entity({
    key: keys.person(vendor, id),
    type: "person",
    title: actor.name ?? actor.login ?? actor.id,
    properties: { vendor, vendorId: actor.id, isBot: actor.isBot, ...(actor.email ? { email: actor.email } : {}) },
    text: actor.email,
  });
}

/** `subject -assigned_to-> person` for each current assignee. */
export function assignedTo(b: Builder, vendor: string, event: AgentEvent, subject: string): void {
  for (const assignee of event.assignees ?? []) {
    const who = person(b, vendor, { ...event, actor: assignee });
    if (who) b.edge(subject, who, "assigned_to");
  }
}

/** A file of a repository, which belongs to it. */
export function fileEntity(b: Builder, repo: string, path: string, repoKey = keys.repo(repo)): string {
  const key = keys.file(repo, path);
  const file = b.entity({
    key,
    type: "file",
    title: key.slice(keys.file(repo, "").length),
    url: `https://github.com/${repo}/blob/HEAD/${path.replace(/^\.?\/+/, "")}`,
  });
  b.edge(file, repoKey, "belongs_to");
  return file;
}
