// Signs a webhook body the way each vendor does, with Web Crypto so the same
// code runs in Node (the send script, benchmarks) and in workerd (tests).
const encoder = new TextEncoder();

/** @param {string} secret @param {string} message @returns {Promise<string>} hex HMAC-SHA256 */
export async function hmacHex(secret, message) {
  const key = await crypto.subtle.importKey("raw", encoder.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const mac = await crypto.subtle.sign("HMAC", key, encoder.encode(message));
  return [...new Uint8Array(mac)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * Headers (and query) for a signed delivery.
 * @param {"github"|"jira"|"slack"|"sentry"} vendor
 * @param {{ body: string, secret: string, eventType?: string, deliveryId?: string, timestamp?: number, hookId?: string }} options
 * @returns {Promise<{ headers: Record<string, string>, query: Record<string, string> }>}
 */
export async function signDelivery(vendor, { body, secret, eventType, deliveryId = crypto.randomUUID(), timestamp, hookId = "1" }) {
  const headers = { "content-type": "application/json" };
  switch (vendor) {
    case "github":
      Object.assign(headers, {
        "x-github-event": eventType ?? "ping",
        "x-github-delivery": deliveryId,
        "x-github-hook-id": hookId,
        "x-hub-signature-256": `sha256=${await hmacHex(secret, body)}`,
      });
      break;
    case "jira":
      Object.assign(headers, {
        "x-atlassian-webhook-identifier": deliveryId,
        "x-hub-signature": `sha256=${await hmacHex(secret, body)}`,
      });
      break;
    case "slack": {
      const ts = String(timestamp ?? Math.floor(Date.now() / 1000));
      Object.assign(headers, {
        "x-slack-request-timestamp": ts,
        "x-slack-signature": `v0=${await hmacHex(secret, `v0:${ts}:${body}`)}`,
      });
      break;
    }
    case "sentry":
      Object.assign(headers, {
        "sentry-hook-resource": eventType ?? "issue",
        "sentry-hook-timestamp": String(timestamp ?? Math.floor(Date.now() / 1000)),
        "request-id": deliveryId,
        "sentry-hook-signature": await hmacHex(secret, body),
      });
      break;
    default:
      throw new Error(`unknown vendor ${vendor}`);
  }
  return { headers, query: {} };
}

/** The .dev.vars setting that holds each vendor's signing secret. */
export const SECRET_SETTING = {
  github: "GITHUB_WEBHOOK_SECRET",
  jira: "JIRA_WEBHOOK_SECRET",
  slack: "SLACK_SIGNING_SECRET",
  sentry: "SENTRY_CLIENT_SECRET",
};
