// Real git repositories for the runner's tests: a bare "remote" with one
// commit on `main`, and helpers to read what a run pushed to it.
import { execFileSync } from "node:child_process";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";

const GIT_ENV = {
  ...process.env,
  GIT_CONFIG_GLOBAL: "/dev/null",
  GIT_CONFIG_NOSYSTEM: "1",
  GIT_AUTHOR_NAME: "Test Author",
  GIT_AUTHOR_EMAIL: "author@example.com",
  GIT_COMMITTER_NAME: "Test Author",
  GIT_COMMITTER_EMAIL: "author@example.com",
};

export function gitIn(cwd: string, args: string[]): string {
  return execFileSync("git", args, { cwd, env: GIT_ENV, encoding: "utf8" });
}

/** A bare repository `<dir>/<name>.git` whose `main` holds a README (and any `files`). */
export async function createRemote(
  dir: string,
  name = "remote",
  files: Record<string, string> = {},
): Promise<{ bare: string; url: string }> {
  const bare = join(dir, `${name}.git`);
  const seed = join(dir, `${name}-seed`);
  await mkdir(seed, { recursive: true });
  gitIn(dir, ["init", "--quiet", "--bare", "--initial-branch=main", bare]);
  gitIn(seed, ["init", "--quiet", "--initial-branch=main"]);
  await writeFile(join(seed, "README.md"), "# demo\n\nA repository for tests.\n");
  for (const [path, content] of Object.entries(files)) {
    await mkdir(join(seed, path, ".."), { recursive: true });
    await writeFile(join(seed, path), content);
  }
  gitIn(seed, ["add", "--all"]);
  gitIn(seed, ["commit", "--quiet", "-m", "initial commit"]);
  gitIn(seed, ["push", "--quiet", bare, "main"]);
  return { bare, url: `file://${bare}` };
}

export function branchSha(bare: string, branch: string): string | undefined {
  try {
    return gitIn(bare, ["rev-parse", "--verify", "--quiet", `refs/heads/${branch}`]).trim();
  } catch {
    return undefined;
  }
}

export function showFile(bare: string, ref: string, path: string): string {
  return gitIn(bare, ["show", `${ref}:${path}`]);
}
