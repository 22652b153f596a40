// Starts the real `npm run dev` (scripts/dev.mjs → wrangler dev → workerd) on a
// free port with throwaway state, for end-to-end tests and benchmarks.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { readDevVars } from "../../scripts/dev-vars.mjs";

const root = new URL("../../", import.meta.url);
const OUTPUT_LIMIT = 64 * 1024;

/** A port nobody holds right now (the OS picks it; we release it for wrangler to bind). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** The local secrets the dev server runs with (.dev.vars, else the example it is copied from). */
export function devVars() {
  return readDevVars();
}

/** True while any process of the group `pgid` (wrangler, workerd, …) is still alive. */
function groupAlive(pgid) {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch (error) {
    return error.code === "EPERM";
  }
}

function killGroup(pgid, signal) {
  try {
    process.kill(-pgid, signal);
  } catch {
    // Already gone.
  }
}

/** @param {{ port?: number, persistTo?: string, env?: Record<string, string>, args?: string[], timeoutMs?: number }} [options] */
export async function startDevServer({ port, persistTo, env = {}, args = [], timeoutMs = 90_000 } = {}) {
  port ??= await freePort();
  // An explicit inspector port, so two dev servers (a test and a bench) never fight over 9229.
  const inspectorPort = await freePort();
  const ownDir = persistTo ? undefined : mkdtempSync(join(tmpdir(), "agent-bot-dev-"));
  const dir = persistTo ?? ownDir;

  // detached: the child leads its own process group, so stop() can reach the
  // workerd processes wrangler spawns (they are not killed with their parent).
  const child = spawn(
    process.execPath,
    ["scripts/dev.mjs", "--port", String(port), "--persist-to", dir, "--inspector-port", String(inspectorPort), ...args],
    {
      cwd: root,
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, CI: "true", WRANGLER_SEND_METRICS: "false", NO_COLOR: "1", FORCE_COLOR: "0", ...env },
    },
  );
  const pgid = child.pid;

  // Kept (the tail only) for error messages; reading it also stops a full pipe from blocking wrangler.
  let output = "";
  const capture = (chunk) => {
    output = (output + chunk).slice(-OUTPUT_LIMIT);
  };
  child.stdout.setEncoding("utf8").on("data", capture);
  child.stderr.setEncoding("utf8").on("data", capture);

  let exited = null;
  const exit = new Promise((resolve) => child.once("exit", (code, signal) => resolve((exited = { code, signal }))));
  // Last resort if the caller never reaches stop(): do not leave workerd running.
  const onExit = () => killGroup(pgid, "SIGKILL");
  process.once("exit", onExit);

  let stopped;
  const stop = () =>
    (stopped ??= (async () => {
      process.removeListener("exit", onExit);
      killGroup(pgid, "SIGTERM");
      // workerd can outlive wrangler; wait for the whole group, then insist.
      const deadline = Date.now() + 10_000;
      while (groupAlive(pgid) && Date.now() < deadline) await sleep(100);
      if (groupAlive(pgid)) {
        killGroup(pgid, "SIGKILL");
        const last = Date.now() + 5_000;
        while (groupAlive(pgid) && Date.now() < last) await sleep(50);
      }
      await Promise.race([exit, sleep(1_000)]);
      if (ownDir) rmSync(ownDir, { recursive: true, force: true });
    })());

  const url = `http://127.0.0.1:${port}`;
  const started = Date.now();
  while (true) {
    if (exited) {
      await stop();
      throw new Error(`dev server exited early (code ${exited.code}, signal ${exited.signal}); output:\n${output}`);
    }
    if (Date.now() - started > timeoutMs) {
      await stop();
      throw new Error(`dev server not healthy at ${url}/health after ${timeoutMs} ms; output:\n${output}`);
    }
    const response = await fetch(`${url}/health`, { signal: AbortSignal.timeout(2_000) }).catch(() => undefined);
    if (response?.status === 200) break;
    await response?.body?.cancel();
    await sleep(250);
  }

  return { url, port, stop, output: () => output };
}
