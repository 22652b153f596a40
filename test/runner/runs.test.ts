// Whole runs through the real server: fake CLIs as real processes, git against
// a bare repository in a temp dir, events read back over HTTP. The fake `claude` is here for
// what the real one cannot be made to do (real-claude.test.ts covers the rest with the real
// CLI): record the argv, stdin, environment and MCP file it was handed (FAKE_CLI_RECORD), replay
// a recorded trace with prompt-cache figures, print half a line and SIGKILL itself, start a
// grandchild and ignore SIGTERM.
import { readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunnerEvent } from "../../core/runner-protocol";
import { branchSha, createRemote, gitIn, showFile } from "./support/git-repos";
import {
  AUTH,
  isAlive,
  postRun,
  readEvents,
  resultOf,
  run,
  runRequest,
  agentWritableDir,
  startRunner,
  waitFor,
  type TestRunner,
} from "./support/runner-harness";

/** An MCP server's URL as the agent sees it: the run's route on the runner's egress proxy. */
const EGRESS_URL = /^http:\/\/127\.0\.0\.1:\d+\/[\w-]{32}\/mcp0$/;

let dir: string;
let runner: TestRunner;
let remote: { bare: string; url: string };
let recordFile: string;

beforeAll(async () => {
  dir = await agentWritableDir("agent-bot-runs-");
  remote = await createRemote(dir);
  recordFile = join(dir, "fake-cli.jsonl");
  runner = await startRunner({ env: { FAKE_CLI_RECORD: recordFile, FAKE_CLI_DELAY_MS: "2" } });
});
afterAll(async () => {
  await runner.close();
  await rm(dir, { recursive: true, force: true });
});

type CliRecord = {
  cli?: string;
  argv?: string[];
  cwd?: string;
  prompt?: string;
  env?: Record<string, string>;
  mcpConfig?: unknown;
  pid?: number;
  hangChild?: number;
};

async function records(): Promise<CliRecord[]> {
  const text = await readFile(recordFile, "utf8").catch(() => "");
  return text
    .split("\n")
    .filter(Boolean)
    .map((line) => JSON.parse(line) as CliRecord);
}

const types = (events: RunnerEvent[]) => events.map((e) => (e.type === "phase" ? `phase:${e.phase}` : e.type));

