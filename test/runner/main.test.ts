// The runner as a process: `npm run runner` (tsx) and the esbuild bundle the image runs
// (`npm run runner:bundle`), each answering /health, running a task and shutting down on SIGTERM.
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from "node:child_process";
import { rm } from "node:fs/promises";
import { delimiter, join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  AUTH,
  agentWritableDir,
  FAKE_CLI_DIR,
  parseNdjson,
  postRun,
  RUNNER_SECRET,
  readEvents,
  resultOf,
  runRequest,
} from "./support/runner-harness";

let dir: string;
beforeAll(async () => {
  dir = await agentWritableDir("agent-bot-main-");
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

type Started = { child: ChildProcessWithoutNullStreams; url: string; exited: Promise<number | null> };

async function startProcess(command: string, args: string[]): Promise<Started> {
  const child = spawn(command, args, {
    env: {
      ...process.env,
      PORT: "0",
      HOST: "127.0.0.1",
      PATH: [FAKE_CLI_DIR, process.env.PATH].join(delimiter),
      SKILLS_DIR: resolve("skills"),
      WORKSPACE_ROOT: join(dir, "workspaces"),
      RUNNER_KILL_GRACE_MS: "300",
      RUNNER_SECRET,
    },
  });
  const exited = new Promise<number | null>((done) => child.once("exit", (code) => done(code)));
  let output = "";
  const port = await new Promise<number>((done, fail) => {
    child.stdout.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      const line = output.split("\n").find((l) => l.includes('"runner listening"'));
      if (line) done((JSON.parse(line) as { port: number }).port);
    });
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    void exited.then((code) => fail(new Error(`runner exited with ${code}: ${output}`)));
  });
  return { child, url: `http://127.0.0.1:${port}`, exited };
}

async function exercise(started: Started): Promise<void> {
  const { child, url, exited } = started;
  expect(await (await fetch(`${url}/health`)).json()).toEqual({ status: "ok", runs: 0 });

  const done = await (async () => {
    expect((await postRun(url, runRequest({ taskId: "task-main", prompt: "Hello" }))).status).toBe(202);
    return resultOf(await readEvents(url, "task-main"));
  })();
  expect(done.outcome).toBe("succeeded");

  // SIGTERM with a run under way: the run ends as cancelled, its stream ends, the process exits 0.
  expect((await postRun(url, runRequest({ taskId: "task-shutdown", prompt: "Wait [fake:hang]" }))).status).toBe(202);
  const stream = await fetch(`${url}/runs/task-shutdown/events`, { headers: AUTH });
  const reader = stream.body!.getReader();
  let text = "";
  while (!text.includes('"phase":"running"')) text += new TextDecoder().decode((await reader.read()).value);
  child.kill("SIGTERM");
  for (;;) {
    const { done: end, value } = await reader.read();
    if (end) break;
    text += new TextDecoder().decode(value);
  }
  expect(resultOf(parseNdjson(text))).toMatchObject({ outcome: "cancelled", reason: "the runner is shutting down" });
  expect(await exited).toBe(0);
}

describe("runner process", () => {
  it("starts with tsx (npm run runner), serves runs and shuts down on SIGTERM", async () => {
    await exercise(await startProcess(resolve("node_modules/.bin/tsx"), ["containers/runner/main.ts"]));
  }, 30_000);

  it("bundles to one ESM file that runs with plain node", async () => {
    const outfile = join(dir, "bundle", "runner.js");
    const build = spawnSync(resolve("node_modules/.bin/tsx"), ["containers/runner/bundle.ts", outfile], { encoding: "utf8" });
    expect(build.status, build.stderr).toBe(0);
    await exercise(await startProcess(process.execPath, [outfile]));
  }, 30_000);
});
