// Spawns a command as the leader of its own process group, so a stop reaches
// everything it started (shells, test runners, dev servers), not just the
// leader. A stop is SIGTERM to the group, then SIGKILL after a grace period.
// When the leader exits by itself, whatever it left behind in its group is
// killed too: nothing a run started outlives it.
import { spawn } from "node:child_process";

/** An environment for a child process (not NodeJS.ProcessEnv, which the Workers types extend with required keys). */
export type Environment = Record<string, string | undefined>;

export type ProcessExit = { code: number | null; signal: NodeJS.Signals | null };

export type GroupOptions = {
  cwd: string;
  env: Environment;
  /** Written to stdin, which is then closed; stdin is closed at once when absent. */
  input?: string;
  /** Aborting stops the group. */
  signal?: AbortSignal;
  killGraceMs: number;
  /** Run as this user (the runner must be root); the runner's own user when absent. */
  user?: { uid: number; gid: number };
  onStdout?: (chunk: string) => void;
  onStderr?: (chunk: string) => void;
};

export type GroupProcess = { pid: number; exited: Promise<ProcessExit> };

/** How long to wait for stdio to drain after the leader is gone. */
const DRAIN_MS = 2_000;

export function spawnGroup(command: string, args: readonly string[], options: GroupOptions): GroupProcess {
  const child = spawn(command, args, {
    cwd: options.cwd,
    // The Workers types extend NodeJS.ProcessEnv with required keys; a child's environment has none of them.
    env: options.env as NodeJS.ProcessEnv,
    detached: true,
    // libuv drops the supplementary groups along with uid and gid.
    ...(options.user ? { uid: options.user.uid, gid: options.user.gid } : {}),
    stdio: ["pipe", "pipe", "pipe"],
  });
  const pid = child.pid ?? -1;
  let killTimer: NodeJS.Timeout | undefined;

  const stop = () => {
    signalGroup(pid, "SIGTERM");
    killTimer = setTimeout(() => signalGroup(pid, "SIGKILL"), options.killGraceMs);
    killTimer.unref();
  };
  if (options.signal?.aborted) stop();
  else options.signal?.addEventListener("abort", stop, { once: true });

  child.stdout.setEncoding("utf8");
  child.stderr.setEncoding("utf8");
  child.stdout.on("data", (chunk: string) => options.onStdout?.(chunk));
  child.stderr.on("data", (chunk: string) => options.onStderr?.(chunk));
  // A CLI that exits without reading stdin makes the write fail with EPIPE; that is not an error of the run.
  child.stdin.on("error", () => {});
  child.stdin.end(options.input ?? "");

  const exited = new Promise<ProcessExit>((resolve, reject) => {
    child.once("error", (error) => {
      options.signal?.removeEventListener("abort", stop);
      clearTimeout(killTimer);
      reject(error);
    });
    child.once("exit", (code, signal) => {
      options.signal?.removeEventListener("abort", stop);
      clearTimeout(killTimer);
      signalGroup(pid, "SIGKILL");
      const result = { code, signal };
      // Leftover group members holding stdout are dead now; wait for the pipes to drain, but not forever.
      const drained = setTimeout(() => resolve(result), DRAIN_MS);
      drained.unref();
      child.once("close", () => {
        clearTimeout(drained);
        resolve(result);
      });
    });
  });
  return { pid, exited };
}

/** Sends `signal` to the whole group led by `pid`; a group that is already gone is fine. */
export function signalGroup(pid: number, signal: NodeJS.Signals): void {
  if (pid <= 0) return;
  try {
    process.kill(-pid, signal);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ESRCH") throw error;
  }
}
