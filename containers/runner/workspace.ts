// Each run gets a fresh directory (0711: the agent's user may pass through,
// not list it):
//   workspace/  the CLI's working directory (a copy of the checkout, or empty
//               scratch space), owned by the agent's user
//   home/       the agent's HOME: the CLI's settings, session transcripts and
//               MCP config (which holds no credential: those stay in the egress proxy)
//   private/    0700, the runner's: its own clone (`repo/`, the one it pushes
//               from), the credential helper and the token while it exists
import { chmod, mkdir, mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

export type RunDirs = { root: string; workspace: string; home: string; privateDir: string; repo: string };

export async function createRunDirs(workspaceRoot: string | undefined, taskId: string, isolating = false): Promise<RunDirs> {
  const parent = workspaceRoot ?? tmpdir();
  await mkdir(parent, { recursive: true });
  if (isolating) await assertTraversable(parent, "reach its workspace");
  const root = await mkdtemp(join(parent, `agent-bot-${taskId.replace(/[^A-Za-z0-9_-]/g, "_").slice(0, 40)}-`));
  await chmod(root, 0o711);
  const workspace = join(root, "workspace");
  const home = join(root, "home");
  const privateDir = join(root, "private");
  await mkdir(workspace);
  await mkdir(home, { mode: 0o700 });
  await mkdir(privateDir, { mode: 0o700 });
  return { root, workspace, home, privateDir, repo: join(privateDir, "repo") };
}

export async function removeRunDirs(dirs: RunDirs): Promise<void> {
  await rm(dirs.root, { recursive: true, force: true, maxRetries: 3 });
}

/** The agent's user reaches a path only if every folder above it lets others through. */
export async function assertTraversable(dir: string, purpose: string): Promise<void> {
  for (let current = dir; ; current = dirname(current)) {
    if (((await stat(current)).mode & 0o001) === 0) {
      throw new Error(`the agent's user cannot ${purpose}: ${current} lacks o+x (chmod o+x it, or move it)`);
    }
    if (dirname(current) === current) return;
  }
}
