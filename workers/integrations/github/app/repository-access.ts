// GitHub access for calls about one repository. Personal-token mode: GITHUB_TOKEN as it is.
// App mode: an installation token for that repository alone, with a source that replaces it
// once when GitHub refuses it (github.client.ts retries a 401 through it).
import type { Config } from "../../../config";
import type { GitHubSettings, GitHubTokenSource } from "../github.client";
import { githubAppOf, withStoredGitHubApp, type GitHubApp } from "./github-app";
import { dropInstallationToken, installationToken, type Permissions, type TokenRequest } from "./installation-token";
import { findInstallation } from "./installations";

/** What MCP tool calls may do in a repository: read code, comment, label, open pull requests. */
export const TOOL_PERMISSIONS: Permissions = { contents: "read", issues: "write", pull_requests: "write", metadata: "read" };

export function tokenSource(app: GitHubApp, request: TokenRequest, first: string): GitHubTokenSource {
  let current = first;
  return {
    token: async () => current,
    refresh: async (refused) => {
      dropInstallationToken(app, request, refused);
      current = (await installationToken(app, request)).token;
      return current;
    },
  };
}

/** The installation covering `repository`, or a readable reason there is none to use. */
export async function installationIdFor(db: D1Database, app: GitHubApp, repository: string): Promise<string> {
  const installation = await findInstallation(db, app, repository);
  if (!installation) throw new Error(`${repository} is in no installation of the GitHub App`);
  if (installation.suspended) throw new Error(`the GitHub App's installation on ${installation.account} is suspended`);
  return installation.installationId;
}

/** Settings for GitHub calls about `repository` (`owner/name`), with `permissions` in App mode. */
export async function repositorySettings(
  env: Pick<Env, "DB">,
  config: Config,
  repository: string,
  permissions: Permissions = TOOL_PERMISSIONS,
): Promise<GitHubSettings> {
  const effective = await withStoredGitHubApp(env, config);
  const app = githubAppOf(effective);
  if (!app) return effective;
  const request: TokenRequest = { installationId: await installationIdFor(env.DB, app, repository), repository, permissions };
  const { token } = await installationToken(app, request);
  return { GITHUB_API_URL: effective.GITHUB_API_URL, GITHUB_TOKEN: token, githubToken: tokenSource(app, request, token) };
}
