// Conversations with the real Claude Code CLI against the scripted model: a turn's session is
// saved by the runner, the runner process restarts, and the next turn — in another workspace of
// another runner — resumes it: the model's first request of that turn carries the earlier turn.
// Also: `--model` reaches the model API, and session files the agent spoiled are not saved.
import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { rm } from "node:fs/promises";
import { delimiter, join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { claudeProjectFolder } from "../../containers/runner/cli-claude";
import type { RunnerEvent, SessionBundle } from "../../core/runner-protocol";
import { messagesText, type ModelRequest, type ScriptedModel, startScriptedModel, systemText } from "../support/scripted-model.mjs";
import { branchSha, createRemote, gitIn, showFile } from "./support/git-repos";
import { agentWritableDir, FAKE_CLI_DIR, fetchSession, RUNNER_SECRET, realClaudeEnv, resultOf, run } from "./support/runner-harness";

let dir: string;
let model: ScriptedModel;
let remote: { bare: string; url: string };

beforeAll(async () => {
  dir = await agentWritableDir("agent-bot-real-resume-");
  remote = await createRemote(dir);
  model = await startScriptedModel();
});
afterAll(async () => {
  await model?.stop();
  await rm(dir, { recursive: true, force: true });
});

type RunnerProcess = { url: string; stop(): Promise<void> };

/** The runner as its own process (`tsx containers/runner/main.ts`), so a restart loses all it held in memory. */
async function startRunnerProcess(name: string, agentUids: string): Promise<RunnerProcess> {
  const env = {
    ...process.env,
    ...realClaudeEnv(model.url),
    PATH: [FAKE_CLI_DIR, process.env.PATH ?? ""].join(delimiter),
    PORT: "0",
    HOST: "127.0.0.1",
    WORKSPACE_ROOT: join(dir, `runs-${name}`),
    RUNNER_KILL_GRACE_MS: "300",
    GIT_CONFIG_GLOBAL: "/dev/null",
    GIT_CONFIG_NOSYSTEM: "1",
    RUNNER_SECRET,
    RUNNER_AGENT_ENV: "CLAUDE_CODE_MAX_RETRIES",
    // Uids no other runner on this machine leases: a runner kills every process of a uid it ends a run of.
    RUNNER_AGENT_UIDS: agentUids,
  };
  const child: ChildProcessWithoutNullStreams = spawn(
    process.execPath,
    [resolve("node_modules/tsx/dist/cli.mjs"), resolve("containers/runner/main.ts")],
    { env },
  );
  const exited = new Promise<void>((done) => child.once("exit", () => done()));
  let output = "";
  child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const port = await new Promise<number>((done, fail) => {
    child.stdout.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      const line = output.split("\n").find((l) => l.includes('"runner listening"'));
      if (line) done((JSON.parse(line) as { port: number }).port);
    });
    void exited.then(() => fail(new Error(`runner exited: ${output}`)));
  });
  return {
    url: `http://127.0.0.1:${port}`,
    async stop() {
      child.kill("SIGTERM");
      await exited;
    },
  };
}

/** Every working directory the request states, oldest first (a resumed session states its old one too). */
const workingDirectories = (request: ModelRequest) =>
  [...`${systemText(request.body)}\n${messagesText(request.body)}`.matchAll(/Primary working directory:\s*(\S+)/g)].map((m) => m[1] ?? "");
const warnings = (events: RunnerEvent[]) => events.flatMap((e) => (e.type === "log" && e.level === "warn" ? [e.message] : []));
const logs = (events: RunnerEvent[]) => events.flatMap((e) => (e.type === "log" ? [e.message] : []));

