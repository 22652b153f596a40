// Sentry integration webhooks: `Sentry-Hook-Signature` is the hex HMAC-SHA256
// of the body under the integration's client secret.
import { verifyHmacSha256Hex } from "../../security/hmac";
import { verifyRotating } from "../../security/secret-rotation";
import type { WebhookIntegration } from "../types";
import { parseSentryEvent } from "./sentry.events";
import { sentryGraph } from "./sentry.graph";
import { SENTRY_REPORTER_SETTINGS, SentryThreadReporter } from "./sentry.thread";
import { decideSentry } from "./sentry.trigger";

export const sentry: WebhookIntegration = {
  vendor: "sentry",
  displayName: "Sentry",
  missingSettings: (config) => (config.SENTRY_CLIENT_SECRET ? [] : ["SENTRY_CLIENT_SECRET"]),

  // Sentry signs no timestamp or Request-ID.
  dedupeBy: "body",

  async verify({ headers, rawBody }, config) {
    const signature = headers.get("sentry-hook-signature");
    if (!signature) return { ok: false, signature: "missing", message: "Sentry-Hook-Signature header is missing" };
    const matched = await verifyRotating(
      "SENTRY_CLIENT_SECRET",
      config.SENTRY_CLIENT_SECRET,
      config.SENTRY_CLIENT_SECRET_PREVIOUS,
      (secret) => verifyHmacSha256Hex(secret, rawBody, signature),
    );
    return matched
      ? { ok: true, signedWith: matched }
      : { ok: false, signature: "invalid", message: "Sentry-Hook-Signature does not match the body" };
  },

  identify({ headers }) {
    return {
      deliveryKey: headers.get("request-id") ?? undefined,
      type: headers.get("sentry-hook-resource") ?? undefined,
    };
  },

  parse: parseSentryEvent,
  decide: decideSentry,
  graph: sentryGraph,
  reporter: { settings: SENTRY_REPORTER_SETTINGS, create: (config) => new SentryThreadReporter(config) },
};
