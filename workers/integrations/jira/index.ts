// Jira Cloud webhooks. Admin-registered webhooks with a secret are signed as
// `X-Hub-Signature: sha256=<hex>` over the raw body, the same scheme as GitHub's,
// so the same audited verifier checks both. Webhooks registered by apps carry no
// signature; for them a shared secret in the URL (`?token=`) is the fallback, accepted beside a
// signing secret only when JIRA_TOKEN_FALLBACK is `true`.
import { verify } from "@octokit/webhooks-methods";
import { secretsEqual } from "../../security/hmac";
import { verifyRotating } from "../../security/secret-rotation";
import type { WebhookIntegration } from "../types";
import { parseJiraEvent } from "./jira.events";
import { jiraGraph } from "./jira.graph";
import { JIRA_REPORTER_SETTINGS, JiraThreadReporter } from "./jira.thread";
import { decideJira } from "./jira.trigger";

export const jira: WebhookIntegration = {
  vendor: "jira",
  displayName: "Jira",
  missingSettings: (config) =>
    config.JIRA_WEBHOOK_SECRET || config.JIRA_WEBHOOK_TOKEN ? [] : ["JIRA_WEBHOOK_SECRET (or JIRA_WEBHOOK_TOKEN)"],

  // Neither Jira's signature nor its ?token= covers a timestamp or X-Atlassian-Webhook-Identifier.
  dedupeBy: "body",

  async verify({ headers, url, rawBody }, config) {
    const signature = headers.get("x-hub-signature");
    if (signature && config.JIRA_WEBHOOK_SECRET) {
      const valid = await verifyRotating("JIRA_WEBHOOK_SECRET", config.JIRA_WEBHOOK_SECRET, config.JIRA_WEBHOOK_SECRET_PREVIOUS, (secret) =>
        verify(secret, rawBody, signature),
      );
      return valid
        ? { ok: true, signedWith: valid }
        : { ok: false, signature: "invalid", message: "X-Hub-Signature does not match the body" };
    }
    // With a secret set, the unsigned token is a downgrade an attacker would choose: refused unless enabled.
    const tokenAccepted = config.JIRA_WEBHOOK_TOKEN && (!config.JIRA_WEBHOOK_SECRET || config.JIRA_TOKEN_FALLBACK);
    const token = url.searchParams.get("token");
    if (token && tokenAccepted) {
      const matched = await verifyRotating("JIRA_WEBHOOK_TOKEN", config.JIRA_WEBHOOK_TOKEN, config.JIRA_WEBHOOK_TOKEN_PREVIOUS, (secret) =>
        secretsEqual(token, secret),
      );
      return matched
        ? { ok: true, signedWith: matched }
        : { ok: false, signature: "invalid", message: "the token query parameter is wrong" };
    }
    const expected = [config.JIRA_WEBHOOK_SECRET && "X-Hub-Signature header", tokenAccepted && "?token= query parameter"]
      .filter(Boolean)
      .join(" or ");
    return { ok: false, signature: "missing", message: `expected ${expected}` };
  },

  identify({ headers }, payload) {
    const type = (payload as { webhookEvent?: unknown } | null)?.webhookEvent;
    return {
      deliveryKey: headers.get("x-atlassian-webhook-identifier") ?? undefined,
      type: typeof type === "string" ? type : undefined,
    };
  },

  parse: parseJiraEvent,
  decide: decideJira,
  graph: jiraGraph,
  reporter: { settings: JIRA_REPORTER_SETTINGS, create: (config) => new JiraThreadReporter(config) },
};
