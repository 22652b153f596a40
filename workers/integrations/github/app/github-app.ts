// GitHub App mode: which App agent-bot acts as (GITHUB_APP_ID and GITHUB_APP_PRIVATE_KEY, or the
// credentials the setup flow stored in D1), and the calls it makes as the App itself, with its JWT.
// Without an App, the personal token (GITHUB_TOKEN) does everything, as before.
import { errorMessage } from "../../../../core/error-message";
import type { Config } from "../../../config";
import { logLine } from "../../../observability/log";
import { describeBody, httpError, networkError } from "../../../threads/errors";
import { GITHUB_API_VERSION } from "../github.client";
import { appJwt } from "./app-jwt";
import { loadStoredApp } from "./credential-store";

export interface GitHubApp {
  apiUrl: string;
  appId: string;
  privateKey: string;
}

type AppSettings = Pick<Config, "GITHUB_API_URL" | "GITHUB_APP_ID" | "GITHUB_APP_PRIVATE_KEY">;

/** The App this config acts as, or undefined in personal-token mode. */
export function githubAppOf(config: AppSettings): GitHubApp | undefined {
  if (!config.GITHUB_APP_ID || !config.GITHUB_APP_PRIVATE_KEY) return undefined;
  return { apiUrl: config.GITHUB_API_URL.replace(/\/+$/, ""), appId: config.GITHUB_APP_ID, privateKey: config.GITHUB_APP_PRIVATE_KEY };
}

/**
 * The config with the App the setup flow stored (its id, key and webhook secret), when no App is
 * set as secrets and GITHUB_APP_STORE_KEY can open the stored one. Secrets always win.
 */
export async function withStoredGitHubApp(env: Pick<Env, "DB">, config: Config): Promise<Config> {
  if (githubAppOf(config) || !config.GITHUB_APP_STORE_KEY) return config;
  try {
    const stored = await loadStoredApp(env.DB, config.GITHUB_APP_STORE_KEY);
    if (!stored) return config;
    return {
      ...config,
      GITHUB_APP_ID: stored.appId,
      GITHUB_APP_PRIVATE_KEY: stored.privateKey,
      GITHUB_WEBHOOK_SECRET: config.GITHUB_WEBHOOK_SECRET ?? stored.webhookSecret,
    };
  } catch (error) {
    // A changed store key cannot open the row: personal-token mode rather than no GitHub at all.
    logLine("error", { kind: "github_app_store_unreadable", error: errorMessage(error) });
    return config;
  }
}

/** A call to GitHub's REST API with `authorization`; its JSON, or a VendorApiError naming the call. */
export async function githubFetch<T>(
  apiUrl: string,
  method: string,
  path: string,
  authorization: string | undefined,
  body?: unknown,
): Promise<T> {
  const operation = `${method} ${path.replace(/\?.*$/, "")}`;
  const secrets = [authorization?.replace(/^\S+\s+/, "")];
  let response: Response;
  try {
    response = await fetch(`${apiUrl}${path}`, {
      method,
      headers: {
        accept: "application/vnd.github+json",
        "x-github-api-version": GITHUB_API_VERSION,
        "user-agent": "agent-bot",
        ...(authorization ? { authorization } : {}),
        ...(body === undefined ? {} : { "content-type": "application/json" }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (error) {
    throw networkError("github", operation, error, secrets);
  }
  const text = await response.text();
  let json: unknown = text;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    // Not JSON: the text is the detail.
  }
  if (!response.ok) throw httpError({ vendor: "github", operation, status: response.status, detail: describeBody(json), secrets });
  return json as T;
}

/** A call made as the App itself (JWT-authenticated). */
export async function appRequest<T>(app: GitHubApp, method: string, path: string, body?: unknown): Promise<T> {
  return githubFetch<T>(app.apiUrl, method, path, `Bearer ${await appJwt(app.appId, app.privateKey)}`, body);
}

export interface AppIdentity {
  slug: string;
  /** The id of the `<slug>[bot]` user the App's comments and commits appear as. */
  botUserId: number;
}

const identities = new Map<string, Promise<AppIdentity>>();

/** The App's slug and bot user (GET /app, GET /users/<slug>[bot]), looked up once per isolate. */
export function appIdentity(app: GitHubApp): Promise<AppIdentity> {
  const key = `${app.apiUrl}|${app.appId}`;
  let identity = identities.get(key);
  if (!identity) {
    identity = (async () => {
      const { slug } = await appRequest<{ slug: string }>(app, "GET", "/app");
      const bot = await githubFetch<{ id: number }>(app.apiUrl, "GET", `/users/${encodeURIComponent(`${slug}[bot]`)}`, undefined);
      return { slug, botUserId: bot.id };
    })();
    identities.set(key, identity);
    identity.catch(() => identities.delete(key));
  }
  return identity;
}

/** How the App's commits are authored: `<slug>[bot]` with its noreply email, so GitHub links them to the App. */
export function commitAuthorOf(identity: AppIdentity, webUrl: string): { name: string; email: string } {
  const host = new URL(webUrl).hostname;
  const domain = host === "github.com" ? "users.noreply.github.com" : `users.noreply.${host}`;
  return { name: `${identity.slug}[bot]`, email: `${identity.botUserId}+${identity.slug}[bot]@${domain}` };
}
