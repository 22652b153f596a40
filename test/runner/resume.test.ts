// Conversations on the runner's side, with the fake CLIs (real-claude-resume.test.ts does it with
// the real Claude Code CLI): a run's session is saved and served at GET /runs/:taskId/session, the
// next turn restores it and passes `--resume`; a bundle that cannot be restored is a fresh
// session and a warning; a turn on an existing branch pushes a fast-forward or reports a conflict.
import { readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunnerEvent, SessionBundle } from "../../core/runner-protocol";
import { branchSha, createRemote, gitIn } from "./support/git-repos";
import {
  agentWritableDir,
  fetchSession,
  postRun,
  readEvents,
  resultOf,
  run,
  runRequest,
  startRunner,
  waitFor,
  type TestRunner,
} from "./support/runner-harness";

let dir: string;
let runner: TestRunner;
let remote: { bare: string; url: string };
let recordFile: string;

beforeAll(async () => {
  dir = await agentWritableDir("agent-bot-resume-");
  remote = await createRemote(dir);
  recordFile = join(dir, "fake-cli.jsonl");
  runner = await startRunner({ env: { FAKE_CLI_RECORD: recordFile, FAKE_CLI_DELAY_MS: "2" } });
});
afterAll(async () => {
  await runner.close();
  await rm(dir, { recursive: true, force: true });
});

type CliRecord = {
  argv: string[];
  prompt: string;
  sessionId: string;
  uid?: number;
  resumed?: string[];
  resumedFile?: { mode: number; uid: number };
};

/** What the fake CLI recorded for the run whose prompt holds `marker`. */
async function recordOf(marker: string): Promise<CliRecord> {
  const text = await readFile(recordFile, "utf8").catch(() => "");
  const found = text
    .split("\n")
    .filter(Boolean)
    .map((line) => JSON.parse(line) as CliRecord)
    .findLast((r) => r.prompt?.includes(marker));
  if (!found) throw new Error(`no record for ${marker}`);
  return found;
}

const warnings = (events: RunnerEvent[]) => events.flatMap((e) => (e.type === "log" && e.level === "warn" ? [e.message] : []));

async function savedSession(taskId: string, attempt = 1): Promise<SessionBundle> {
  const { status, body } = await fetchSession(runner.url, taskId, attempt);
  expect(status).toBe(200);
  return body as SessionBundle;
}

describe("a turn resumes the previous turn's session (fake CLIs)", () => {
  it.each([
    ["claude", /^projects\/-[\w-]+-workspace\/[\w-]+\.jsonl$/],
    ["cursor", /^chats\/[0-9a-f]{32}\/[\w-]+\/store\.db$/],
  ] as const)(
    "%s: the bundle holds the session's own file; the next run gets it back as its agent's 0600 file and --resume",
    async (cli, path) => {
      const taskId = `task-resume-fake-${cli}`;
      const first = resultOf(await run(runner.url, { taskId, cli, prompt: `first turn ${cli}-one` }));
      expect(first.outcome).toBe("succeeded");
      expect(first.sessionId).toBe((await recordOf(`${cli}-one`)).sessionId);

      const bundle = await savedSession(taskId);
      expect(bundle).toMatchObject({ cli, sessionId: first.sessionId });
      expect(bundle.files.map((f) => f.path)).toEqual([expect.stringMatching(path)]);
      expect(Buffer.from(bundle.files[0]!.data, "base64").toString()).toContain(`${cli}-one`);

      const events = await run(runner.url, { taskId, attempt: 2, cli, prompt: `second turn ${cli}-two`, resume: bundle });
      const second = resultOf(events);
      expect(second).toMatchObject({ outcome: "succeeded", sessionId: first.sessionId });
      expect(warnings(events)).toEqual([]);
      const record = await recordOf(`${cli}-two`);
      expect(record.argv.join(" ")).toContain(`--resume ${first.sessionId}`);
      expect(record.resumed).toEqual([expect.stringContaining(`${cli}-one`)]);
      expect(record.resumedFile).toEqual({ mode: 0o600, uid: record.uid });
      // The second turn's session holds both prompts, for the third.
      const next = await savedSession(taskId, 2);
      expect(Buffer.from(next.files[0]!.data, "base64").toString()).toMatch(new RegExp(`${cli}-one[^]*${cli}-two`));
    },
  );

  it("passes --model to the CLI when the request names one", async () => {
    resultOf(await run(runner.url, { taskId: "task-model-fake", cli: "cursor", prompt: "which model-m1", model: "gpt-5" }));
    expect((await recordOf("model-m1")).argv.join(" ")).toContain("--model gpt-5");
  });
});

