// The agent is untrusted, so it runs as a user of its own. When the runner
// starts as root (the image does), each run leases a uid from a pool that no
// other process uses: the CLI and everything it starts run as that uid, which
// cannot read the runner's memory or environment (/proc/<pid>/environ is
// readable by its owner only), the run's private directory (0700, root) or
// another run's files. Before the runner touches a credential it kills every
// process of that uid, whatever session or process group the agent moved it to.
// A runner that is not root cannot switch users; it runs the agent as itself
// and says so at start-up.
import { lchown, lstat, readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { UidClaims } from "./uid-claims";

/** The uid and gid a run's agent processes get; undefined when they run as the runner. */
export type AgentUser = { uid: number; gid: number } | undefined;

export class AgentUserPool {
  private readonly leased = new Set<number>();

  /** `range` is [first, last] uid; undefined when the runner cannot or must not switch users. */
  constructor(
    private readonly range: readonly [number, number] | undefined,
    /** Other runners on this host lease from the same range; a uid is one runner's at a time. */
    private readonly claims: UidClaims = new UidClaims(),
  ) {}

  get isolating(): boolean {
    return this.range !== undefined;
  }

  /** A uid no active run of any runner on this host holds; undefined when not isolating. Throws when the pool is exhausted. */
  lease(): AgentUser {
    if (!this.range) return undefined;
    for (let uid = this.range[0]; uid <= this.range[1]; uid += 1) {
      if (this.leased.has(uid) || !this.claims.claim(uid)) continue;
      this.leased.add(uid);
      return { uid, gid: uid };
    }
    throw new Error(`all ${this.range[1] - this.range[0] + 1} agent uids are in use (RUNNER_AGENT_UIDS) by this or other runners`);
  }

  release(user: AgentUser): void {
    if (!user || !this.leased.delete(user.uid)) return;
    this.claims.release(user.uid);
  }
}

/** Gives a tree to the agent's user without following symlinks out of it. */
export async function chownTree(path: string, user: AgentUser): Promise<void> {
  if (!user) return;
  await lchown(path, user.uid, user.gid);
  const stat = await lstat(path);
  if (!stat.isDirectory()) return;
  for (const entry of await readdir(path)) await chownTree(join(path, entry), user);
}

/** Pids of live processes whose real or effective uid is `uid`. */
export async function processesOf(uid: number): Promise<number[]> {
  const pids: number[] = [];
  for (const entry of await readdir("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const status = await readFile(`/proc/${entry}/status`, "utf8");
      const uids = /^Uid:\s+(\d+)\s+(\d+)/m.exec(status);
      const state = /^State:\s+(\S)/m.exec(status)?.[1];
      if (uids && state !== "Z" && (Number(uids[1]) === uid || Number(uids[2]) === uid)) pids.push(Number(entry));
    } catch {
      // Gone between readdir and read.
    }
  }
  return pids;
}

/**
 * Kills every process of the agent's uid and returns once none is left. A
 * process that forks while being killed is caught by the next sweep; the
 * uid is the run's alone, so nothing else is hit.
 */
export async function killAllOf(user: AgentUser, timeoutMs = 10_000): Promise<void> {
  if (!user) return;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const pids = await processesOf(user.uid);
    if (pids.length === 0) return;
    for (const pid of pids) {
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        // Already gone.
      }
    }
    if (Date.now() > deadline) throw new Error(`processes of agent uid ${user.uid} survive SIGKILL: ${pids.join(", ")}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
