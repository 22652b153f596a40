// The GitHub App manifest agent-bot asks GitHub to create (the manifest flow: the manifest is
// posted to GitHub's "new App" page, GitHub redirects back with a one-time code, and the code
// is exchanged for the App's id, private key and webhook secret). scripts/setup-github.mjs
// builds the same manifest from a terminal.
import { z } from "zod";
import { githubFetch } from "./github-app";
import type { StoredApp } from "./credential-store";

/** The webhook events the triggers and the knowledge graph read (installation events come to every App). */
export const APP_EVENTS = ["issues", "issue_comment", "pull_request", "pull_request_review_comment", "push"] as const;

/**
 * The least a task needs: clone and push its branch (contents), comment on issues (issues) and
 * open and comment on pull requests (pull_requests); metadata is what every App reads.
 */
export const APP_PERMISSIONS = { contents: "write", issues: "write", pull_requests: "write", metadata: "read" } as const;

export interface AppManifest {
  name: string;
  url: string;
  description: string;
  public: boolean;
  hook_attributes: { url: string; active: boolean };
  redirect_url: string;
  default_events: readonly string[];
  default_permissions: Record<string, string>;
}

/** The manifest for the deployment at `baseUrl` (its PUBLIC_URL). */
export function buildManifest(baseUrl: string, name = "agent-bot"): AppManifest {
  const base = baseUrl.replace(/\/+$/, "");
  return {
    name,
    url: base,
    description: "Turns GitHub issues, comments and pull requests into work done by coding agents.",
    public: false,
    hook_attributes: { url: `${base}/webhooks/github`, active: true },
    redirect_url: `${base}/setup/github/callback`,
    default_events: APP_EVENTS,
    default_permissions: { ...APP_PERMISSIONS },
  };
}

/** GitHub's "new App from a manifest" page: the user's account, or an organization's. */
export function newAppUrl(webUrl: string, state: string, org?: string): string {
  const base = webUrl.replace(/\/+$/, "");
  const path = org ? `/organizations/${encodeURIComponent(org)}/settings/apps/new` : "/settings/apps/new";
  return `${base}${path}?state=${encodeURIComponent(state)}`;
}

const conversionSchema = z.object({
  id: z.number(),
  slug: z.string(),
  html_url: z.string(),
  pem: z.string(),
  webhook_secret: z.string(),
  client_id: z.string().optional(),
  client_secret: z.string().optional(),
});

export interface CreatedApp extends StoredApp {
  htmlUrl: string;
}

/** Exchanges the one-time code GitHub redirected back with (POST /app-manifests/{code}/conversions). */
export async function convertManifestCode(apiUrl: string, code: string): Promise<CreatedApp> {
  const base = apiUrl.replace(/\/+$/, "");
  const app = conversionSchema.parse(await githubFetch(base, "POST", `/app-manifests/${encodeURIComponent(code)}/conversions`, undefined));
  // The bot user's id makes the noreply email commits are authored with; a failure leaves it to be looked up later.
  const bot = await githubFetch<{ id: number }>(base, "GET", `/users/${encodeURIComponent(`${app.slug}[bot]`)}`, undefined).catch(
    () => undefined,
  );
  return {
    appId: String(app.id),
    slug: app.slug,
    privateKey: app.pem,
    webhookSecret: app.webhook_secret,
    clientId: app.client_id,
    clientSecret: app.client_secret,
    botUserId: bot ? String(bot.id) : undefined,
    htmlUrl: app.html_url,
  };
}
