// Each run gets a fresh directory: `workspace/` is the CLI's working
// directory (the checkout, or empty scratch space), `private/` (0700) holds
// what only the runner reads: the credential helper, the token while it
// exists, Claude's MCP config.
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

export type RunDirs = { root: string; workspace: string; privateDir: string };

export async function createRunDirs(workspaceRoot: string | undefined, taskId: string): Promise<RunDirs> {
  const parent = workspaceRoot ?? tmpdir();
  await mkdir(parent, { recursive: true });
  const root = await mkdtemp(join(parent, `agent-bot-${taskId.replace(/[^A-Za-z0-9_-]/g, "_").slice(0, 40)}-`));
  const workspace = join(root, "workspace");
  const privateDir = join(root, "private");
  await mkdir(workspace, { recursive: true });
  await mkdir(privateDir, { mode: 0o700 });
  return { root, workspace, privateDir };
}

export async function removeRunDirs(dirs: RunDirs): Promise<void> {
  await rm(dirs.root, { recursive: true, force: true, maxRetries: 3 });
}
