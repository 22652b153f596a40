// The queue consumer's graph step. Best effort: the graph enriches events, it
// never decides them, so a failure here is logged and the event carries on.
import type { AgentEvent } from "../../core/agent-event";
import { errorMessage } from "../../core/error-message";
import type { GraphContext } from "../../core/graph-types";
import type { Config } from "../config";
import { logLine } from "../observability/log";
import { extractGraph } from "./extract";
import { upsertExtraction } from "./store";

/** The configuration extraction reads: which repository a Sentry project's files are in, and who is who across vendors. */
export function graphContext(config: Pick<Config, "PROJECT_REPOSITORIES" | "GRAPH_PERSON_IDENTITIES">): GraphContext {
  return { repositories: config.PROJECT_REPOSITORIES, identities: config.GRAPH_PERSON_IDENTITIES };
}

/** Without `context`, Sentry stack frames name no files and only emails join people (see extract.ts). */
export async function recordEventGraph(db: D1Database, event: AgentEvent, context: GraphContext = {}): Promise<void> {
  try {
    await upsertExtraction(db, extractGraph(event, context), event.id, event.receivedAt);
  } catch (error) {
    logLine("error", {
      kind: "graph_upsert_failed",
      deliveryId: event.id,
      vendor: event.vendor,
      eventType: event.type,
      error: errorMessage(error),
    });
  }
}