describe("a session that cannot be restored is a fresh session and a warning", () => {
  async function bundleOf(taskId: string): Promise<SessionBundle> {
    resultOf(await run(runner.url, { taskId, prompt: `turn one of ${taskId}` }));
    return savedSession(taskId);
  }

  it.each([
    [
      "another CLI's session",
      (b: SessionBundle) => ({ ...b, cli: "cursor" as const }),
      /the saved session is a cursor session and this run uses Claude Code/,
    ],
    [
      "a file that is not the session's",
      (b: SessionBundle) => ({ ...b, files: [...b.files, { path: "settings.json", data: Buffer.from("{}").toString("base64") }] }),
      /settings\.json is not a file of session /,
    ],
    [
      "another session's transcript",
      (b: SessionBundle) => ({ ...b, files: b.files.map((f) => ({ ...f, path: f.path.replace(/[^/]+\.jsonl$/, "other.jsonl") })) }),
      /other\.jsonl is not a file of session /,
    ],
    [
      "a file larger than 16 MiB",
      (b: SessionBundle) => ({ ...b, files: [...b.files.map((f) => ({ ...f, data: Buffer.alloc(17 * 1024 * 1024).toString("base64") }))] }),
      /the session is larger than 16777216 bytes/,
    ],
    ["data that is not base64", (b: SessionBundle) => ({ ...b, files: b.files.map((f) => ({ ...f, data: "%%%" })) }), /is not base64/],
  ])("%s", async (name, spoil, why) => {
    const taskId = `task-unrestorable-${name.replace(/\W+/g, "-")}`;
    const bundle = spoil(await bundleOf(taskId));
    const events = await run(runner.url, { taskId, attempt: 2, prompt: `turn two of ${taskId}`, resume: bundle });
    expect(resultOf(events).outcome).toBe("succeeded");
    const [warning, ...more] = warnings(events);
    expect(warning).toMatch(/^session not resumed: /);
    expect(warning).toMatch(why);
    expect(warning).toMatch(/; starting a fresh session$/);
    expect(more).toEqual([]);
    const record = await recordOf(`turn two of ${taskId}`);
    expect(record.argv).not.toContain("--resume");
    expect(record.sessionId).not.toBe(bundle.sessionId);
  });

  it("a bundle path with .. never reaches the runner's file system: the request is refused", async () => {
    const bundle = { cli: "claude", sessionId: "s-1", files: [{ path: "projects/../../x", data: "" }] };
    const response = await postRun(runner.url, { ...runRequest({ taskId: "task-dotdot", prompt: "x" }), resume: bundle });
    expect(response.status).toBe(400);
    expect(await response.text()).toContain("resume.files.0.path: a relative path without . or .. segments");
  });
});

