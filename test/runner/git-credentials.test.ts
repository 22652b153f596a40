// The git token reaches git only through the credential helper: proven against a real git
// smart-HTTP server that demands it as basic auth, with a `git` wrapper recording every argv,
// and with the fake CLI recording its environment.
import { execFileSync, spawnSync } from "node:child_process";
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GitCredentials } from "../../containers/runner/git-credentials";
import { branchSha, createRemote, showFile } from "./support/git-repos";
import { startGitHttpServer, type GitHttpServer } from "./support/git-http-server";
import {
  AUTH,
  agentWritableDir,
  postRun,
  readEvents,
  resultOf,
  run,
  runRequest,
  startRunner,
  waitFor,
  type TestRunner,
} from "./support/runner-harness";

const TOKEN = "ghs_TaskScopedToken0123456789abcdefABCDEF";

let dir: string;
let http: GitHttpServer;
let runner: TestRunner;
let remote: { bare: string };
let argvLog: string;
let recordFile: string;

beforeAll(async () => {
  dir = await agentWritableDir("agent-bot-creds-");
  const projects = join(dir, "projects");
  await mkdir(projects);
  remote = await createRemote(projects, "remote");
  http = await startGitHttpServer(projects, TOKEN);

  // A `git` first on the runner's PATH that records its argv and hands over to the real one.
  const bin = join(dir, "bin");
  await mkdir(bin);
  argvLog = join(dir, "git-argv.log");
  recordFile = join(dir, "fake-cli.jsonl");
  await writeFile(join(bin, "git"), '#!/bin/sh\nprintf \'%s\\n\' "$*" >> "$GIT_ARGV_LOG"\nexec "$REAL_GIT" "$@"\n');
  await chmod(join(bin, "git"), 0o755);
  const realGit = execFileSync("sh", ["-c", "command -v git"], { encoding: "utf8" }).trim();
  runner = await startRunner({ pathPrefix: [bin], env: { GIT_ARGV_LOG: argvLog, REAL_GIT: realGit, FAKE_CLI_RECORD: recordFile } });
});
afterAll(async () => {
  await runner.close();
  await http.close();
  await rm(dir, { recursive: true, force: true });
});

function credentialFill(helper: GitCredentials, input: string) {
  return spawnSync("git", [...helper.gitConfig(), "credential", "fill"], {
    input,
    encoding: "utf8",
    env: { ...process.env, GIT_TERMINAL_PROMPT: "0", GIT_CONFIG_GLOBAL: "/dev/null", GIT_CONFIG_NOSYSTEM: "1" },
  });
}

describe("credential helper", () => {
  it("gives git the token for the clone URL's host, from a 0600 file, and nothing once closed", async () => {
    const privateDir = await mkdtemp(join(dir, "private-"));
    const creds = new GitCredentials(privateDir, TOKEN, "https://github.com/acme/app.git");
    await creds.open();
    expect((await stat(join(privateDir, "git-token"))).mode & 0o777).toBe(0o600);
    expect((await stat(creds.helper)).mode & 0o777).toBe(0o700);
    expect(await readFile(creds.helper, "utf8")).not.toContain(TOKEN);

    const fill = credentialFill(creds, "protocol=https\nhost=github.com\npath=acme/app.git\n\n");
    expect(fill.status).toBe(0);
    expect(fill.stdout).toContain("username=x-access-token\n");
    expect(fill.stdout).toContain(`password=${TOKEN}\n`);

    // Another host (say, a remote rewritten by the agent's .git/config) gets nothing.
    const other = credentialFill(creds, "protocol=https\nhost=evil.example.com\n\n");
    expect(other.stdout).not.toContain(TOKEN);
    expect(other.status).not.toBe(0);
    const plain = credentialFill(creds, "protocol=http\nhost=github.com\n\n");
    expect(plain.stdout).not.toContain(TOKEN);

    await creds.close();
    const closed = credentialFill(creds, "protocol=https\nhost=github.com\n\n");
    expect(closed.stdout).not.toContain(TOKEN);
  });
});

describe("a run against a remote that requires the token", () => {
  it("clones and pushes through the helper; the token is in no argv, no event and not in the CLI's environment", async () => {
    const taskId = "task-http-token";
    const branch = `agent-bot/${taskId}`;
    const events = await run(runner.url, {
      taskId,
      prompt: "Add notes [fake:write]",
      repo: { cloneUrl: `${http.url}/remote.git`, ref: "main", branch },
      gitToken: TOKEN,
    });
    const result = resultOf(events);
    expect(result.outcome, result.reason).toBe("succeeded");
    expect(result.change?.commitSha).toBe(branchSha(remote.bare, branch));
    expect(showFile(remote.bare, branch, "agent-notes.md")).toContain("Written by the agent.");

    // The server saw exactly the token as basic auth: it came from the helper.
    expect(http.authorizations).toContain(`Basic ${Buffer.from(`x-access-token:${TOKEN}`).toString("base64")}`);

    const argv = await readFile(argvLog, "utf8");
    expect(argv).toContain("fetch");
    expect(argv).toContain("push");
    expect(argv).toMatch(/credential\.helper=\/\S+git-credential-agent-bot/);
    expect(argv).not.toContain(TOKEN);

    expect(JSON.stringify(events)).not.toContain(TOKEN);
    const record = (await readFile(recordFile, "utf8"))
      .split("\n")
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { cwd?: string; env?: object; argv?: string[] });
    const cli = record.find((r) => r.cwd?.includes(taskId));
    expect(cli?.env).toBeDefined();
    expect(JSON.stringify(cli)).not.toContain(TOKEN);
    // The run's directory (checkout, helper) is gone once the run has ended.
    expect(await readdir(runner.workspaceRoot)).not.toContainEqual(expect.stringContaining(taskId));
  });

  it("keeps the token file away while the CLI runs", async () => {
    const taskId = "task-http-window";
    await postRun(
      runner.url,
      runRequest({
        taskId,
        prompt: "Wait [fake:hang]",
        repo: { cloneUrl: `${http.url}/remote.git`, branch: `agent-bot/${taskId}` },
        gitToken: TOKEN,
      }),
    );
    let cwd: string | undefined;
    await waitFor(async () => {
      const text = await readFile(recordFile, "utf8").catch(() => "");
      cwd = text
        .split("\n")
        .filter(Boolean)
        .map((l) => JSON.parse(l) as { cwd?: string })
        .find((r) => r.cwd?.includes(taskId))?.cwd;
      return cwd !== undefined;
    });
    const privateDir = join(dirname(cwd!), "private");
    const files = await readdir(privateDir);
    expect(files).toContain("git-credential-agent-bot");
    expect(files).not.toContain("git-token");
    await fetch(`${runner.url}/runs/${taskId}/cancel`, { method: "POST", headers: AUTH });
    expect(resultOf(await readEvents(runner.url, taskId)).outcome).toBe("cancelled");
  });

  it("fails to clone without the token, and says why", async () => {
    const events = await run(runner.url, {
      taskId: "task-http-notoken",
      prompt: "Hello",
      repo: { cloneUrl: `${http.url}/remote.git`, branch: "agent-bot/task-http-notoken" },
    });
    const result = resultOf(events);
    expect(result.outcome).toBe("failed");
    expect(result.reason).toMatch(/^git fetch failed: /);
  });
});
