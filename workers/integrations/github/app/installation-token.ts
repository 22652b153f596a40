// Installation access tokens: minted per task for its one repository and the permissions it
// needs (POST /app/installations/{id}/access_tokens), cached per installation, repository and
// permissions until shortly before they expire, and never logged. A token GitHub refuses (401:
// expired or revoked) is dropped and minted again once by the caller (see GitHubTokenSource).
import { appRequest, type GitHubApp } from "./github-app";

export type Permissions = Record<string, "read" | "write">;

export interface InstallationToken {
  token: string;
  /** Milliseconds since the epoch. */
  expiresAt: number;
}

/** A cached token is handed out only while it has at least this long to live. */
export const TOKEN_MARGIN_MS = 5 * 60_000;

const cache = new Map<string, InstallationToken>();

const cacheKey = (app: GitHubApp, installationId: string, repository: string, permissions: Permissions) =>
  [
    app.apiUrl,
    app.appId,
    installationId,
    repository,
    ...Object.entries(permissions)
      .sort()
      .map(([k, v]) => `${k}:${v}`),
  ].join("|");

export interface TokenRequest {
  installationId: string;
  /** `owner/name`: the token reaches this repository only. */
  repository: string;
  permissions: Permissions;
  /** The token must live at least this long (a run's clone-to-push span); TOKEN_MARGIN_MS by default. */
  validForMs?: number;
}

/** A token for one repository: the cached one while it lives long enough, else a fresh one. */
export async function installationToken(app: GitHubApp, request: TokenRequest, now = Date.now()): Promise<InstallationToken> {
  const key = cacheKey(app, request.installationId, request.repository, request.permissions);
  const cached = cache.get(key);
  if (cached && cached.expiresAt - now >= Math.max(TOKEN_MARGIN_MS, request.validForMs ?? 0)) return cached;
  const name = request.repository.split("/")[1]!;
  const minted = await appRequest<{ token: string; expires_at: string }>(
    app,
    "POST",
    `/app/installations/${encodeURIComponent(request.installationId)}/access_tokens`,
    { repositories: [name], permissions: request.permissions },
  );
  const token = { token: minted.token, expiresAt: Date.parse(minted.expires_at) || now + 60 * 60_000 };
  cache.set(key, token);
  return token;
}

/** Forgets a token GitHub refused, so the next request mints a new one. */
export function dropInstallationToken(app: GitHubApp, request: TokenRequest, token: string): void {
  const key = cacheKey(app, request.installationId, request.repository, request.permissions);
  if (cache.get(key)?.token === token) cache.delete(key);
}
