// Where the GitHub App is installed: `installation` and `installation_repositories` events keep
// D1 rows (installation, account, repositories, suspended), and a repository outside every
// installation starts no task. A repository the registry has not heard of (an App installed
// before this deployment existed) is looked up once with GitHub and recorded.
import { and, eq, or } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { z } from "zod";
import { githubInstallationRepositories, githubInstallations } from "../../../db/schema";
import { VendorApiError } from "../../../threads/types";
import { appRequest, type GitHubApp } from "./github-app";

const repositoryList = z.array(z.object({ full_name: z.string() })).nullish();
const installationObject = z.object({
  id: z.number(),
  account: z.object({ login: z.string() }),
  repository_selection: z.enum(["all", "selected"]).catch("selected"),
  suspended_at: z.string().nullish(),
});
const installationPayload = z.object({ action: z.string(), installation: installationObject, repositories: repositoryList });
const installationRepositoriesPayload = z.object({
  action: z.string(),
  installation: installationObject,
  repository_selection: z.enum(["all", "selected"]).optional(),
  repositories_added: repositoryList,
  repositories_removed: repositoryList,
});

export const INSTALLATION_EVENTS = new Set(["installation", "installation_repositories"]);

const names = (list: z.infer<typeof repositoryList>) => (list ?? []).map((r) => r.full_name);

async function upsertInstallation(
  db: D1Database,
  installation: z.infer<typeof installationObject>,
  selection = installation.repository_selection,
) {
  const row = {
    installationId: String(installation.id),
    account: installation.account.login,
    repositorySelection: selection,
    suspended: Boolean(installation.suspended_at),
    updatedAt: Date.now(),
  };
  await drizzle(db).insert(githubInstallations).values(row).onConflictDoUpdate({ target: githubInstallations.installationId, set: row });
}

async function addRepositories(db: D1Database, installationId: string, repositories: string[]) {
  if (repositories.length === 0) return;
  await drizzle(db)
    .insert(githubInstallationRepositories)
    .values(repositories.map((repository) => ({ installationId, repository })))
    .onConflictDoNothing();
}

async function removeRepositories(db: D1Database, installationId: string, repositories?: string[]) {
  const inInstallation = eq(githubInstallationRepositories.installationId, installationId);
  const rows = () => drizzle(db).delete(githubInstallationRepositories);
  if (!repositories) return void (await rows().where(inInstallation));
  for (const repository of repositories) await rows().where(and(inInstallation, eq(githubInstallationRepositories.repository, repository)));
}

/** Applies one installation event to the registry; returns what changed, for the ledger. */
export async function recordInstallationEvent(db: D1Database, type: string, payload: unknown): Promise<string> {
  if (type === "installation") {
    const p = installationPayload.parse(payload);
    const id = String(p.installation.id);
    const account = p.installation.account.login;
    if (p.action === "deleted") {
      await removeRepositories(db, id);
      await drizzle(db).delete(githubInstallations).where(eq(githubInstallations.installationId, id));
      return `GitHub App uninstalled from ${account}: no new tasks for its repositories`;
    }
    await upsertInstallation(db, p.installation);
    if (p.action === "created" || p.action === "new_permissions_accepted") await addRepositories(db, id, names(p.repositories));
    const state = p.installation.suspended_at ? "suspended: no new tasks for its repositories" : "active";
    return `GitHub App installation ${id} on ${account} ${p.action} (${p.installation.repository_selection === "all" ? "all repositories" : `${names(p.repositories).length} repositories`}; ${state})`;
  }
  const p = installationRepositoriesPayload.parse(payload);
  const id = String(p.installation.id);
  await upsertInstallation(db, p.installation, p.repository_selection ?? p.installation.repository_selection);
  await addRepositories(db, id, names(p.repositories_added));
  await removeRepositories(db, id, names(p.repositories_removed));
  return `GitHub App installation ${id} on ${p.installation.account.login}: ${names(p.repositories_added).length} repositories added, ${names(p.repositories_removed).length} removed`;
}

export interface RepositoryInstallation {
  installationId: string;
  account: string;
  suspended: boolean;
}

/** The registry's installation covering `repository` (`owner/name`), if any. */
async function registered(db: D1Database, repository: string): Promise<RepositoryInstallation | undefined> {
  const owner = repository.split("/")[0]!;
  const [row] = await drizzle(db)
    .select({
      installationId: githubInstallations.installationId,
      account: githubInstallations.account,
      suspended: githubInstallations.suspended,
    })
    .from(githubInstallations)
    .leftJoin(
      githubInstallationRepositories,
      and(
        eq(githubInstallationRepositories.installationId, githubInstallations.installationId),
        eq(githubInstallationRepositories.repository, repository),
      ),
    )
    .where(
      or(
        and(eq(githubInstallations.repositorySelection, "all"), eq(githubInstallations.account, owner)),
        eq(githubInstallationRepositories.repository, repository),
      ),
    )
    .limit(1);
  return row;
}

/**
 * The installation that covers `repository`: the registry's, else GitHub's answer (recorded).
 * Undefined when the App is installed on no account that has it.
 */
export async function findInstallation(db: D1Database, app: GitHubApp, repository: string): Promise<RepositoryInstallation | undefined> {
  const known = await registered(db, repository);
  if (known) return known;
  let found: z.infer<typeof installationObject>;
  try {
    found = installationObject.parse(await appRequest(app, "GET", `/repos/${repository}/installation`));
  } catch (error) {
    if (error instanceof VendorApiError && error.status === 404) return undefined;
    throw error;
  }
  await upsertInstallation(db, found);
  if (found.repository_selection === "selected") await addRepositories(db, String(found.id), [repository]);
  return { installationId: String(found.id), account: found.account.login, suspended: Boolean(found.suspended_at) };
}

/** Why a task for `repository` may not start in App mode, or undefined when it may. */
export async function installationRefusal(db: D1Database, app: GitHubApp, repository: string): Promise<string | undefined> {
  const installation = await findInstallation(db, app, repository);
  if (!installation) return `${repository} is in no installation of the GitHub App: install the App on it to let agent-bot work there`;
  if (installation.suspended)
    return `the GitHub App's installation on ${installation.account} is suspended: no new tasks for ${repository}`;
  return undefined;
}
