// The queue consumer's graph step. Best effort: the graph enriches events, it
// never decides them, so a failure here is logged and the event carries on.
import type { AgentEvent } from "../events/agent-event";
import { errorMessage, logLine } from "../observability/log";
import { extractGraph } from "./extract";
import { upsertExtraction } from "./store";

export async function recordEventGraph(db: D1Database, event: AgentEvent): Promise<void> {
  try {
    await upsertExtraction(db, extractGraph(event), event.id, event.receivedAt);
  } catch (error) {
    logLine("error", { kind: "graph_upsert_failed", deliveryId: event.id, vendor: event.vendor, eventType: event.type, error: errorMessage(error) });
  }
}
