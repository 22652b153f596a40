// Runs through the real runner with the real Claude Code CLI (the pinned npm package), whose
// model is test/support/scripted-model.mjs: each test scripts what the model answers and then
// checks both sides — what the model received from the CLI, and what the runner made of it.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { RunnerEvent } from "../../core/runner-protocol";
import {
  lastToolResults,
  startScriptedModel,
  workingDirectory,
  type ModelRequest,
  type ScriptedModel,
} from "../support/scripted-model.mjs";
import { branchSha, createRemote, showFile } from "./support/git-repos";
import {
  AUTH,
  postRun,
  processesWithEnv,
  readEvents,
  realClaudeEnv,
  resultOf,
  run,
  runRequest,
  startRunner,
  waitFor,
  type TestRunner,
} from "./support/runner-harness";

let dir: string;
let model: ScriptedModel;
let runner: TestRunner;
let remote: { bare: string; url: string };

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "agent-bot-real-claude-"));
  remote = await createRemote(dir);
  model = await startScriptedModel();
  runner = await startRunner({ env: realClaudeEnv(model.url) });
});
afterAll(async () => {
  await runner?.close();
  await model?.stop();
  await rm(dir, { recursive: true, force: true });
});
beforeEach(() => model.clear());

const cwdOf = (request: ModelRequest) => workingDirectory(request.body) ?? "";
const toolResultText = (request: ModelRequest | undefined) =>
  lastToolResults(request?.body)
    .map((r) => (typeof r.content === "string" ? r.content : JSON.stringify(r.content)))
    .join("\n");
const ofType = <T extends RunnerEvent["type"]>(events: RunnerEvent[], type: T) =>
  events.filter((e): e is Extract<RunnerEvent, { type: T }> => e.type === type);

describe("the real Claude Code CLI on a repository", () => {
  it("edits files with Read, Edit and Write; the runner commits them on agent-bot/<task> and pushes", async () => {
    const taskId = "task-real-edit";
    model.setScript((request) => [
      { tool: "Read", input: { file_path: join(cwdOf(request), "README.md") } },
      {
        tool: "Edit",
        input: {
          file_path: join(cwdOf(request), "README.md"),
          old_string: "A repository for tests.",
          new_string: "A repository for tests, edited by the agent.",
        },
      },
      { tool: "Write", input: { file_path: join(cwdOf(request), "agent-notes.md"), content: "# Notes\n\nWritten by the real CLI.\n" } },
      { text: "Edited the README and added agent-notes.md." },
    ]);
    const branch = `agent-bot/${taskId}`;
    const events = await run(runner.url, { taskId, prompt: "Add a notes file", repo: { cloneUrl: remote.url, ref: "main", branch } });

    // The model saw the task's prompt, worked in the checkout, and got each tool's real output.
    const turns = model.conversation();
    expect(turns.map((r) => r.turn)).toEqual([0, 1, 2, 3]);
    expect(JSON.stringify(turns[0]!.body.messages)).toContain("Add a notes file");
    expect(cwdOf(turns[0]!)).toMatch(new RegExp(`agent-bot-${taskId}-[^/]+/workspace$`));
    expect(toolResultText(turns[1])).toContain("A repository for tests.");
    expect(toolResultText(turns[3])).toMatch(/agent-notes\.md/);

    expect(ofType(events, "tool_call").map((e) => e.name)).toEqual(["Read", "Edit", "Write"]);
    const result = resultOf(events);
    expect(result).toMatchObject({ outcome: "succeeded", summary: "Edited the README and added agent-notes.md." });
    expect(showFile(remote.bare, branch, "README.md")).toContain("edited by the agent");
    expect(showFile(remote.bare, branch, "agent-notes.md")).toBe("# Notes\n\nWritten by the real CLI.\n");
    expect(result.change).toMatchObject({ branch, commitSha: branchSha(remote.bare, branch), filesChanged: 2 });
  });

  it("runs a Bash command whose real output reaches the task log, and takes cost and tokens from the CLI's result", async () => {
    const taskId = "task-real-bash";
    model.setScript(() => [
      { tool: "Bash", input: { command: "echo bash-says-$((6*7))", description: "Say a number" } },
      { text: "The shell said 42." },
    ]);
    const events = await run(runner.url, { taskId, prompt: "Ask the shell" });

    const output = ofType(events, "tool_result").map((e) => e.output);
    expect(output).toEqual([expect.stringContaining("bash-says-42")]);
    expect(toolResultText(model.conversation()[1])).toContain("bash-says-42");

    // The CLI's result line sums what the model API reported for each of its turns.
    const answers = model.conversation().map((r) => r.answer!.usage);
    const result = resultOf(events);
    expect(result.outcome).toBe("succeeded");
    expect(result.inputTokens).toBe(answers.reduce((sum, u) => sum + u.input_tokens, 0));
    expect(result.outputTokens).toBe(answers.reduce((sum, u) => sum + u.output_tokens, 0));
    expect(result.costUsd).toBeGreaterThan(0);
  });

  it("stops at --max-budget-usd on its own, reported as a budget failure with what it spent", async () => {
    const taskId = "task-real-budget";
    // Every turn costs about $0.20 at list prices; the task may spend $0.50.
    model.setScript(() => [
      { repeat: { tool: "Bash", input: { command: "echo again" }, usage: { input_tokens: 50_000, output_tokens: 10 } } },
    ]);
    const events = await run(runner.url, { taskId, prompt: "Loop for ever", maxBudgetUsd: 0.5 });

    const result = resultOf(events);
    expect(result.outcome).toBe("failed");
    expect(result.reason).toMatch(/^budget exhausted: Claude Code stopped after spending \$0\.\d\d/);
    expect(result.costUsd).toBeGreaterThanOrEqual(0.5);
    // It stopped itself: a handful of turns, not the script's endless loop.
    expect(model.conversation().length).toBeLessThan(10);
  });
});

