// A uid's claim across every runner on this host. A runner kills every process of a uid
// when a run of it ends, so two runners that lease the same uid (two dev servers, a test
// runner beside `npm run dev`, several runners on one VM) would kill each other's agents.
// Each leased uid therefore also holds a lock file with the runner's pid in a root-owned
// folder; a file whose pid is gone is stale and taken over.
import { closeSync, lstatSync, mkdirSync, openSync, readFileSync, unlinkSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const DEFAULT_CLAIMS_DIR = join(tmpdir(), "agent-bot-agent-uids");

export class UidClaims {
  private checked = false;

  constructor(private readonly dir: string = DEFAULT_CLAIMS_DIR) {}

  /** Claims `uid` for this process; false when a live runner holds it. */
  claim(uid: number): boolean {
    this.ensureDir();
    const path = this.pathOf(uid);
    for (let attempt = 0; attempt < 2; attempt += 1) {
      try {
        const fd = openSync(path, "wx", 0o600);
        writeSync(fd, String(process.pid));
        closeSync(fd);
        return true;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      }
      const holder = Number(readFileSync(path, "utf8").trim());
      if (holder === process.pid || isAlive(holder)) return false;
      // Left by a runner that died without releasing: take it over.
      unlinkSync(path);
    }
    return false;
  }

  release(uid: number): void {
    try {
      unlinkSync(this.pathOf(uid));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    }
  }

  private pathOf(uid: number): string {
    return join(this.dir, `${uid}.pid`);
  }

  /** The folder must be the runner's own: an agent that made it first could hold every uid. */
  private ensureDir(): void {
    if (this.checked) return;
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    const stat = lstatSync(this.dir);
    if (!stat.isDirectory() || stat.uid !== process.getuid?.() || (stat.mode & 0o022) !== 0) {
      throw new Error(`${this.dir} must be a folder of the runner's user that no one else can write to`);
    }
    this.checked = true;
  }
}

function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