describe("a Claude run on a repository", () => {
  it("clones, runs, commits and pushes the branch, and reports cost, tokens and the change", async () => {
    const taskId = "task-claude-happy";
    const events = await run(runner.url, {
      taskId,
      prompt: "Add a notes file [fake:write]",
      repo: { cloneUrl: remote.url, ref: "main", branch: `agent-bot/${taskId}` },
    });

    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    const order = types(events);
    expect(order[0]).toBe("phase:cloning");
    expect(order.indexOf("phase:preparing")).toBeGreaterThan(order.indexOf("phase:cloning"));
    expect(order.indexOf("skills")).toBeGreaterThan(order.indexOf("phase:preparing"));
    expect(order.indexOf("phase:running")).toBeGreaterThan(order.indexOf("skills"));
    expect(order.indexOf("phase:pushing")).toBeGreaterThan(order.lastIndexOf("tool_result"));
    expect(order.at(-1)).toBe("result");

    expect(events.filter((e) => e.type === "assistant_text").map((e) => e.type === "assistant_text" && e.text)).toEqual([
      "I'll add a notes file and mention it in the README.",
      "Added agent-notes.md and linked it from the README.",
    ]);
    const calls = events.filter((e) => e.type === "tool_call");
    expect(calls.map((e) => e.type === "tool_call" && [e.id, e.name])).toEqual([
      ["toolu_01WriteNotes0000000000001", "Write"],
      ["toolu_01EditReadme000000000002", "Edit"],
    ]);
    const results = events.filter((e) => e.type === "tool_result");
    expect(results.map((e) => e.type === "tool_result" && e.id)).toEqual([
      "toolu_01WriteNotes0000000000001",
      "toolu_01EditReadme000000000002",
    ]);

    const result = resultOf(events);
    expect(result).toMatchObject({
      outcome: "succeeded",
      summary: "Added agent-notes.md and linked it from the README.",
      costUsd: 0.0687,
      // Fresh input plus the prompt cache's reads and writes: every token the model read.
      inputTokens: 27146,
      outputTokens: 402,
      durationMs: 12044,
    });
    const branch = `agent-bot/${taskId}`;
    const sha = branchSha(remote.bare, branch);
    expect(result.change).toEqual({
      branch,
      commitSha: sha,
      filesChanged: 2,
      insertions: 4,
      deletions: 0,
      files: ["README.md", "agent-notes.md"],
    });
    expect(showFile(remote.bare, branch, "agent-notes.md")).toContain("Written by the agent.");
    expect(gitIn(remote.bare, ["log", "-1", "--format=%an <%ae>|%cn <%ce>|%s", branch]).trim()).toBe(
      "agent-bot <agent-bot@users.noreply.github.com>|agent-bot <agent-bot@users.noreply.github.com>|agent-bot: Add notes",
    );
    // Installed skills are for the agent, not part of its change.
    const tree = gitIn(remote.bare, ["ls-tree", "-r", "--name-only", branch]);
    expect(tree).not.toContain(".claude/");
    expect(branchSha(remote.bare, "main")).not.toBe(sha);
  });

  it("hands Claude the documented argv, the prompt on stdin with the skills named, and MCP servers in a file", async () => {
    const taskId = "task-claude-argv";
    const events = await run(runner.url, {
      taskId,
      prompt: "Add a notes file [fake:write]",
      repo: { cloneUrl: remote.url, branch: `agent-bot/${taskId}` },
      skills: ["implement-issue"],
      mcpServers: [{ name: "github", url: "https://mcp.example.com/github", headers: { authorization: "Bearer mcp-secret-token-123" } }],
    });
    const result = resultOf(events);
    expect(result.outcome).toBe("succeeded");
    const skills = events.find((e) => e.type === "skills");
    expect(skills?.type === "skills" && skills.skills).toContainEqual({ name: "implement-issue", source: "builtin" });

    const rec = (await records()).find((r) => r.cwd?.includes("task-claude-argv") && r.argv);
    expect(rec?.argv?.slice(0, 6)).toEqual(["-p", "--output-format", "stream-json", "--verbose", "--permission-mode", "bypassPermissions"]);
    expect(rec?.argv).toContain("--mcp-config");
    expect(rec?.argv?.join(" ")).not.toContain("Add a notes file");
    expect(rec?.prompt).toContain("Skills selected for this task: implement-issue");
    expect(rec?.prompt).toContain("Add a notes file [fake:write]");
    // The server is reached through the runner's egress proxy, which adds the header: the file has no credential.
    expect(rec?.mcpConfig).toEqual({
      mcpServers: { github: { type: "http", url: expect.stringMatching(EGRESS_URL), headers: {} } },
    });
    expect(JSON.stringify(rec)).not.toContain("mcp-secret-token-123");
    expect(JSON.stringify(events)).not.toContain("mcp-secret-token-123");
    expect(result.change?.files).toEqual(["README.md", "agent-notes.md"]);
  });

  it("a read-only task's changes are not pushed, and the log says so", async () => {
    const taskId = "task-claude-readonly";
    const events = await run(runner.url, {
      taskId,
      prompt: "Add a notes file [fake:write]",
      repo: { cloneUrl: remote.url, branch: `agent-bot/${taskId}` },
      readOnly: true,
    });
    const result = resultOf(events);
    expect(result.outcome).toBe("succeeded");
    expect(result.change).toBeUndefined();
    expect(types(events)).not.toContain("phase:pushing");
    expect(events).toContainEqual(expect.objectContaining({ type: "log", message: "read-only task: 2 changed file(s) not pushed" }));
    expect(branchSha(remote.bare, `agent-bot/${taskId}`)).toBeUndefined();
  });

  it("succeeds without a change when the agent changes nothing, and pushes nothing", async () => {
    const taskId = "task-claude-nochange";
    const events = await run(runner.url, { taskId, prompt: "Look around", repo: { cloneUrl: remote.url, branch: `agent-bot/${taskId}` } });
    const result = resultOf(events);
    expect(result.outcome).toBe("succeeded");
    expect(result.change).toBeUndefined();
    expect(types(events)).not.toContain("phase:pushing");
    expect(branchSha(remote.bare, `agent-bot/${taskId}`)).toBeUndefined();
  });

  it("runs in an empty workspace when there is no repository", async () => {
    const events = await run(runner.url, { taskId: "task-norepo", prompt: "What is 2 + 2? [fake:write]" });
    expect(types(events).filter((t) => t.startsWith("phase:"))).toEqual(["phase:preparing", "phase:running"]);
    const result = resultOf(events);
    expect(result.outcome).toBe("succeeded");
    expect(result.change).toBeUndefined();
    expect(result.costUsd).toBe(0.0687);
  });
});

