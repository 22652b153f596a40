// AgentEvent → entities + edges, as pure functions: no I/O, so every vendor's
// rules are unit-tested on the real samples and the store only has to upsert.
// Text references hang off the thing being discussed (the issue, PR, Jira issue,
// Slack thread or Sentry issue), not off the comment, so cross-vendor links meet there.
// This file is the shared driver; each vendor's rules are its integration's `graph`
// (`workers/integrations/<vendor>/<vendor>.graph.ts`), built on `./builder`.
import type { AgentEvent } from "../../core/agent-event";
import type { EntityInput, Extraction, GraphContext, IdentityInput } from "../../core/graph-types";
import { integrations } from "../integrations/registry";
import { Builder, cut, firstLine } from "./builder";

/** Identities of the extraction's persons: their email, and the name GRAPH_PERSON_IDENTITIES gives them. */
function identities(entities: EntityInput[], context: GraphContext): IdentityInput[] {
  const found: IdentityInput[] = [];
  for (const entity of entities) {
    if (entity.type !== "person") continue;
    const email = typeof entity.properties?.email === "string" ? entity.properties.email.trim().toLowerCase() : undefined;
    if (email?.includes("@")) found.push({ person: entity.key, identity: `email:${email}`, source: "email" });
    const name = context.identities?.[entity.key] ?? (email ? context.identities?.[`email:${email}`] : undefined);
    if (name) found.push({ person: entity.key, identity: `name:${name}`, source: "config" });
  }
  return found;
}

/** `github issue_comment.created by octocat: Fix the typo`, ≤ 200 chars. */
function summary(event: AgentEvent): string {
  const who = event.actor && !event.actor.isBot ? ` by ${event.actor.name ?? event.actor.login ?? event.actor.id}` : "";
  const what = event.title ?? firstLine(event.text);
  return cut(`${event.vendor} ${event.type}${event.action ? `.${event.action}` : ""}${who}${what ? `: ${what}` : ""}`, 200);
}

/**
 * The entities and relations one event states, the identities of the people in it, and the
 * timeline row it adds to each entity. Unhandled events state nothing.
 */
export function extractGraph(event: AgentEvent, context: GraphContext = {}): Extraction {
  const b = new Builder();
  if (!event.handled) return b.build();
  integrations[event.vendor].graph(event, b, context);
  const extraction = b.build();
  if (extraction.entities.length === 0) return extraction;
  return {
    ...extraction,
    identities: identities(extraction.entities, context),
    timeline: { vendor: event.vendor, eventType: event.type, action: event.action, summary: summary(event), url: event.links[0] },
  };
}
