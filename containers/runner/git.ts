// The git steps of a run: check out, find what the agent changed, commit,
// push. Every command runs as its own process group under the run's abort
// signal, so a cancel or timeout stops a clone or push as surely as the CLI.
//
// The runner never runs git in a repository the agent could change. It
// clones into its private directory and hands the agent a copy; afterwards
// it reads the agent's files as data, through its own repository with the
// agent's directory as the work tree (`workTree`), and commits and pushes
// from there. Whatever the agent wrote into its own .git (a proxy, a push
// URL, an ssh command, URL rewrites, a credential helper, hooks) is never read.
import { appendFile, cp, mkdir } from "node:fs/promises";
import { dirname, join } from "node:path";
import type { GitCredentials } from "./git-credentials";
import { spawnGroup, type Environment } from "./process-group";

export const COMMIT_AUTHOR = { name: "agent-bot", email: "agent-bot@users.noreply.github.com" };
const CLONE_DEPTH = 50;

// The agent can edit .git/config and .git/hooks while it runs; the runner's own git commands run no
// hooks and no fsmonitor command from there.
const HARDENED = ["-c", "core.hooksPath=/dev/null", "-c", "core.fsmonitor=false"];

export class GitError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "GitError";
  }
}

export type GitContext = {
  /** The runner's own checkout; git commands run here. */
  cwd: string;
  /** Read this directory as the work tree of the runner's repository (the agent's copy). */
  workTree?: string;
  env: Environment;
  signal: AbortSignal;
  killGraceMs: number;
  credentials?: GitCredentials;
};

export type ChangeStats = { filesChanged: number; insertions: number; deletions: number; files: string[] };

export async function git(ctx: GitContext, args: string[], opts: { network?: boolean; env?: Environment } = {}): Promise<string> {
  const config = [...HARDENED, ...(opts.network && ctx.credentials ? ctx.credentials.gitConfig() : [])];
  // An explicit --git-dir also skips discovery, so nothing above the checkout is consulted.
  if (ctx.workTree) config.unshift(`--git-dir=${join(ctx.cwd, ".git")}`, `--work-tree=${ctx.workTree}`);
  let stdout = "";
  let stderr = "";
  const proc = spawnGroup("git", [...config, ...args], {
    cwd: ctx.workTree ?? ctx.cwd,
    env: { ...ctx.env, ...opts.env, GIT_TERMINAL_PROMPT: "0", GIT_ASKPASS: "", SSH_ASKPASS: "" },
    signal: ctx.signal,
    killGraceMs: ctx.killGraceMs,
    onStdout: (chunk) => (stdout += chunk),
    onStderr: (chunk) => (stderr += chunk),
  });
  const exit = await proc.exited;
  if (exit.code !== 0) {
    const detail = stderr.trim().split("\n").slice(-5).join("\n") || `exit ${exit.code ?? exit.signal}`;
    throw new GitError(`git ${args[0]} failed: ${detail}`);
  }
  return stdout;
}

/**
 * Fetches `ref` (a branch, tag or commit; the remote's HEAD when absent) and
 * checks out `branch` at it. Init + fetch rather than clone, because clone
 * cannot start at a commit sha. Returns the base commit.
 */
export async function checkout(ctx: GitContext, cloneUrl: string, ref: string | undefined, branch: string): Promise<string> {
  await mkdir(ctx.cwd, { recursive: true });
  await git(ctx, ["init", "--quiet"]);
  await git(ctx, ["remote", "add", "origin", cloneUrl]);
  await git(ctx, ["fetch", "--quiet", "--no-tags", `--depth=${CLONE_DEPTH}`, "origin", ref ?? "HEAD"], { network: true });
  await git(ctx, ["checkout", "--quiet", "-B", branch, "FETCH_HEAD"]);
  return (await git(ctx, ["rev-parse", "HEAD"])).trim();
}

/** Gives the agent its own copy of the checkout (history included, for `git log` and `git diff`). */
export async function copyCheckout(from: string, to: string): Promise<void> {
  await cp(from, to, { recursive: true, verbatimSymlinks: true, force: false, errorOnExist: false });
}

/** The remote's commit for `branch`, or "" when it does not exist (for the push lease). */
export async function remoteBranchSha(ctx: GitContext, branch: string): Promise<string> {
  const out = await git(ctx, ["ls-remote", "origin", `refs/heads/${branch}`], { network: true });
  return out.split("\t")[0]?.trim() ?? "";
}

/**
 * Keeps files the runner wrote (MCP config, installed skills) out of the
 * agent's commit: new files go to .git/info/exclude, tracked files it
 * overwrote are marked skip-worktree.
 */
