// Runners on one host share RUNNER_AGENT_UIDS: each uid is one runner's at a time, or a run's end
// (which kills every process of its uid) would kill another runner's agent.
import { chmod, mkdtemp, readdir, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { AgentUserPool } from "../../containers/runner/agent-user";
import { UidClaims } from "../../containers/runner/uid-claims";

const claimsDir = async () => join(await mkdtemp(join(tmpdir(), "uid-claims-")), "claims");

describe("agent uids across runners", () => {
  it("gives two pools on one host different uids and frees a uid for the other on release", async () => {
    const dir = await claimsDir();
    const first = new AgentUserPool([30000, 30001], new UidClaims(dir));
    const second = new AgentUserPool([30000, 30001], new UidClaims(dir));
    const a = first.lease();
    const b = second.lease();
    expect([a?.uid, b?.uid]).toEqual([30000, 30001]);
    expect(() => second.lease()).toThrow(/all 2 agent uids are in use .* by this or other runners/);
    first.release(a);
    expect(second.lease()?.uid).toBe(30000);
    expect(await readdir(dir)).toEqual(["30000.pid", "30001.pid"]);
  });

  it("takes over the claim of a runner that died without releasing it", async () => {
    const dir = await claimsDir();
    new UidClaims(dir).claim(30005);
    // No process has pid 2^22 + 1 (above Linux's pid_max).
    await writeFile(join(dir, "30005.pid"), String(4_194_305));
    expect(new AgentUserPool([30005, 30005], new UidClaims(dir)).lease()?.uid).toBe(30005);
  });

  it("refuses a claims folder others can write to, which an agent could fill first", async () => {
    const dir = await claimsDir();
    new UidClaims(dir).claim(30010);
    await chmod(dir, 0o777);
    expect(() => new UidClaims(dir).claim(30011)).toThrow(/no one else can write to/);
  });
});
