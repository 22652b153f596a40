// Slack Events API: `X-Slack-Signature: v0=<hex HMAC of "v0:{timestamp}:{body}">`,
// a timestamp window against replay, and the url_verification handshake.
import { verifyHmacSha256Hex } from "../../security/hmac";
import { verifyRotating } from "../../security/secret-rotation";
import type { WebhookIntegration } from "../types";
import { parseSlackEvent } from "./slack.events";
import { slackGraph } from "./slack.graph";
import { SLACK_REPORTER_SETTINGS, SlackThreadReporter } from "./slack.thread";
import { decideSlack } from "./slack.trigger";

export const slack: WebhookIntegration = {
  vendor: "slack",
  displayName: "Slack",
  missingSettings: (config) => (config.SLACK_SIGNING_SECRET ? [] : ["SLACK_SIGNING_SECRET"]),

  // The signed timestamp bounds replays to SLACK_TIMESTAMP_TOLERANCE_SECONDS; retries keep event_id.
  dedupeBy: "delivery",

  async verify({ headers, rawBody, receivedAt }, config) {
    const signature = headers.get("x-slack-signature");
    const timestamp = headers.get("x-slack-request-timestamp");
    if (!signature || !timestamp) {
      return { ok: false, signature: "missing", message: "X-Slack-Signature and X-Slack-Request-Timestamp are required" };
    }
    const age = Math.abs(receivedAt / 1000 - Number(timestamp));
    if (!Number.isFinite(age) || age > config.SLACK_TIMESTAMP_TOLERANCE_SECONDS) {
      return { ok: false, signature: "stale", message: "X-Slack-Request-Timestamp is outside the allowed window" };
    }
    const valid =
      signature.startsWith("v0=") &&
      (await verifyRotating("SLACK_SIGNING_SECRET", config.SLACK_SIGNING_SECRET, config.SLACK_SIGNING_SECRET_PREVIOUS, (secret) =>
        verifyHmacSha256Hex(secret, `v0:${timestamp}:${rawBody}`, signature.slice(3)),
      ));
    return valid
      ? { ok: true, signedWith: valid }
      : { ok: false, signature: "invalid", message: "X-Slack-Signature does not match the body" };
  },

  handshake(payload) {
    const body = payload as { type?: unknown; challenge?: unknown } | null;
    return body?.type === "url_verification" && typeof body.challenge === "string" ? { challenge: body.challenge } : undefined;
  },

  identify(_request, payload) {
    const body = payload as { type?: unknown; event_id?: unknown; event?: { type?: unknown } } | null;
    const type = body?.type === "event_callback" ? body.event?.type : body?.type;
    return {
      deliveryKey: typeof body?.event_id === "string" ? body.event_id : undefined,
      type: typeof type === "string" ? type : undefined,
    };
  },

  parse: parseSlackEvent,
  decide: decideSlack,
  graph: slackGraph,
  reporter: { settings: SLACK_REPORTER_SETTINGS, create: (config) => new SlackThreadReporter(config) },
};