describe("the model API failing under the real CLI", () => {
  it.each([
    [529, /^model API error 529: .*Overloaded/],
    [429, /^model API error 429: /],
    [500, /^model API error 500: /],
  ] as const)("%i → a failed run with a readable reason, after the CLI's retry shows in the log", async (status, reason) => {
    const taskId = `task-real-api-${status}`;
    model.setScript(() => [{ error: status, retryAfter: 1 }]);
    const events = await run(runner.url, { taskId, prompt: "Try the model" });

    const result = resultOf(events);
    expect(result).toMatchObject({ outcome: "failed" });
    expect(result.reason).toMatch(reason);
    expect(ofType(events, "log").map((e) => e.message)).toContainEqual(
      expect.stringMatching(new RegExp(`^model API request failed: ${status}.*retry 1 of 1`)),
    );
    // The first try and the one retry the runner's environment allows.
    expect(model.requests.filter((r) => r.path === "/v1/messages" && r.turn === 0)).toHaveLength(2);
  });
});

describe("stopping the real CLI mid-turn", () => {
  /** Starts a run and waits until the model has seen `turns` requests of it. */
  async function startAndWait(taskId: string, extra: Record<string, unknown>, turns: number) {
    const response = await postRun(runner.url, {
      ...runRequest({ taskId, prompt: "Work slowly", env: { AGENT_BOT_TEST_RUN: taskId } }),
      ...extra,
    });
    expect(response.status).toBe(202);
    await waitFor(() => model.conversation().length >= turns, 15_000);
  }

  it("cancel while a Bash command runs: the CLI, its shell and the command end, and nothing is pushed", async () => {
    const taskId = "task-real-cancel";
    const branch = `agent-bot/${taskId}`;
    model.setScript((request) => [
      { tool: "Write", input: { file_path: join(cwdOf(request), "half-done.md"), content: "unfinished\n" } },
      // Not `sleep`: Claude Code turns a long foreground sleep down and asks for a background task.
      { tool: "Bash", input: { command: "tail -f /dev/null", description: "Wait", timeout: 600_000 } },
    ]);
    await startAndWait(taskId, { repo: { cloneUrl: remote.url, ref: "main", branch } }, 2);
    // The CLI and the shell it started for the command (both carry the run's environment).
    await waitFor(() => processesWithEnv("AGENT_BOT_TEST_RUN", taskId).length >= 3, 10_000);

    const response = await fetch(`${runner.url}/runs/${taskId}/cancel`, { method: "POST", headers: AUTH });
    expect(await response.json()).toEqual({ cancelled: true });
    const result = resultOf(await readEvents(runner.url, taskId));
    expect(result).toMatchObject({ outcome: "cancelled", reason: "cancelled on request" });
    await waitFor(() => processesWithEnv("AGENT_BOT_TEST_RUN", taskId).length === 0, 5_000);
    expect(branchSha(remote.bare, branch)).toBeUndefined();
  });

  it("timeout while the model's answer is still streaming: timed_out, the CLI ends, nothing is pushed", async () => {
    const taskId = "task-real-timeout";
    const branch = `agent-bot/${taskId}`;
    model.setScript((request) => [
      { tool: "Write", input: { file_path: join(cwdOf(request), "half-done.md"), content: "unfinished\n" } },
      { hang: true },
    ]);
    await startAndWait(taskId, { repo: { cloneUrl: remote.url, ref: "main", branch }, timeoutMs: 8_000 }, 2);
    expect(processesWithEnv("AGENT_BOT_TEST_RUN", taskId).length).toBeGreaterThan(0);

    const result = resultOf(await readEvents(runner.url, taskId));
    expect(result).toMatchObject({ outcome: "timed_out", reason: "timed out after 8000 ms" });
    await waitFor(() => processesWithEnv("AGENT_BOT_TEST_RUN", taskId).length === 0, 5_000);
    expect(branchSha(remote.bare, branch)).toBeUndefined();
  });
});

describe.runIf(process.getuid?.() === 0)("the real CLI as root", () => {
  it("with agent users off and without IS_SANDBOX=1 the run fails up front with what to do, before any clone", async () => {
    const rootRunner = await startRunner({ env: { ...realClaudeEnv(model.url), IS_SANDBOX: "", RUNNER_AGENT_UIDS: "off" } });
    try {
      const events = await run(rootRunner.url, {
        taskId: "task-real-root",
        prompt: "x",
        repo: { cloneUrl: remote.url, ref: "main", branch: "agent-bot/task-real-root" },
      });
      expect(events.map((e) => e.type)).toEqual(["result"]);
      expect(resultOf(events).reason).toMatch(
        /refuses --permission-mode bypassPermissions as root: run the runner as an unprivileged user/,
      );
      expect(model.requests).toHaveLength(0);
    } finally {
      await rootRunner.close();
    }
  });
});