describe("a Cursor run", () => {
  it("passes the prompt as the final argument, maps tool_call started/completed, and pushes the change", async () => {
    const taskId = "task-cursor-happy";
    const events = await run(runner.url, {
      taskId,
      cli: "cursor",
      prompt: "Add a notes file [fake:write]",
      repo: { cloneUrl: remote.url, ref: "main", branch: `agent-bot/${taskId}` },
      mcpServers: [{ name: "jira", url: "https://mcp.example.com/jira", headers: { "x-api-key": "jira-header-secret-42" } }],
    });
    const result = resultOf(events);
    expect(result.outcome).toBe("succeeded");
    expect(result.costUsd).toBeUndefined();
    expect(result.durationMs).toBe(7311);
    const calls = events.filter((e) => e.type === "tool_call");
    expect(calls.map((e) => e.type === "tool_call" && e.name)).toEqual(["write", "shell"]);
    const outputs = events.filter((e) => e.type === "tool_result");
    expect(outputs.every((e) => e.type === "tool_result" && !e.isError)).toBe(true);
    expect(outputs.map((e) => e.type === "tool_result" && e.id)).toEqual(["toolu_vrtx_03QrStUvWx", "toolu_vrtx_04YzAbCdEf"]);
    expect(result.change?.files).toEqual(["README.md", "agent-notes.md"]);
    expect(result.change?.commitSha).toBe(branchSha(remote.bare, `agent-bot/${taskId}`));

    const rec = (await records()).find((r) => r.cli === "cursor" && r.cwd?.includes(taskId));
    const argv = rec?.argv ?? [];
    expect(argv.slice(0, 6)).toEqual(["-p", "--output-format", "stream-json", "--force", "--trust", "--workspace"]);
    expect(argv).toContain("--approve-mcps");
    expect(argv.at(-1)).toContain("Add a notes file [fake:write]");
    expect(rec?.mcpConfig).toEqual({ mcpServers: { jira: { url: expect.stringMatching(EGRESS_URL), headers: {} } } });
    expect(JSON.stringify(rec)).not.toContain("jira-header-secret-42");
    // .cursor/ (MCP config, installed rules) never reaches the remote.
    const tree = gitIn(remote.bare, ["ls-tree", "-r", "--name-only", `agent-bot/${taskId}`]);
    expect(tree).not.toContain(".cursor");
    expect(JSON.stringify(events)).not.toContain("jira-header-secret-42");
  });

  it("fails with Cursor's stderr as the reason when it exits non-zero without a result line", async () => {
    const events = await run(runner.url, { taskId: "task-cursor-fail", cli: "cursor", prompt: "Do it [fake:fail]" });
    const result = resultOf(events);
    expect(result.outcome).toBe("failed");
    expect(result.reason).toBe("Cursor CLI exited with code 1: Error: request failed: upstream model unavailable (503)");
    expect(events.some((e) => e.type === "log" && e.level === "warn" && e.message.includes("upstream model unavailable"))).toBe(true);
  });
});

