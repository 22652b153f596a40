// Starts the real runner server on an ephemeral port with the fake CLIs first
// on the PATH of the processes it spawns (the test process's own PATH is left
// alone), and reads its NDJSON event streams.
import { readdirSync, readFileSync } from "node:fs";
import { chmod, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { delimiter, join, resolve } from "node:path";
import { loadConfig } from "../../../containers/runner/config";
import { silentLogger } from "../../../containers/runner/log";
import { createRunnerServer, type RunnerServer } from "../../../containers/runner/server";
import { runnerEventSchema, type RunnerEvent, type SessionBundle } from "../../../core/runner-protocol";

export const FAKE_CLI_DIR = resolve("test/fixtures/fake-cli");
/** The real Claude Code CLI, a pinned dev dependency (its native binary comes as an optional one). */
export const REAL_CLAUDE_BIN = resolve("node_modules/.bin/claude");

/** The bearer token every runner the tests start requires (RUNNER_SECRET). */
export const RUNNER_SECRET = "test-runner-secret-0123456789abcdef";
/** The header that authenticates a test's calls to the runner. */
export const AUTH = { authorization: `Bearer ${RUNNER_SECRET}` };

/** The runner environment that makes its Claude runs use the real CLI against `modelUrl`. */
export function realClaudeEnv(modelUrl: string): Record<string, string> {
  return {
    CLAUDE_BIN: REAL_CLAUDE_BIN,
    ANTHROPIC_BASE_URL: modelUrl,
    ANTHROPIC_API_KEY: "sk-ant-scripted-model-key",
    // One retry, so the model-API failure tests end in seconds, not the CLI's default ten.
    CLAUDE_CODE_MAX_RETRIES: "1",
  };
}

export type TestRunner = {
  url: string;
  server: RunnerServer;
  workspaceRoot: string;
  close(): Promise<void>;
};

/**
 * A temporary directory the agent's user may write in (0777): the runner drops the CLI to an
 * unprivileged uid of its own when it runs as root, as it does here and in CI.
 */
export async function agentWritableDir(prefix: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  await chmod(dir, 0o777);
  return dir;
}

export async function startRunner(options: { env?: Record<string, string>; pathPrefix?: string[] } = {}): Promise<TestRunner> {
  const workspaceRoot = await mkdtemp(join(tmpdir(), "agent-bot-runner-test-"));
  // Runs are 0711 and the agent's files its own; their parent must let it pass through.
  await chmod(workspaceRoot, 0o711);
  const env: Record<string, string | undefined> = {
    ...process.env,
    PATH: [...(options.pathPrefix ?? []), FAKE_CLI_DIR, process.env.PATH ?? ""].join(delimiter),
    PORT: "0",
    HOST: "127.0.0.1",
    WORKSPACE_ROOT: workspaceRoot,
    RUNNER_KILL_GRACE_MS: "300",
    RUNNER_SHUTDOWN_GRACE_MS: "2000",
    // Git must not read the developer's or CI's own config (signing, hooks, helpers).
    GIT_CONFIG_GLOBAL: "/dev/null",
    GIT_CONFIG_NOSYSTEM: "1",
    RUNNER_SECRET,
    // The fake CLIs' switches and the tests' markers; everything else of this environment stays out of the agent's.
    RUNNER_AGENT_ENV: "FAKE_CLI_*,AGENT_BOT_TEST_*,CLAUDE_CODE_MAX_RETRIES",
    ...options.env,
  };
  const server = createRunnerServer(loadConfig(env), silentLogger);
  const address = await server.listen();
  return {
    url: `http://127.0.0.1:${address.port}`,
    server,
    workspaceRoot,
    async close() {
      await server.shutdown();
      await rm(workspaceRoot, { recursive: true, force: true });
    },
  };
}

export type RunInput = {
  taskId: string;
  attempt?: number;
  cli?: "claude" | "cursor";
  prompt: string;
  context?: { vendor: string; eventType: string; title?: string };
  repo?: { cloneUrl: string; ref?: string; branch: string };
  gitToken?: string;
  skills?: string[];
  mcpServers?: { name: string; url: string; headers?: Record<string, string> }[];
  env?: Record<string, string>;
  redact?: string[];
  timeoutMs?: number;
  maxBudgetUsd?: number;
  readOnly?: boolean;
  model?: string;
  resume?: SessionBundle;
};

export function runRequest(input: RunInput): Record<string, unknown> {
  return {
    attempt: 1,
    cli: "claude",
    context: { vendor: "github", eventType: "issue_comment", title: "Add notes" },
    ...input,
  };
}

export async function postRun(url: string, body: unknown): Promise<Response> {
  return fetch(`${url}/runs`, { method: "POST", headers: { ...AUTH, "content-type": "application/json" }, body: JSON.stringify(body) });
}

/** Reads the event stream to its end, validating every line against the protocol. */
export async function readEvents(url: string, taskId: string, after = 0): Promise<RunnerEvent[]> {
  const response = await fetch(`${url}/runs/${encodeURIComponent(taskId)}/events?after=${after}`, { headers: AUTH });
  if (response.status !== 200) throw new Error(`events answered ${response.status}: ${await response.text()}`);
  if (response.headers.get("content-type") !== "application/x-ndjson") throw new Error("events are not NDJSON");
  return parseNdjson(await response.text());
}

export function parseNdjson(text: string): RunnerEvent[] {
  return text
    .split("\n")
    .filter((line) => line.trim())
    .map((line) => runnerEventSchema.parse(JSON.parse(line)));
}

/** GET /runs/:taskId/session?attempt=N: the status, and the bundle when it is 200. */
export async function fetchSession(url: string, taskId: string, attempt = 1): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`${url}/runs/${encodeURIComponent(taskId)}/session?attempt=${attempt}`, { headers: AUTH });
  return { status: response.status, body: await response.json() };
}

/** Starts a run and reads all its events. */
export async function run(url: string, input: RunInput): Promise<RunnerEvent[]> {
  const response = await postRun(url, runRequest(input));
  if (response.status !== 202) throw new Error(`POST /runs answered ${response.status}: ${await response.text()}`);
  return readEvents(url, input.taskId);
}

export function resultOf(events: RunnerEvent[]): Extract<RunnerEvent, { type: "result" }> {
  const last = events.at(-1);
  if (last?.type !== "result") throw new Error(`the stream did not end with a result: ${JSON.stringify(last)}`);
  return last;
}

/** True while `pid` runs; an exited process waiting to be reaped (a zombie, state Z) counts as gone. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    // /proc/<pid>/stat: "pid (comm) state …"; comm may hold spaces, so read after the last ")".
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
  } catch {
    return false;
  }
}

export async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error("timed out waiting");
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Pids of every live process whose environment holds `name=value` (a run's CLI and all it started). */
export function processesWithEnv(name: string, value: string): number[] {
  const wanted = `${name}=${value}`;
  const pids: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    try {
      if (readFileSync(`/proc/${pid}/environ`, "utf8").split("\0").includes(wanted) && isAlive(pid)) pids.push(pid);
    } catch {
      // Gone, or not ours to read.
    }
  }
  return pids;
}
