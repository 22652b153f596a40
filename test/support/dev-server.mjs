// Starts the real `npm run dev` (scripts/dev.mjs → wrangler dev → workerd, plus the
// dashboard's Vite server) on free ports with throwaway state, for end-to-end tests,
// browser tests and benchmarks.
import { spawn } from "node:child_process";
import { chmodSync, cpSync, mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, relative, sep } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { readDevVars } from "../../scripts/dev-vars.mjs";

const root = fileURLToPath(new URL("../../", import.meta.url));
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

/**
 * Copies the source tree (node_modules linked, not copied) into `dir` and returns it.
 * wrangler dev rebuilds and restarts workerd whenever a source file changes and cannot be
 * told not to; a restart drops the local queue's messages. A server run from a snapshot is
 * out of reach of edits made to the checkout meanwhile.
 */
export function snapshotCheckout(dir) {
  const skip = new Set(["node_modules", ".git", ".wrangler", "dist", "coverage", "test-results"]);
  const skipPaths = new Set([join("bench", "results"), join("test", "browser", "artifacts"), join("dashboard", "dist")]);
  cpSync(root, dir, {
    recursive: true,
    filter: (path) => {
      const rel = relative(root, path);
      return !skip.has(rel.split(sep)[0]) && !skipPaths.has(rel);
    },
  });
  symlinkSync(join(root, "node_modules"), join(dir, "node_modules"), "dir");
  // mkdtemp made it 0700; the runner's agent users (it runs as root here) must reach the fake CLIs in it.
  chmodSync(dir, 0o755);
  return dir;
}

/** @param {import("./dev-server.d.mts").DevServerOptions} [options] */
export async function startDevServer({
  port,
  persistTo,
  env = {},
  args = [],
  timeoutMs = 90_000,
  dashboard = false,
  snapshot = false,
} = {}) {
  port ??= await freePort();
  // An explicit inspector port, so two dev servers (a test and a bench) never fight over 9229.
  const inspectorPort = await freePort();
  // The dashboard's port is chosen here, not left to dev.mjs (5173 when free), so parallel servers never share one.
  const dashboardPort = Number(env.DASHBOARD_PORT) || (await freePort());
  const ownDir = persistTo ? undefined : mkdtempSync(join(tmpdir(), "agent-bot-dev-"));
  const dir = persistTo ?? ownDir;
  const sourceDir = snapshot ? snapshotCheckout(mkdtempSync(join(tmpdir(), "agent-bot-src-"))) : undefined;

  // detached: the child leads its own process group, so stop() can reach the
  // workerd processes wrangler spawns (they are not killed with their parent).
  const child = spawn(
    process.execPath,
    ["scripts/dev.mjs", "--port", String(port), "--persist-to", dir, "--inspector-port", String(inspectorPort), ...args],
    {
      cwd: sourceDir ?? root,
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
      env: {
        ...process.env,
        CI: "true",
        WRANGLER_SEND_METRICS: "false",
        NO_COLOR: "1",
        FORCE_COLOR: "0",
        DASHBOARD_PORT: String(dashboardPort),
        ...env,
      },
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
      if (sourceDir) rmSync(sourceDir, { recursive: true, force: true });
    })());

  const url = `http://127.0.0.1:${port}`;
  const dashboardUrl = `http://127.0.0.1:${dashboardPort}`;
  const started = Date.now();
  /** Polls until `ready` answers true; stops the server and throws on exit or timeout. */
  const waitFor = async (what, ready) => {
    while (true) {
      if (exited) {
        await stop();
        throw new Error(`dev server exited early (code ${exited.code}, signal ${exited.signal}); output:\n${output}`);
      }
      if (Date.now() - started > timeoutMs) {
        await stop();
        throw new Error(`${what} after ${timeoutMs} ms; output:\n${output}`);
      }
      if (await ready()) return;
      await sleep(250);
    }
  };
  const answers = async (target, check) => {
    const response = await fetch(target, { signal: AbortSignal.timeout(5_000) }).catch(() => undefined);
    const ok = response?.status === 200 && (await check(response).catch(() => false));
    await response?.body?.cancel().catch(() => undefined);
    return ok;
  };
  await waitFor(`dev server not healthy at ${url}/health`, () => answers(`${url}/health`, async () => true));
  // The page, and the Worker through the page's proxy: what a browser needs before its first load.
  if (dashboard) {
    await waitFor(
      `dashboard not served at ${dashboardUrl}`,
      async () =>
        (await answers(dashboardUrl, async (response) => (await response.text()).includes('id="root"'))) &&
        (await answers(`${dashboardUrl}/health`, async () => true)),
    );
  }

  return { url, port, dashboardUrl, dir, stop, output: () => output };
}
