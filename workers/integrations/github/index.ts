// GitHub webhooks: X-Hub-Signature-256 over the raw body, X-GitHub-Event, X-GitHub-Delivery.
import { verify } from "@octokit/webhooks-methods";
import { verifyRotating } from "../../security/secret-rotation";
import type { WebhookIntegration } from "../types";
import { parseGitHubEvent } from "./github.events";
import { githubGraph } from "./github.graph";
import { GITHUB_REPORTER_SETTINGS, GitHubThreadReporter } from "./github.thread";
import { decideGitHub } from "./github.trigger";

export const github: WebhookIntegration = {
  vendor: "github",
  displayName: "GitHub",
  missingSettings: (config) => (config.GITHUB_WEBHOOK_SECRET ? [] : ["GITHUB_WEBHOOK_SECRET"]),

  // GitHub signs no timestamp: a body replayed under a new X-GitHub-Delivery is the same delivery.
  dedupeBy: "body",

  async verify({ headers, rawBody }, config) {
    const signature = headers.get("x-hub-signature-256");
    if (!signature) return { ok: false, signature: "missing", message: "X-Hub-Signature-256 header is missing" };
    const valid = await verifyRotating(
      "GITHUB_WEBHOOK_SECRET",
      config.GITHUB_WEBHOOK_SECRET,
      config.GITHUB_WEBHOOK_SECRET_PREVIOUS,
      (secret) => verify(secret, rawBody, signature),
    );
    return valid
      ? { ok: true, signedWith: valid }
      : { ok: false, signature: "invalid", message: "X-Hub-Signature-256 does not match the body" };
  },

  identify({ headers }, payload) {
    const delivery = headers.get("x-github-delivery") ?? undefined;
    // A delivery id is unique per hook; the hook (or app installation) id scopes it.
    const scope =
      headers.get("x-github-hook-id") ?? (payload as { installation?: { id?: number } } | null)?.installation?.id?.toString() ?? "";
    return { deliveryKey: delivery && `${scope}:${delivery}`, type: headers.get("x-github-event") ?? undefined };
  },

  parse: parseGitHubEvent,
  decide: decideGitHub,
  graph: githubGraph,
  reporter: { settings: GITHUB_REPORTER_SETTINGS, create: (config) => new GitHubThreadReporter(config) },
};