describe("a turn resumes the real CLI's session", () => {
  it("after the runner restarted, in another workspace: the model's first request of turn 2 holds turn 1's prompt and answer", {
    timeout: 120_000,
  }, async () => {
    const taskId = "task-real-resume";
    const branch = `agent-bot/${taskId}`;
    const first = await startRunnerProcess("first", "23100-23109");
    let bundle: SessionBundle;
    let cwd1: string;
    let sessionId: string | undefined;
    let commit1: string | undefined;
    try {
      model.clear();
      model.setScript((request) => [
        { tool: "Write", input: { file_path: join(workingDirectories(request).at(-1) ?? "", "notes.md"), content: "turn one\n" } },
        { text: "ANSWER-ONE: the word is PELICAN; notes.md written." },
      ]);
      const events = await run(first.url, {
        taskId,
        prompt: "PROMPT-ONE: remember a word",
        repo: { cloneUrl: remote.url, ref: "main", branch },
      });
      const result = resultOf(events);
      expect(result, JSON.stringify(events)).toMatchObject({ outcome: "succeeded" });
      sessionId = result.sessionId;
      expect(sessionId).toMatch(/^[0-9a-f-]{36}$/);
      commit1 = result.change?.commitSha;
      cwd1 = workingDirectories(model.conversation()[0]!).at(-1) ?? "";

      const saved = await fetchSession(first.url, taskId, 1);
      expect(saved.status).toBe(200);
      bundle = saved.body as SessionBundle;
      // Just the transcript: the one file `--resume` needs (verified against this CLI version).
      expect(bundle).toMatchObject({ cli: "claude", sessionId });
      expect(bundle.files.map((f) => f.path)).toEqual([`projects/${claudeProjectFolder(cwd1)}/${sessionId}.jsonl`]);
    } finally {
      await first.stop();
    }

    const second = await startRunnerProcess("second", "23110-23119");
    try {
      model.clear();
      // The resumed conversation already holds two assistant messages: turns 0 and 1 are turn 1's.
      model.setScript((request) => [
        { text: "unused" },
        { text: "unused" },
        { tool: "Write", input: { file_path: join(workingDirectories(request).at(-1) ?? "", "more.md"), content: "turn two\n" } },
        { text: "ANSWER-TWO" },
      ]);
      const events = await run(second.url, {
        taskId,
        attempt: 2,
        prompt: "PROMPT-TWO: what was the word?",
        repo: { cloneUrl: remote.url, ref: branch, branch },
        resume: bundle,
      });
      const result = resultOf(events);
      expect(warnings(events)).toEqual([]);
      expect(logs(events)).toContain(`resuming Claude Code session ${sessionId}`);
      expect(result).toMatchObject({ outcome: "succeeded", summary: "ANSWER-TWO", sessionId });

      const firstRequest = model.conversation()[0]!;
      const text = messagesText(firstRequest.body);
      expect(text).toContain("PROMPT-ONE: remember a word");
      expect(text).toContain("ANSWER-ONE: the word is PELICAN");
      expect(text.indexOf("PROMPT-TWO")).toBeGreaterThan(text.indexOf("ANSWER-ONE"));
      // Another runner, another workspace: the CLI works in the new one.
      const cwd2 = workingDirectories(firstRequest).at(-1) ?? "";
      expect(cwd2).not.toBe(cwd1);
      expect(cwd2).toMatch(/\/runs-second\/agent-bot-task-real-resume-[^/]+\/workspace$/);

      // Turn 2's commit sits on turn 1's, on the same branch.
      expect(branchSha(remote.bare, branch)).toBe(result.change?.commitSha);
      expect(gitIn(remote.bare, ["rev-parse", `${branch}~1`]).trim()).toBe(commit1);
      expect(showFile(remote.bare, branch, "notes.md")).toBe("turn one\n");
      expect(showFile(remote.bare, branch, "more.md")).toBe("turn two\n");
    } finally {
      await second.stop();
    }
  });
});

describe("the real CLI and the runner's other session duties", () => {
  let runner: RunnerProcess;
  beforeAll(async () => {
    runner = await startRunnerProcess("other", "23120-23129");
  });
  afterAll(async () => {
    await runner?.stop();
  });

  it("--model: the CLI's model requests name the request's model", { timeout: 60_000 }, async () => {
    model.clear();
    model.setScript(() => [{ text: "Hello from the chosen model." }]);
    const result = resultOf(
      await run(runner.url, { taskId: "task-real-model", prompt: "Which model?", model: "claude-sonnet-4-5-20250929" }),
    );
    expect(result.outcome).toBe("succeeded");
    const requests = model.conversation();
    expect(requests.length).toBeGreaterThan(0);
    expect(requests.map((r) => (r.body as { model?: string }).model)).toEqual(requests.map(() => "claude-sonnet-4-5-20250929"));
  });

  it.each([
    ["a symlink", 'ln -s /etc/hostname "$d/leak"', /: projects\/[\w-]+\/[\w-]+\/leak is a symlink, not a regular file$/],
    ["a fifo", 'mkfifo "$d/pipe"', /: projects\/[\w-]+\/[\w-]+\/pipe is a fifo, not a regular file$/],
    [
      "a file past the cap",
      'head -c 17000000 /dev/zero > "$d/big"',
      /: projects\/[\w-]+\/[\w-]+\/big would take the session past 16777216 bytes$/,
    ],
    ["a symlinked folder", 'cd "$CLAUDE_CONFIG_DIR" && mv projects elsewhere && ln -s elsewhere projects', /: projects is a symlink$/],
  ])("the agent left %s among its session's files: no bundle, and a warning says why", { timeout: 60_000 }, async (_, plant, why) => {
    const taskId = `task-real-spoiled-${plant.split(" ")[0]}`;
    model.clear();
    // The agent's shell finds its own transcript and plants something in the session's folder.
    const command = `f=$(ls "$CLAUDE_CONFIG_DIR"/projects/*/*.jsonl | head -1); d="\${f%.jsonl}"; mkdir -p "$d" && ${plant} && echo planted`;
    model.setScript(() => [{ tool: "Bash", input: { command, description: "Plant" } }, { text: "Planted." }]);
    const events = await run(runner.url, { taskId, prompt: "Spoil the session" });
    const result = resultOf(events);
    expect(events.some((e) => e.type === "tool_result" && e.output.includes("planted"))).toBe(true);
    expect(result.outcome).toBe("succeeded");
    const [warning] = warnings(events);
    expect(warning).toMatch(new RegExp(`^session ${result.sessionId} not saved: `));
    expect(warning).toMatch(why);
    expect(await fetchSession(runner.url, taskId)).toMatchObject({ status: 404 });
  });
});