export async function hideFromCommit(ctx: GitContext, paths: { untracked: string[]; modified: string[] }): Promise<void> {
  if (paths.untracked.length) {
    const exclude = join(ctx.cwd, ".git", "info", "exclude");
    await mkdir(dirname(exclude), { recursive: true });
    await appendFile(exclude, `\n# written by the agent-bot runner\n${paths.untracked.map((p) => `/${escapeExclude(p)}`).join("\n")}\n`);
  }
  if (paths.modified.length) await git(ctx, ["update-index", "--skip-worktree", "--", ...paths.modified]);
}

/** Untracked and modified paths, as `git status` sees them now. */
export async function workingTreeState(ctx: GitContext): Promise<{ untracked: string[]; modified: string[] }> {
  const out = await git(ctx, ["status", "--porcelain=v1", "-z", "--untracked-files=all", "--no-renames"]);
  const untracked: string[] = [];
  const modified: string[] = [];
  for (const entry of out.split("\0")) {
    if (entry.length < 4) continue;
    const code = entry.slice(0, 2);
    const path = entry.slice(3);
    if (code === "??") untracked.push(path);
    else modified.push(path);
  }
  return { untracked, modified };
}

/** Stages everything and commits it; returns false when there was nothing to commit. */
export async function commitAll(ctx: GitContext, message: string): Promise<boolean> {
  await git(ctx, ["add", "--all"]);
  const staged = await git(ctx, ["diff", "--cached", "--name-only", "-z"]);
  if (staged.length === 0) return false;
  // The identity goes in the environment, which outranks any user.name the repo's config sets.
  await git(ctx, ["commit", "--quiet", "--no-verify", "-m", message], { env: identityEnv() });
  return true;
}

/** agent-bot as author and committer; the agent gets it too, so its own commits work under a uid with no name. */
export function identityEnv(): Record<string, string> {
  return {
    GIT_AUTHOR_NAME: COMMIT_AUTHOR.name,
    GIT_AUTHOR_EMAIL: COMMIT_AUTHOR.email,
    GIT_COMMITTER_NAME: COMMIT_AUTHOR.name,
    GIT_COMMITTER_EMAIL: COMMIT_AUTHOR.email,
  };
}

export async function headSha(ctx: GitContext): Promise<string> {
  return (await git(ctx, ["rev-parse", "HEAD"])).trim();
}

/** Files, insertions and deletions between `base` and HEAD (binary files count as changed, with no lines). */
export async function diffStats(ctx: GitContext, base: string): Promise<ChangeStats> {
  const out = await git(ctx, ["diff", "--numstat", "--no-renames", "-z", base, "HEAD"]);
  const stats: ChangeStats = { filesChanged: 0, insertions: 0, deletions: 0, files: [] };
  for (const record of out.split("\0")) {
    const match = /^(-|\d+)\t(-|\d+)\t(.+)$/s.exec(record);
    if (!match) continue;
    stats.filesChanged += 1;
    stats.insertions += match[1] === "-" ? 0 : Number(match[1]);
    stats.deletions += match[2] === "-" ? 0 : Number(match[2]);
    stats.files.push(match[3] ?? "");
  }
  return stats;
}

/**
 * Pushes HEAD to `branch`. The branch belongs to the task, so a retry's
 * result replaces an earlier attempt's; the lease (the sha seen at checkout)
 * still refuses to overwrite anything someone pushed since.
 */
export async function push(ctx: GitContext, branch: string, expectedRemoteSha: string): Promise<void> {
  await git(
    ctx,
    [
      "push",
      "--quiet",
      "--no-verify",
      `--force-with-lease=refs/heads/${branch}:${expectedRemoteSha}`,
      "origin",
      `HEAD:refs/heads/${branch}`,
    ],
    { network: true },
  );
}

/**
 * Pushes like `push`; when the lease refuses because someone moved the branch since checkout,
 * returns the conflict instead of throwing (nothing is forced). Undefined when it pushed.
 */
export async function pushUnlessMoved(ctx: GitContext, branch: string, expectedRemoteSha: string): Promise<string | undefined> {
  try {
    await push(ctx, branch, expectedRemoteSha);
    return undefined;
  } catch (error) {
    if (!(error instanceof GitError)) throw error;
    const now = await remoteBranchSha(ctx, branch);
    if (now === expectedRemoteSha) throw error;
    const was = expectedRemoteSha ? `at ${expectedRemoteSha.slice(0, 12)}` : "absent";
    const is = now ? `now ${now.slice(0, 12)}` : "now deleted";
    return `conflict: ${branch} moved since checkout (${was} then, ${is}); nothing was forced`;
  }
}

function escapeExclude(path: string): string {
  return path.replace(/([\\*?[\]!#])/g, "\\$1");
}
