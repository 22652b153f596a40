// How a task reaches GitHub. Personal-token mode: the config as it is. GitHub App mode: an
// installation token for the task's one repository and the permissions it needs, minted before
// it is needed and handed out as the task's GITHUB_TOKEN (so the run request's gitToken, its
// redact list, its comments and its pull request all use it and never a personal token), with a
// source that replaces it once when GitHub refuses it.
import { errorMessage } from "../../core/error-message";
import { isReadOnly, type TaskState } from "../../core/task-types";
import { getConfig, type Config } from "../../workers/config";
import { createGitHubClient, githubCall, splitRepository, type GitHubTokenSource } from "../../workers/integrations/github/github.client";
import {
  appIdentity,
  commitAuthorOf,
  githubAppOf,
  withStoredGitHubApp,
  type GitHubApp,
} from "../../workers/integrations/github/app/github-app";
import { installationToken, type Permissions, type TokenRequest } from "../../workers/integrations/github/app/installation-token";
import { installationIdFor, tokenSource } from "../../workers/integrations/github/app/repository-access";

/** What a task's token may do: clone and push (read only until approved), comment, open its pull request. */
export function taskPermissions(readOnly: boolean): Permissions {
  return { contents: readOnly ? "read" : "write", issues: "write", pull_requests: "write", metadata: "read" };
}

async function tokenRequest(env: Env, app: GitHubApp, state: TaskState, config: Config, repository: string): Promise<TokenRequest> {
  const spec = state.spec!;
  // A GitHub event names its installation; any other task finds the one covering its repository.
  const named = spec.vendor === "github" ? spec.subject.installationId : undefined;
  return {
    installationId: named ?? (await installationIdFor(env.DB, app, repository)),
    repository,
    permissions: taskPermissions(isReadOnly(state)),
    // The run pushes at its end: the token must outlive the attempt's timeout.
    validForMs: (config.TASK_TIMEOUT_MINUTES + 5) * 60_000,
  };
}

async function probe(config: Config, source: GitHubTokenSource, repository: string): Promise<void> {
  const { owner, repo } = splitRepository(repository);
  const octokit = createGitHubClient({ GITHUB_API_URL: config.GITHUB_API_URL, GITHUB_TOKEN: undefined, githubToken: source });
  await githubCall(config, `GET /repos/${repository}`, () => octokit.request("GET /repos/{owner}/{repo}", { owner, repo }));
}

/**
 * The config the task talks to GitHub with. In App mode a failure to get a token throws a
 * readable reason; with `onError` it is reported there instead and the config has no GitHub
 * credentials at all (the personal token is never the App's stand-in).
 */
export async function taskGitHubConfig(env: Env, state: TaskState, onError?: (message: string) => void): Promise<Config> {
  const config = await withStoredGitHubApp(env, getConfig(env));
  const app = githubAppOf(config);
  if (!app) return config;
  const repository = state.spec?.subject.repository;
  const withoutGitHub: Config = { ...config, GITHUB_TOKEN: undefined };
  if (!state.spec || !repository?.includes("/")) return withoutGitHub;
  try {
    const request = await tokenRequest(env, app, state, config, repository);
    const { token } = await installationToken(app, request);
    const source = tokenSource(app, request, token);
    // Before a run, the token must reach the repository: a refused one is replaced once, then the task fails.
    if (!onError) await probe(config, source, repository);
    const current = await source.token();
    // Commits by the App's bot; without its identity, the runner's own author stands in.
    const identity = await appIdentity(app).catch(() => undefined);
    const commitAuthor = identity && commitAuthorOf(identity, config.GITHUB_WEB_URL);
    return { ...config, GITHUB_TOKEN: current, githubToken: source, commitAuthor } as Config;
  } catch (error) {
    const message = `could not get a GitHub App installation token for ${repository}: ${errorMessage(error)}`;
    if (!onError) throw new Error(message);
    onError(message);
    return withoutGitHub;
  }
}
