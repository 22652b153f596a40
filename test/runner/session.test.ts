// session.ts on files alone (resume.test.ts and real-claude-resume.test.ts run it inside runs):
// what capture refuses in a home the agent shaped, and how restore lays a session out.
import { mkdir, mkdtemp, readFile, rm, stat, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { claudeCli, claudeProjectFolder } from "../../containers/runner/cli-claude";
import { captureSession, restoreSession } from "../../containers/runner/session";

const ID = "0b4c2f4e-1d2a-4c7b-9e3f-5a6b7c8d9e0f";
let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "agent-bot-session-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A home whose Claude Code state holds session ID's transcript for `cwd`. */
async function homeWithSession(cwd = "/runs/a/workspace"): Promise<{ home: string; project: string }> {
  const home = join(dir, "home");
  const project = join(home, ".claude", "projects", claudeProjectFolder(cwd));
  await mkdir(project, { recursive: true });
  await writeFile(join(project, `${ID}.jsonl`), '{"type":"user"}\n');
  await writeFile(join(home, ".claude", ".claude.json"), "{}");
  return { home, project };
}

describe("captureSession", () => {
  it("takes the session's transcript and its folder, nothing else of the state folder", async () => {
    const { home, project } = await homeWithSession();
    await mkdir(join(project, ID, "subagents"), { recursive: true });
    await writeFile(join(project, ID, "subagents", "agent-1.jsonl"), "{}\n");
    await writeFile(join(project, "other-session.jsonl"), "{}\n");
    const captured = await captureSession(claudeCli, home, ID);
    const folder = `projects/${claudeProjectFolder("/runs/a/workspace")}`;
    expect(captured && "bundle" in captured && captured.bundle.files.map((f) => f.path)).toEqual([
      `${folder}/${ID}.jsonl`,
      `${folder}/${ID}/subagents/agent-1.jsonl`,
    ]);
  });

  it("is nothing when the CLI left no such session", async () => {
    const { home } = await homeWithSession();
    expect(await captureSession(claudeCli, home, "another-id")).toBeUndefined();
  });

  it("refuses a state folder the agent turned into a symlink", async () => {
    const { home } = await homeWithSession();
    await rm(join(home, ".claude"), { recursive: true });
    await mkdir(join(dir, "elsewhere"));
    await symlink(join(dir, "elsewhere"), join(home, ".claude"));
    expect(await captureSession(claudeCli, home, ID)).toEqual({ refused: `session ${ID} not saved: .claude is a symlink` });
  });

  it("refuses a session folder full of folders", async () => {
    const { home, project } = await homeWithSession();
    for (let i = 0; i < 300; i += 1) await mkdir(join(project, ID, `d${i}`), { recursive: true });
    expect(await captureSession(claudeCli, home, ID)).toEqual({
      refused: `session ${ID} not saved: it has more than 256 files and folders`,
    });
  });
});

describe("restoreSession", () => {
  it("moves the transcript to the new workspace's project folder as 0600 files in 0700 folders", async () => {
    const { home } = await homeWithSession("/runs/a/workspace");
    const captured = await captureSession(claudeCli, home, ID);
    if (!captured || !("bundle" in captured)) throw new Error("no bundle");
    const next = { home: join(dir, "next-home"), workspace: "/runs/b/workspace" };
    await mkdir(next.home);
    expect(await restoreSession(claudeCli, captured.bundle, next)).toBe(ID);
    const project = join(next.home, ".claude", "projects", claudeProjectFolder("/runs/b/workspace"));
    expect(await readFile(join(project, `${ID}.jsonl`), "utf8")).toBe('{"type":"user"}\n');
    expect((await stat(join(project, `${ID}.jsonl`))).mode & 0o777).toBe(0o600);
    expect((await stat(project)).mode & 0o777).toBe(0o700);
  });

  it("refuses a session past 16 MiB before writing anything (the runner saves none that large either)", async () => {
    const { home } = await homeWithSession();
    const captured = await captureSession(claudeCli, home, ID);
    if (!captured || !("bundle" in captured)) throw new Error("no bundle");
    const big = Buffer.alloc(9 * 1024 * 1024).toString("base64");
    const [file] = captured.bundle.files;
    const bundle = {
      ...captured.bundle,
      files: [
        { path: file!.path, data: big },
        { path: file!.path.replace(".jsonl", "/a.jsonl"), data: big },
      ],
    };
    const next = { home: join(dir, "next-home"), workspace: "/runs/b/workspace" };
    await mkdir(next.home);
    await expect(restoreSession(claudeCli, bundle, next)).rejects.toThrow("the session is larger than 16777216 bytes");
    await expect(stat(join(next.home, ".claude"))).rejects.toThrow(/ENOENT/);
  });

  it("refuses a path named twice and leaves no state folder behind", async () => {
    const { home } = await homeWithSession();
    const captured = await captureSession(claudeCli, home, ID);
    if (!captured || !("bundle" in captured)) throw new Error("no bundle");
    const twice = { ...captured.bundle, files: [...captured.bundle.files, ...captured.bundle.files] };
    const next = { home: join(dir, "next-home"), workspace: "/runs/b/workspace" };
    await mkdir(next.home);
    await expect(restoreSession(claudeCli, twice, next)).rejects.toThrow(/ is in the session twice$/);
    await expect(stat(join(next.home, ".claude"))).rejects.toThrow(/ENOENT/);
  });
});