describe("GET /runs/:taskId/session", () => {
  it("is 404 for an unknown task, another attempt, a run still going and one that never started its CLI; 401 without the secret", async () => {
    expect((await fetchSession(runner.url, "task-never-seen")).status).toBe(404);
    const taskId = "task-session-404";
    resultOf(await run(runner.url, { taskId, prompt: "x" }));
    expect((await fetchSession(runner.url, taskId)).status).toBe(200);
    expect((await fetchSession(runner.url, taskId, 2)).status).toBe(404);
    expect((await fetch(`${runner.url}/runs/${taskId}/session?attempt=1`)).status).toBe(401);

    const cloneFails = "task-session-none";
    const repo = { cloneUrl: `file://${join(dir, "missing.git")}`, ref: "main", branch: "b" };
    expect(resultOf(await run(runner.url, { taskId: cloneFails, prompt: "x", repo })).outcome).toBe("failed");
    expect(await fetchSession(runner.url, cloneFails)).toMatchObject({
      status: 404,
      body: { error: { message: expect.stringMatching(/saved no session/) } },
    });
  });

  it("answers once the result is out; a turn that timed out keeps its session", async () => {
    const slow = "task-session-running";
    expect((await postRun(runner.url, runRequest({ taskId: slow, prompt: "[fake:hang]", timeoutMs: 2_000 }))).status).toBe(202);
    await waitFor(async () => (await recordOf("[fake:hang]").catch(() => undefined)) !== undefined, 10_000);
    const running = await fetchSession(runner.url, slow);
    expect(running).toMatchObject({ status: 404, body: { error: { message: expect.stringMatching(/still running/) } } });
    expect(resultOf(await readEvents(runner.url, slow)).outcome).toBe("timed_out");
    expect(await fetchSession(runner.url, slow)).toMatchObject({ status: 200, body: { cli: "claude" } });
  });
});

describe("a turn on an existing branch", () => {
  it("checks the branch out and pushes a fast-forward of it", async () => {
    const taskId = "task-branch-ff";
    const branch = `agent-bot/${taskId}`;
    const one = resultOf(
      await run(runner.url, { taskId, prompt: "one [fake:write]", repo: { cloneUrl: remote.url, ref: "main", branch } }),
    );
    expect(one.change?.commitSha).toBe(branchSha(remote.bare, branch));
    const two = resultOf(
      await run(runner.url, { taskId, attempt: 2, prompt: "two [fake:write]", repo: { cloneUrl: remote.url, ref: branch, branch } }),
    );
    expect(two.outcome).toBe("succeeded");
    expect(branchSha(remote.bare, branch)).toBe(two.change?.commitSha);
    expect(gitIn(remote.bare, ["rev-parse", `${branch}~1`]).trim()).toBe(one.change?.commitSha);
  });

  it("reports a conflict when someone pushed to the branch meanwhile, and forces nothing", async () => {
    const taskId = "task-branch-conflict";
    const branch = `agent-bot/${taskId}`;
    resultOf(await run(runner.url, { taskId, prompt: "one [fake:write]", repo: { cloneUrl: remote.url, ref: "main", branch } }));

    // Turn two works slowly; while it runs, a human pushes to the branch.
    const marker = "two-slow-turn";
    const response = await postRun(runner.url, {
      ...runRequest({ taskId, attempt: 2, prompt: `${marker} [fake:write]`, repo: { cloneUrl: remote.url, ref: branch, branch } }),
      env: { FAKE_CLI_DELAY_MS: "400" },
    });
    expect(response.status).toBe(202);
    await waitFor(async () => (await recordOf(marker).catch(() => undefined)) !== undefined, 10_000);
    const human = join(dir, "human");
    gitIn(dir, ["clone", "--quiet", "--branch", branch, remote.bare, human]);
    gitIn(human, ["commit", "--quiet", "--allow-empty", "-m", "a human's commit"]);
    gitIn(human, ["push", "--quiet", "origin", branch]);
    const theirs = branchSha(remote.bare, branch);

    const result = resultOf(await readEvents(runner.url, taskId));
    expect(result).toMatchObject({ outcome: "failed", conflict: true });
    expect(result.reason).toMatch(
      new RegExp(`^conflict: ${branch} moved since checkout \\(at [0-9a-f]{12} then, now ${theirs?.slice(0, 12)}\\); nothing was forced$`),
    );
    expect(result.change).toBeUndefined();
    expect(branchSha(remote.bare, branch)).toBe(theirs);
  });
});