describe("runs that do not succeed", () => {
  it("CLI exits non-zero → failed, with the CLI's error as the reason and its cost kept", async () => {
    const events = await run(runner.url, { taskId: "task-fail", prompt: "Do it [fake:fail]" });
    const result = resultOf(events);
    expect(result.outcome).toBe("failed");
    expect(result.reason).toMatch(/^Claude Code exited with code 1: API Error: 529/);
    expect(result.costUsd).toBe(0.0034);
  });

  it("crash by signal mid-stream → failed, the partial line does not break the stream", async () => {
    const events = await run(runner.url, { taskId: "task-crash", prompt: "Do it [fake:crash]" });
    const result = resultOf(events);
    expect(result.outcome).toBe("failed");
    expect(result.reason).toMatch(/^Claude Code was killed by SIGKILL/);
    expect(events.some((e) => e.type === "log" && e.message.startsWith('{"type":"assistant"'))).toBe(true);
  });

  it("hang + timeoutMs → timed_out, and the CLI and its children are gone", async () => {
    const taskId = "task-timeout";
    const started = Date.now();
    const events = await run(runner.url, { taskId, prompt: "Do it [fake:hang]", timeoutMs: 600 });
    const result = resultOf(events);
    expect(result.outcome).toBe("timed_out");
    expect(result.reason).toBe("timed out after 600 ms");
    expect(Date.now() - started).toBeLessThan(5_000);
    const rec = (await records()).filter((r) => r.cwd?.includes(taskId) || r.hangChild);
    const pids = rec.flatMap((r) => [r.pid, r.hangChild]).filter((p): p is number => typeof p === "number");
    for (const pid of pids) await waitFor(() => !isAlive(pid), 2_000);
  });

  it("cancel while running → cancelled, the process group is gone, a second cancel is a no-op", async () => {
    const taskId = "task-cancel";
    expect((await postRun(runner.url, runRequest({ taskId, prompt: "Do it [fake:hang]" }))).status).toBe(202);
    const child = async () => {
      const all = await records();
      const pid = all.find((r) => r.cwd?.includes(taskId))?.pid;
      return all.find((r) => r.hangChild && r.pid === pid);
    };
    await waitFor(async () => (await child()) !== undefined);
    const { pid, hangChild } = (await child()) as { pid: number; hangChild: number };
    expect(isAlive(pid) && isAlive(hangChild)).toBe(true);

    const response = await fetch(`${runner.url}/runs/${taskId}/cancel`, { method: "POST", headers: AUTH });
    expect(await response.json()).toEqual({ cancelled: true });
    expect(isAlive(pid)).toBe(false);
    expect(isAlive(hangChild)).toBe(false);

    const result = resultOf(await readEvents(runner.url, taskId));
    expect(result).toMatchObject({ outcome: "cancelled", reason: "cancelled on request" });
    const again = await fetch(`${runner.url}/runs/${taskId}/cancel`, { method: "POST", headers: AUTH });
    expect(await again.json()).toEqual({ cancelled: false });
  });

  it("a CLI that ignores SIGTERM is killed after the grace period", async () => {
    const taskId = "task-stubborn";
    expect((await postRun(runner.url, runRequest({ taskId, prompt: "Do it [fake:hang] [fake:stubborn]" }))).status).toBe(202);
    let pid: number | undefined;
    await waitFor(async () => {
      const all = await records();
      pid = all.find((r) => r.cwd?.includes(taskId))?.pid;
      return all.some((r) => r.hangChild && r.pid === pid);
    });
    const started = Date.now();
    const response = await fetch(`${runner.url}/runs/${taskId}/cancel`, { method: "POST", headers: AUTH });
    expect(await response.json()).toEqual({ cancelled: true });
    // SIGTERM did nothing; SIGKILL came after the runner's grace period (300 ms in these tests).
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    expect(isAlive(pid!)).toBe(false);
    expect(resultOf(await readEvents(runner.url, taskId)).outcome).toBe("cancelled");
  });

  it("missing binary → failed with a clear reason, before any clone", async () => {
    const bare = await startRunner({ env: { CURSOR_BIN: "/nonexistent/cursor-agent" } });
    try {
      const events = await run(bare.url, {
        taskId: "task-missing",
        cli: "cursor",
        prompt: "Hello",
        repo: { cloneUrl: remote.url, branch: "agent-bot/task-missing" },
      });
      expect(events).toHaveLength(1);
      expect(resultOf(events)).toMatchObject({
        outcome: "failed",
        reason: "Cursor CLI is not installed: CURSOR_BIN=/nonexistent/cursor-agent is not an executable file",
      });
    } finally {
      await bare.close();
    }
  });

  it("missing binary on PATH → failed, naming the binary and the override", async () => {
    const bare = await startRunner({ env: { PATH: "/usr/bin:/bin" } });
    try {
      const events = await run(bare.url, { taskId: "task-missing-path", prompt: "Hello" });
      expect(resultOf(events)).toMatchObject({
        outcome: "failed",
        reason: "Claude Code is not installed: no `claude` on PATH (set CLAUDE_BIN to its path)",
      });
    } finally {
      await bare.close();
    }
  });

  it("a clone that fails → failed with git's reason", async () => {
    const events = await run(runner.url, {
      taskId: "task-badclone",
      prompt: "Hello",
      repo: { cloneUrl: `file://${join(dir, "missing.git")}`, branch: "agent-bot/task-badclone" },
    });
    const result = resultOf(events);
    expect(result.outcome).toBe("failed");
    expect(result.reason).toMatch(/^git fetch failed: /);
  });
});

describe("secrets", () => {
  it("a canary the CLI prints appears in no event", async () => {
    const canary = "canary-7f3b9e21d4c8a6f0";
    for (const cli of ["claude", "cursor"] as const) {
      const taskId = `task-secret-${cli}`;
      const events = await run(runner.url, {
        taskId,
        cli,
        prompt: "Look for tokens [fake:secret]",
        env: { FAKE_CLI_CANARY: canary, ANTHROPIC_API_KEY: "sk-ant-api03-testkeytestkeytestkey" },
      });
      const text = JSON.stringify(events);
      expect(resultOf(events).outcome).toBe("succeeded");
      expect(text).not.toContain(canary);
      // Token shapes nobody declared are caught too (the traces print a GitHub and a Slack token).
      expect(text).not.toMatch(/ghp_[A-Za-z0-9]{20,}|xoxb-\d/);
      expect(text).toContain("[redacted]");
      expect(events.some((e) => e.type === "assistant_text" && e.text.includes("[redacted]"))).toBe(true);
      expect(events.some((e) => e.type === "tool_result" && e.output.includes("DEPLOY_TOKEN=[redacted]"))).toBe(true);
    }
  });

  it("values listed in `redact` are removed even when the CLI was not given them", async () => {
    const events = await run(runner.url, {
      taskId: "task-redact-list",
      prompt: "Look [fake:secret=listed-secret-value]",
      redact: ["listed-secret-value"],
    });
    expect(JSON.stringify(events)).not.toContain("listed-secret-value");
  });
});
