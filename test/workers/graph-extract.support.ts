// Shared by the extraction tests: a vendor sample parsed as the ingest route parses it,
// and the sorted keys and edges of an extraction, for exact comparisons.
import { expect } from "vitest";
import { agentEventSchema, type AgentEvent } from "../../core/agent-event";
import type { Extraction } from "../../core/graph-types";
import type { Vendor } from "../../core/names";
import { integrations } from "../../workers/integrations/registry";

export function eventOf(vendor: Vendor, type: string, payload: unknown): AgentEvent {
  const parsed = integrations[vendor].parse(type, payload);
  expect(parsed.handled, parsed.note).toBe(true);
  return agentEventSchema.parse({
    ...parsed,
    id: "dlv_test",
    vendor,
    deliveryKey: "test",
    type,
    payloadRef: "payloads/test.json",
    receivedAt: 1,
  });
}

export const keysOf = (x: Extraction) => x.entities.map((e) => e.key).sort();
export const edgesOf = (x: Extraction) => x.edges.map((e) => `${e.source} -${e.type}-> ${e.target}`).sort();
