// A CLI session saved after a run and restored before the next turn's, so `--resume` works in
// whichever container runs that turn. The files are the agent's: its user wrote them and could
// have left a symlink to a runner file, a fifo or a giant file where the transcript should be.
// So the runner reads them as data, once every process of that user is gone, takes only regular
// files of that one session (lstat, O_NOFOLLOW), caps their size, and restores them into a fresh
// home as plain 0600 files that the next run's agent user owns, never through a symlink.
import { constants } from "node:fs";
import { lstat, mkdir, open, readdir, rm } from "node:fs/promises";
import { join, resolve, sep } from "node:path";
import { errorMessage } from "../../core/error-message";
import { type SessionBundle, sessionBundleSchema } from "../../core/runner-protocol";
import type { CliAdapter } from "./cli-adapter";

/** What one session may hold: the decoded size of all its files, and their number (the protocol's cap). */
export const MAX_SESSION_BYTES = 16 * 1024 * 1024;
export const MAX_SESSION_FILES = 64;

export type Captured = { bundle: SessionBundle } | { refused: string } | undefined;

/** The session's files as a bundle; undefined when the CLI cannot resume or left none; `refused` says why it is not saved. */
export async function captureSession(adapter: CliAdapter, home: string, sessionId: string): Promise<Captured> {
  const layout = adapter.session;
  if (!layout) return undefined;
  const stateDir = layout.stateDir(home);
  const roots = await layout.find(stateDir, sessionId);
  if (roots.length === 0) return undefined;
  const files: SessionBundle["files"] = [];
  let total = 0;
  const refuse = (why: string) => ({ refused: `session ${sessionId} not saved: ${why}` });

  const walk = async (path: string): Promise<string | undefined> => {
    const stat = await lstat(join(stateDir, path));
    if (stat.isDirectory()) {
      for (const entry of (await readdir(join(stateDir, path))).sort()) {
        const problem = await walk(`${path}/${entry}`);
        if (problem) return problem;
      }
      return undefined;
    }
    if (!stat.isFile()) return `${path} is ${kindOf(stat)}, not a regular file`;
    if (files.length >= MAX_SESSION_FILES) return `it has more than ${MAX_SESSION_FILES} files`;
    const data = await readRegularFile(join(stateDir, path), MAX_SESSION_BYTES - total);
    if (typeof data === "string") return `${path} ${data}`;
    total += data.length;
    files.push({ path, data: data.toString("base64") });
    return undefined;
  };
  for (const root of roots) {
    const problem = await walk(root);
    if (problem) return refuse(problem);
  }
  const parsed = sessionBundleSchema.safeParse({ cli: adapter.name, sessionId, files });
  if (!parsed.success) return refuse(parsed.error.issues.map((i) => i.message).join("; "));
  return { bundle: parsed.data };
}

/**
 * Writes a saved session into a fresh run's state folder (under `home`, which holds nothing of
 * the CLI's yet) and returns the id to resume; throws with the reason it cannot be restored,
 * having removed whatever it wrote, so the run goes on as a fresh session.
 */
export async function restoreSession(
  adapter: CliAdapter,
  bundle: SessionBundle,
  dirs: { home: string; workspace: string },
): Promise<string> {
  const layout = adapter.session;
  if (bundle.cli !== adapter.name) throw new Error(`the saved session is a ${bundle.cli} session and this run uses ${adapter.displayName}`);
  if (!layout) throw new Error(`${adapter.displayName} cannot resume a saved session`);
  const stateDir = resolve(layout.stateDir(dirs.home));
  const { sessionId } = bundle;

  // Everything is checked before the first byte is written.
  const writes: { path: string; data: Buffer }[] = [];
  let total = 0;
  for (const file of bundle.files) {
    const target = layout.restorePath(file.path, sessionId, dirs.workspace);
    if (!target) throw new Error(`${file.path} is not a file of session ${sessionId}`);
    const full = resolve(stateDir, target);
    if (!full.startsWith(`${stateDir}${sep}`)) throw new Error(`${file.path} leaves the state folder`);
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(file.data) || file.data.length % 4 !== 0) throw new Error(`${file.path} is not base64`);
    const data = Buffer.from(file.data, "base64");
    total += data.length;
    if (total > MAX_SESSION_BYTES) throw new Error(`the session is larger than ${MAX_SESSION_BYTES} bytes`);
    writes.push({ path: full, data });
  }
  if (await exists(stateDir)) throw new Error(`${stateDir} exists already`);

  try {
    for (const { path, data } of writes) {
      await mkdir(resolve(path, ".."), { recursive: true, mode: 0o700 });
      // O_EXCL and O_NOFOLLOW: a new file or nothing (a path named twice fails here).
      const handle = await open(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
      try {
        await handle.writeFile(data);
      } finally {
        await handle.close();
      }
    }
    // The CLI looks the session up where `find` does: if it is not there, `--resume` would fail.
    if ((await layout.find(stateDir, sessionId)).length === 0) {
      throw new Error(`${adapter.displayName} would not find session ${sessionId} in what was saved`);
    }
  } catch (error) {
    await rm(stateDir, { recursive: true, force: true });
    throw new Error(errorMessage(error).replaceAll(`${stateDir}${sep}`, ""));
  }
  return sessionId;
}

/** Folders under `parent` (relative to `stateDir`, not symlinks) that hold `name`, as `parent/<folder>/name`. */
export async function sessionRoots(stateDir: string, parent: string, names: string[]): Promise<string[]> {
  let folders: string[];
  try {
    const entries = await readdir(join(stateDir, parent), { withFileTypes: true });
    folders = entries.filter((entry) => entry.isDirectory()).map((entry) => entry.name);
  } catch {
    return [];
  }
  for (const folder of folders.sort()) {
    const found: string[] = [];
    for (const name of names) if (await exists(join(stateDir, parent, folder, name))) found.push(`${parent}/${folder}/${name}`);
    if (found.length > 0) return found;
  }
  return [];
}

/** The file's bytes, or why they are not taken (too large, not a regular file after all). */
async function readRegularFile(path: string, room: number): Promise<Buffer | string> {
  // O_NONBLOCK: a fifo swapped in after the lstat opens without waiting for a writer, and fails fstat's test.
  const handle = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) return "is not a regular file";
    if (stat.size > room) return `would take the session past ${MAX_SESSION_BYTES} bytes`;
    const data = await handle.readFile();
    return data.length > room ? `would take the session past ${MAX_SESSION_BYTES} bytes` : data;
  } finally {
    await handle.close();
  }
}

function kindOf(stat: { isSymbolicLink(): boolean; isFIFO(): boolean; isSocket(): boolean }): string {
  if (stat.isSymbolicLink()) return "a symlink";
  if (stat.isFIFO()) return "a fifo";
  if (stat.isSocket()) return "a socket";
  return "a device";
}

async function exists(path: string): Promise<boolean> {
  try {
    await lstat(path);
    return true;
  } catch {
    return false;
  }
}
