// The contract every vendor folder fulfils: its webhooks, its graph extraction and its thread
// reporter. Adding a vendor = adding a folder whose index.ts exports one WebhookIntegration, and
// listing it in registry.ts.
import type { SecretMatch } from "../security/secret-rotation";
import type { AgentEvent, ParsedEvent } from "../../core/agent-event";
import type { SignatureResult } from "../../core/api-types";
import type { Vendor } from "../../core/names";
import type { TaskMode, UntrustedParts } from "../../core/task-types";
import type { Config } from "../config";
import type { GraphExtractor } from "../graph/builder";
import type { ReporterEntry } from "../threads/types";

export interface WebhookRequest {
  headers: Headers;
  url: URL;
  rawBody: string;
  /** Milliseconds since the epoch when the request arrived. */
  receivedAt: number;
}

export type VerifyResult =
  /** `signedWith`: which secret matched, during a rotation (docs/operations.md#rotating-secrets). */
  { ok: true; signedWith: SecretMatch } | { ok: false; signature: Exclude<SignatureResult, "valid" | "valid_previous">; message: string };

export type Decision = "triggered" | "not_triggered" | "ignored" | "refused";

export interface TriggerDecision {
  decision: Decision;
  reason: string;
  /** The rule that triggered, `<vendor>:<kind>` (`sentry:new_issue`); REQUIRE_APPROVAL names these. */
  trigger?: string;
  /** Parts of the event no permitted person wrote; the task's prompt fences them. */
  untrusted?: UntrustedParts;
  /** What kind of task it starts: `review` posts a pull-request review and pushes nothing. */
  mode?: TaskMode;
}

export interface WebhookIntegration {
  vendor: Vendor;
  /** How threads and the dashboard name the vendor: `GitHub`, `Jira`. */
  displayName: string;
  /** Settings that must be set before this vendor's webhooks can be verified; empty when ready. */
  missingSettings(config: Config): string[];
  verify(request: WebhookRequest, config: Config): Promise<VerifyResult>;
  /**
   * What makes two deliveries one (docs/security.md#webhooks). `body`: the digest of the signed body,
   * for vendors whose signature covers no timestamp, so a captured body replayed under a fresh
   * delivery id is still a duplicate. `delivery`: the vendor's delivery id, for vendors (Slack)
   * whose signed timestamp already bounds replays to a short window.
   */
  dedupeBy: "body" | "delivery";
  /** A reply the vendor expects instead of 202, such as Slack's url_verification challenge. */
  handshake?(payload: unknown): Record<string, unknown> | undefined;
  /** The vendor's delivery id and event type, from headers or the envelope. */
  identify(request: WebhookRequest, payload: unknown): { deliveryKey?: string; type?: string };
  parse(type: string, payload: unknown): ParsedEvent;
  /** Does this event ask for agent work, and may its actor ask? */
  decide(event: AgentEvent, config: Config): TriggerDecision;
  /** What one of its events adds to the knowledge graph (`<vendor>.graph.ts`, run by workers/graph/extract.ts). */
  graph: GraphExtractor;
  /** How a task reports back in its threads (`<vendor>.thread.ts`, through workers/threads/registry.ts). */
  reporter: ReporterEntry;
}
