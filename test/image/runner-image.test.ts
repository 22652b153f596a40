// The runner image itself: containers/Dockerfile built with podman (scripts/runner-image.mjs, the
// same build as `npm run runner:image`) and run. Inside the container the runner runs as root and
// each run's agent as an unprivileged user of its own; a task clones from a git server on the host with the task's token,
// runs the real Claude Code CLI of the image against the scripted model on the host, and pushes
// its branch; cancel ends the CLI's process tree; and no CA or secret of the build is in any layer.
//
// The container shares the host's network (`--network host`, which podman 4.3 runs here without
// any bridge set-up): the scripted model and the git server listen on 127.0.0.1, and the runner
// too (HOST=127.0.0.1 on a free port). Every container started here is removed in afterAll and,
// should the worker die first, on process exit.
//
// Skipped, with a message saying why, where podman cannot run; in CI (.ci/run installs and
// configures it) a missing podman fails the file instead.
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { X509Certificate } from "node:crypto";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  buildCaFile,
  buildRunnerImage,
  findEngine,
  formatReport,
  formatSize,
  imageReport,
  LOCAL_BASE,
  LOCAL_NODE,
} from "../../scripts/runner-image.mjs";
import { devVars, startDevServer, type DevServer } from "../support/dev-server.mjs";
import {
  lastToolResults,
  startScriptedModel,
  workingDirectory,
  type ModelRequest,
  type ScriptedModel,
} from "../support/scripted-model.mjs";
import { startGitHttpServer, type GitHttpServer } from "../runner/support/git-http-server";
import { branchSha, createRemote, showFile } from "../runner/support/git-repos";
import { AUTH, postRun, RUNNER_SECRET, readEvents, resultOf, run, runRequest, waitFor } from "../runner/support/runner-harness";

const TAG = "localhost/agent-bot-runner:test";
const CONTAINER = `agent-bot-runner-test-${process.pid}`;
const GIT_TOKEN = "ghs_imageTestToken0123456789abcdefABCDEF";
const MODEL_KEY = "sk-ant-image-test-model-key";
/** The Claude Code version the tests run on the host, which the image must carry too. */
const CLAUDE_CODE_VERSION: string = JSON.parse(readFileSync("package.json", "utf8")).devDependencies["@anthropic-ai/claude-code"];

const found = findEngine();
const podman = found.engine === "podman";
const inCi = Boolean(process.env.CI);
if (!podman) {
  const message = inCi
    ? `runner image tests: podman cannot run (${found.reason}); in CI .ci/run installs it, so this FAILS`
    : `runner image tests SKIPPED: podman cannot run here (${found.reason}). Install it as .ci/run does (containers/image/README.md) to run them.`;
  process.stderr.write(`\n${"!".repeat(100)}\n${message}\n${"!".repeat(100)}\n`);
}

/**
 * Figures for the CI log (build time, size, start-up): written straight to stdout, since the
 * project's console output of passing tests is kept silent.
 */
function report(text: string): void {
  process.stdout.write(`[runner image] ${text.replace(/\n/g, "\n[runner image] ")}\n`);
}

/** Runs podman; throws with its output on a non-zero exit. */
function podmanRun(args: string[], input?: string): string {
  const result = spawnSync("podman", args, { encoding: "utf8", input, maxBuffer: 64 * 1024 * 1024 });
  if (result.status !== 0) throw new Error(`podman ${args.join(" ")} exited ${result.status}: ${result.stderr}`);
  return result.stdout;
}

function containerLogs(name = CONTAINER): string {
  const result = spawnSync("podman", ["logs", "--tail", "60", name], { encoding: "utf8" });
  return `--- container logs ---\n${result.stdout}${result.stderr}`;
}

/** Every container this file starts, removed in afterAll and, should the worker die first, on exit. */
const started = new Set<string>();
function removeContainers(): void {
  for (const name of started) spawnSync("podman", ["rm", "--force", "--time", "2", name], { stdio: "ignore" });
  started.clear();
}

/**
 * Starts the runner image on the host's network, the runner on 127.0.0.1:`port`, and waits for
 * /health; returns how long that took from `podman run`.
 */
async function startContainer(name: string, port: number, env: Record<string, string>, extra: string[] = []): Promise<number> {
  started.add(name);
  spawnSync("podman", ["rm", "--force", name], { stdio: "ignore" });
  const begin = Date.now();
  podmanRun([
    "run",
    "--detach",
    "--name",
    name,
    "--network",
    "host",
    ...extra,
    ...Object.entries({ HOST: "127.0.0.1", PORT: String(port), RUNNER_SECRET, ...env }).flatMap(([k, v]) => ["--env", `${k}=${v}`]),
    TAG,
  ]);
  await waitFor(async () => (await fetch(`http://127.0.0.1:${port}/health`).catch(() => undefined))?.ok ?? false, 30_000).catch(() => {
    throw new Error(`the runner in container ${name} never answered /health\n${containerLogs(name)}`);
  });
  return (Date.now() - begin) / 1000;
}

/** The container's processes as podman sees them (user, host uid, pid, args). */
function containerProcesses(): { user: string; huser: string; pid: number; args: string }[] {
  let listing = "";
  for (let attempt = 1; ; attempt++) {
    const top = spawnSync("podman", ["top", CONTAINER, "user", "huser", "pid", "args"], { encoding: "utf8" });
    if (top.status === 0) {
      listing = top.stdout;
      break;
    }
    // A process that ends while podman reads /proc fails the whole listing: ask again.
    if (attempt >= 10 || !/no such (process|file)/.test(top.stderr))
      throw new Error(`podman top ${CONTAINER} exited ${top.status}: ${top.stderr}`);
  }
  return listing
    .split("\n")
    .slice(1)
    .filter((line) => line.trim())
    .map((line) => {
      const [user = "", huser = "", pid = "", ...args] = line.trim().split(/\s+/);
      return { user, huser, pid: Number(pid), args: args.join(" ") };
    });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

/** The certificates of a PEM bundle, each with a line of its base64 and a slice of its DER to search for. */
function certificates(pem: string): { subject: string; pemLine: string; der: Buffer }[] {
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  return blocks.map((block) => {
    const cert = new X509Certificate(block);
    const lines = block.split("\n").filter((line) => /^[A-Za-z0-9+/]{64}$/.test(line));
    return { subject: cert.subject.replace(/\n/g, ", "), pemLine: lines[Math.floor(lines.length / 2)] ?? "", der: cert.raw };
  });
}

/** Streams `podman save` of the image (every layer, uncompressed) and reports which needles occur in it. */
function scanImage(tag: string, needles: Buffer[]): Promise<{ bytes: number; found: boolean[] }> {
  return new Promise((resolve, reject) => {
    const child = spawn("podman", ["save", "--format", "docker-archive", tag], { stdio: ["ignore", "pipe", "pipe"] });
    const found = needles.map(() => false);
    const overlap = Math.max(...needles.map((n) => n.length));
    let carry = Buffer.alloc(0);
    let bytes = 0;
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => {
      bytes += chunk.length;
      const window = Buffer.concat([carry, chunk]);
      needles.forEach((needle, i) => {
        if (!found[i] && window.includes(needle)) found[i] = true;
      });
      carry = window.subarray(Math.max(0, window.length - overlap));
    });
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.once("error", reject);
    child.once("close", (code) => (code === 0 ? resolve({ bytes, found }) : reject(new Error(`podman save exited ${code}: ${stderr}`))));
  });
}

const cwdOf = (request: ModelRequest | undefined) => (request ? (workingDirectory(request.body) ?? "") : "");
const toolResultText = (request: ModelRequest | undefined) =>
  lastToolResults(request?.body)
    .map((r) => (typeof r.content === "string" ? r.content : JSON.stringify(r.content)))
    .join("\n");

describe.skipIf(!podman && !inCi)("the runner image (containers/Dockerfile) under podman", () => {
  beforeAll(async () => {
    if (!podman)
      throw new Error(`podman cannot run here (${found.reason}); .ci/run installs and configures it (containers/image/README.md)`);
    process.once("exit", removeContainers);
    const buildLog: string[] = [];
    const built = await buildRunnerImage({ engine: "podman", tag: TAG, log: (line: string) => buildLog.push(line) }).catch(
      (error: Error) => {
        throw new Error(`${error.message}\n--- build log ---\n${buildLog.slice(-80).join("\n")}`);
      },
    );
    report(
      `built ${TAG} from containers/Dockerfile in ${built.seconds.toFixed(1)} s (${buildLog.filter((l) => l.includes("Using cache")).length} steps from the layer cache)`,
    );
    report(formatReport(imageReport("podman", TAG)));
  }, 20 * 60_000);

  afterAll(() => removeContainers());

  it("`wrangler deploy --dry-run` with the [[containers]] block builds the same image through podman", () => {
    // wrangler runs `docker build --load --provenance=false -f - …`; containers/image/podman-as-docker.sh
    // takes docker's place. The build arguments of the local base go in as `image_vars`.
    const config = `wrangler.deploy-check-image-${process.pid}.toml`;
    const outdir = join(tmpdir(), `agent-bot-image-deploy-${process.pid}`);
    const toml = readFileSync("wrangler.toml", "utf8");
    const withVars = toml.replace(
      /(\[\[containers\]\][^[]*?image_build_context = "\.")\n/,
      `$1\nimage_vars = { BASE = "${LOCAL_BASE}", NODE_DIST = "${LOCAL_NODE}", INSTALL_CURSOR = "0" }\n`,
    );
    expect(withVars, "wrangler.toml has no [[containers]] block with image_build_context").not.toBe(toml);
    writeFileSync(config, withVars);
    try {
      const deploy = spawnSync(
        process.execPath,
        ["node_modules/wrangler/bin/wrangler.js", "deploy", "--dry-run", "--config", config, "--outdir", outdir],
        {
          encoding: "utf8",
          env: {
            ...process.env,
            WRANGLER_SEND_METRICS: "false",
            WRANGLER_DOCKER_BIN: join(process.cwd(), "containers/image/podman-as-docker.sh"),
          },
          timeout: 600_000,
        },
      );
      expect(deploy.status, `${deploy.stdout.slice(-3000)}\n${deploy.stderr.slice(-3000)}`).toBe(0);
      expect(deploy.stdout).toContain("env.AGENT_RUNNER (AgentRunner)");
      expect(deploy.stdout).toMatch(/The following containers are available:\s+- agent-bot-agentrunner \(.*containers\/Dockerfile\)/);
      // The same Dockerfile and arguments: the very image the other tests run.
      const id = (tag: string) => podmanRun(["image", "inspect", "--format", "{{.Id}}", tag]).trim();
      expect(id("agent-bot-agentrunner:worker")).toBe(id(TAG));
    } finally {
      rmSync(config, { force: true });
      rmSync(outdir, { recursive: true, force: true });
      // Only this name: the image keeps its other tag.
      spawnSync("podman", ["rmi", "agent-bot-agentrunner:worker"], { stdio: "ignore" });
    }
  }, 600_000);

  describe("a task through the runner's API", () => {
    let dir: string;
    let model: ScriptedModel;
    let git: GitHttpServer;
    let remote: { bare: string; url: string };
    let runnerUrl: string;

    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), "agent-bot-image-test-"));
      remote = await createRemote(dir);
      git = await startGitHttpServer(dir, GIT_TOKEN);
      model = await startScriptedModel();
      const port = await freePort();
      runnerUrl = `http://127.0.0.1:${port}`;
      const seconds = await startContainer(CONTAINER, port, {
        ANTHROPIC_BASE_URL: model.url,
        ANTHROPIC_API_KEY: MODEL_KEY,
        CLAUDE_CODE_MAX_RETRIES: "1",
        RUNNER_KILL_GRACE_MS: "500",
      });
      report(`container start → runner healthy: ${seconds.toFixed(2)} s (from \`podman run\` to the first 200 of /health)`);
    }, 60_000);

    afterAll(async () => {
      removeContainers();
      await git?.close();
      await model?.stop();
      if (dir) await rm(dir, { recursive: true, force: true });
    });

    beforeEach(() => model?.clear());

    it("holds no certificate or secret of the build in any layer, history or setting", async () => {
      const inspect = JSON.parse(podmanRun(["image", "inspect", TAG]))[0];
      expect(inspect.Config.User).toBe("root");
      expect((inspect.Config.Env as string[]).filter((e) => /CA_CERTS|SSL_CERT|build_ca/i.test(e))).toEqual([]);
      // The secret's mount point is left empty.
      expect(podmanRun(["run", "--rm", "--network", "none", "--entrypoint", "ls", TAG, "-A", "/run/secrets"]).trim()).toBe("");

      // The CAs the build was handed that Debian's bundle in the image does not carry: the
      // intercepting CA of this machine, or nothing where TLS is not intercepted.
      const caFile = buildCaFile();
      const hostBundle = caFile ? certificates(readFileSync(caFile, "utf8")) : [];
      const imageBundle = certificates(
        podmanRun(["run", "--rm", "--network", "none", "--entrypoint", "cat", TAG, "/etc/ssl/certs/ca-certificates.crt"]),
      );
      const inImage = new Set(imageBundle.map((c) => c.der.toString("base64")));
      const buildOnly = hostBundle.filter((c) => !inImage.has(c.der.toString("base64")));
      // A certificate that is in both: the scan must find it, or it proves nothing.
      const control = imageBundle[0]!;
      const needles = [
        Buffer.from(control.pemLine),
        ...buildOnly.flatMap((c) => [Buffer.from(c.pemLine), c.der.subarray(c.der.length / 2 - 24, c.der.length / 2 + 24)]),
      ];
      const scan = await scanImage(TAG, needles);
      expect(scan.found[0], "the scan did not find a certificate that is in the image").toBe(true);
      const leaked = buildOnly.filter((_, i) => scan.found[1 + 2 * i] || scan.found[2 + 2 * i]).map((c) => c.subject);
      expect(leaked).toEqual([]);
      report(
        `scanned ${formatSize(scan.bytes)} of layers for the ${buildOnly.length} build-only certificate(s) of ${caFile}: none found (${buildOnly.map((c) => c.subject).join("; ") || "no intercepting CA on this machine"})`,
      );

      const history = podmanRun(["history", "--no-trunc", "--format", "{{.CreatedBy}}", TAG]);
      for (const cert of buildOnly) expect(history).not.toContain(cert.pemLine);
      expect(history).not.toMatch(/BEGIN CERTIFICATE|NODE_EXTRA_CA_CERTS=\/(?!run\/secrets)/);
    }, 180_000);

    it("runs the runner as root, which gives each run's agent a user of its own; nothing else runs", () => {
      const processes = containerProcesses();
      const runner = processes.find((p) => p.args.includes("/opt/agent-bot/runner.js") && p.args.startsWith("node"));
      expect(runner, JSON.stringify(processes)).toBeDefined();
      expect(runner).toMatchObject({ user: "root" });
      expect(processes.filter((p) => p !== runner && !p.args.includes("tini"))).toEqual([]);
    });

    it("runs a task: clones from the host's git server with the token, the image's Claude Code CLI works as `agent` against the scripted model, and the branch is pushed", async () => {
      const taskId = "task-image-edit";
      const branch = `agent-bot/${taskId}`;
      model.setScript((request) => [
        {
          tool: "Bash",
          input: {
            command: "echo user=$(id -un) uid=$(id -u) && git log --format=%s -1 && claude --version",
            description: "Who and where",
          },
        },
        {
          tool: "Write",
          input: {
            file_path: join(cwdOf(request), "agent-notes.md"),
            content: "# Notes\n\nWritten by Claude Code inside the runner image.\n",
          },
        },
        { text: "Added agent-notes.md from inside the container." },
      ]);
      const events = await run(runnerUrl, {
        taskId,
        prompt: "Add a notes file",
        repo: { cloneUrl: `${git.url}/remote.git`, ref: "main", branch },
        gitToken: GIT_TOKEN,
      }).catch((error: Error) => {
        throw new Error(`${error.message}\n${containerLogs()}`);
      });

      const result = resultOf(events);
      expect(result, `${JSON.stringify(events.slice(-5))}\n${containerLogs()}`).toMatchObject({
        outcome: "succeeded",
        summary: "Added agent-notes.md from inside the container.",
      });

      // The model was called by the CLI in the image: its key, its version, a checkout in the
      // container's /tmp, and a shell that runs as the agent user.
      const turns = model.conversation();
      expect(turns.map((r) => r.turn)).toEqual([0, 1, 2]);
      expect(turns[0]!.headers["x-api-key"]).toBe(MODEL_KEY);
      expect(turns[0]!.headers["user-agent"]).toMatch(new RegExp(`^claude-cli/${CLAUDE_CODE_VERSION.replace(/\./g, "\\.")} `));
      expect(cwdOf(turns[0])).toMatch(new RegExp(`^/tmp/agent-bot-${taskId}-[^/]+/workspace$`));
      const shell = toolResultText(turns[1]);
      expect(shell).toMatch(/user=agent-200\d\d uid=200\d\d/);
      expect(shell).toContain("initial commit");
      // The version the Dockerfile pins is the dev dependency's.
      expect(shell).toContain(`${CLAUDE_CODE_VERSION} (Claude Code)`);
      expect(readFileSync("containers/Dockerfile", "utf8")).toContain(`ARG CLAUDE_CODE_VERSION=${CLAUDE_CODE_VERSION}\n`);

      // Pushed to the host's git server, which took the token from the runner's credential helper.
      expect(showFile(remote.bare, branch, "agent-notes.md")).toBe("# Notes\n\nWritten by Claude Code inside the runner image.\n");
      expect(result.change).toMatchObject({ branch, commitSha: branchSha(remote.bare, branch), filesChanged: 1 });
      expect(git.authorizations).toContain(`Basic ${Buffer.from(`x-access-token:${GIT_TOKEN}`).toString("base64")}`);
      expect(JSON.stringify(events)).not.toContain(GIT_TOKEN);
    }, 120_000);

    it("cancel while a Bash command runs ends the CLI and its process tree inside the container; nothing is pushed", async () => {
      const taskId = "task-image-cancel";
      const branch = `agent-bot/${taskId}`;
      model.setScript((request) => [
        { tool: "Write", input: { file_path: join(cwdOf(request), "half-done.md"), content: "unfinished\n" } },
        { tool: "Bash", input: { command: "tail -f /dev/null", description: "Wait", timeout: 600_000 } },
      ]);
      const response = await postRun(
        runnerUrl,
        runRequest({
          taskId,
          prompt: "Work slowly",
          repo: { cloneUrl: `${git.url}/remote.git`, ref: "main", branch },
          gitToken: GIT_TOKEN,
        }),
      );
      expect(response.status).toBe(202);
      const agentProcesses = () => containerProcesses().filter((p) => p.user !== "root");
      // The CLI and the command its shell runs, all as the run's agent user.
      await waitFor(() => agentProcesses().some((p) => p.args.startsWith("tail -f /dev/null")), 30_000);
      const during = agentProcesses();
      expect(
        during.some((p) => /(^|\/)claude( |$)/.test(p.args.split(" ")[0]!)),
        JSON.stringify(during),
      ).toBe(true);
      expect(during.every((p) => /^agent-200\d\d$/.test(p.user))).toBe(true);

      const cancel = await fetch(`${runnerUrl}/runs/${taskId}/cancel`, { method: "POST", headers: AUTH });
      expect(await cancel.json()).toEqual({ cancelled: true });
      expect(resultOf(await readEvents(runnerUrl, taskId))).toMatchObject({ outcome: "cancelled", reason: "cancelled on request" });
      await waitFor(() => agentProcesses().length === 0, 10_000).catch(() => {
        throw new Error(`processes left in the container: ${JSON.stringify(agentProcesses())}`);
      });
      expect(branchSha(remote.bare, branch)).toBeUndefined();
    }, 120_000);

    it("refuses unauthenticated calls to every route but /health", async () => {
      const taskId = "task-image-auth";
      const body = JSON.stringify(runRequest({ taskId, prompt: "hello" }));
      for (const headers of [{}, { authorization: "Bearer not-the-runner-secret-0123456789abcdef" }] as Record<string, string>[]) {
        const calls = [
          fetch(`${runnerUrl}/runs`, { method: "POST", headers: { ...headers, "content-type": "application/json" }, body }),
          fetch(`${runnerUrl}/runs/${taskId}/events`, { headers }),
          fetch(`${runnerUrl}/runs/${taskId}/cancel`, { method: "POST", headers }),
        ];
        for (const response of await Promise.all(calls)) {
          expect(response.status).toBe(401);
          expect(((await response.json()) as { error: { code: string } }).error.code).toBe("unauthorized");
        }
      }
      expect((await fetch(`${runnerUrl}/health`)).status).toBe(200);
      // Nothing was started: with the secret, the task is unknown.
      expect((await fetch(`${runnerUrl}/runs/${taskId}/events`, { headers: AUTH })).status).toBe(404);
    });
  });

  describe("wrangler dev with RUNNER_URL at the runner in the container", () => {
    let persist: string;
    let server: DevServer;
    let fakeVendors: string;
    let modelUrl: string;
    let token: string;

    beforeAll(async () => {
      const [vendorsPort, modelPort, runnerPort] = [await freePort(), await freePort(), await freePort()];
      fakeVendors = `http://127.0.0.1:${vendorsPort}`;
      modelUrl = `http://127.0.0.1:${modelPort}`;
      persist = await mkdtemp(join(tmpdir(), "agent-bot-image-dev-"));
      // `npm run dev` with the container as its runner: it starts the scripted model (on
      // MODEL_PORT), the fake vendors and the local git remote under <persist>/git, but no runner.
      server = await startDevServer({
        persistTo: persist,
        // From a copy of the source: wrangler dev restarts workerd, dropping the task, on any edit to the checkout.
        snapshot: true,
        env: {
          RUNNER_URL: `http://127.0.0.1:${runnerPort}`,
          RUNNER_SECRET,
          MODEL_PORT: String(modelPort),
          FAKE_VENDORS_PORT: String(vendorsPort),
        },
      });
      token = devVars().API_TOKEN ?? "dev-api-token";
      // The remote is a file:// URL (GIT_CLONE_BASE_URL): the container sees it at the same
      // path, owned by root here as by the runner (root) in the container, as a dev remote is.
      const gitDir = join(persist, "git");
      const seconds = await startContainer(
        `${CONTAINER}-dev`,
        runnerPort,
        { ANTHROPIC_BASE_URL: modelUrl, ANTHROPIC_API_KEY: "dev-scripted-model", CLAUDE_CODE_MAX_RETRIES: "1" },
        ["--volume", `${gitDir}:${gitDir}`],
      );
      report(`wrangler dev up; its runner container healthy ${seconds.toFixed(2)} s after \`podman run\``);
    }, 180_000);

    afterAll(async () => {
      removeContainers();
      await server?.stop();
      if (persist) await rm(persist, { recursive: true, force: true });
    });

    async function api<T>(path: string): Promise<T> {
      const response = await fetch(new URL(path, server.url), { headers: { authorization: `Bearer ${token}` } });
      return (await response.json()) as T;
    }

    /** `npm run send -- github issue_comment --text …` against the server; the task id it starts. */
    let issues = 300;
    /** A mention on an issue of its own: a second one on the same issue would be a turn of the first task. */
    function mention(text: string): string {
      const out = execFileSync(
        process.execPath,
        ["scripts/send-webhook.mjs", "github", "issue_comment", "--url", server.url, "--issue", String(++issues), "--text", text],
        { encoding: "utf8" },
      );
      expect(out).toMatch(/^202 /m);
      // Task ids are derived from delivery ids (workers/queue/task-spec.ts).
      return `task_${/"id":"dlv_([0-9a-f]+)"/.exec(out)![1]}`;
    }

    async function eventually<T>(probe: () => Promise<T | undefined>, timeoutMs = 90_000): Promise<T> {
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline) {
        const value = await probe();
        if (value !== undefined) return value;
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
      throw new Error(
        `not within ${timeoutMs} ms; the task last: ${JSON.stringify(lastTask)}\n--- dev server ---\n${server.output().slice(-3000)}\n${containerLogs(`${CONTAINER}-dev`)}`,
      );
    }

    type Task = { id: string; status: string; reason: string | null; pullRequestUrl: string | null };
    let lastTask: Task | undefined;
    /** The task once it has ended. */
    async function finished(taskId: string): Promise<Task> {
      return eventually(async () => {
        const { task } = await api<{ task?: Task }>(`/api/tasks/${taskId}`);
        lastTask = task;
        return task && ["succeeded", "failed", "cancelled", "timed_out"].includes(task.status) ? task : undefined;
      });
    }
    type Call = { method: string; path: string; body: Record<string, string> };

    it("a signed mention runs in the container: the real CLI writes, the runner pushes to the remote on the host, the Worker opens the pull request", async () => {
      const taskId = mention("[fake:write] add notes");
      const task = await finished(taskId);
      expect(task, `${server.output().slice(-3000)}\n${containerLogs(`${CONTAINER}-dev`)}`).toMatchObject({ status: "succeeded" });
      expect(task.pullRequestUrl).toBeTruthy();

      // The CLI ran in the container: its checkout is in the container's /tmp, its shell is the agent's.
      type Request = { turn?: number; body: unknown };
      const turns = ((await (await fetch(`${modelUrl}/_requests`)).json()) as Request[]).filter((r) => r.turn !== undefined);
      expect(workingDirectory(turns[0]!.body)).toMatch(new RegExp(`^/tmp/agent-bot-${taskId}-[^/]+/workspace$`));

      const bare = join(persist, "git", "Codertocat", "Hello-World.git");
      const branch = `agent-bot/${taskId}`;
      const show = (path: string) =>
        execFileSync("git", ["-c", "safe.directory=*", "--git-dir", bare, "show", `${branch}:${path}`], { encoding: "utf8" });
      expect(show("agent-notes.md")).toBe("# Agent notes\n\nWritten by the agent for this task.\n");
      expect(show("README.md")).toContain("See agent-notes.md.");
      const calls = (await (await fetch(`${fakeVendors}/_calls`)).json()) as Call[];
      expect(calls.find((c) => c.method === "POST" && c.path === "/github/repos/Codertocat/Hello-World/pulls")?.body).toMatchObject({
        head: branch,
      });
    }, 150_000);

    it("the CLI in the container calls the platform's MCP tools on the Worker", async () => {
      await fetch(`${modelUrl}/_requests`, { method: "DELETE" });
      const taskId = mention("[fake:mcp=Codertocat/Hello-World#1] what does Codertocat/Hello-World#1 say?");
      const task = await finished(taskId);
      expect(task).toMatchObject({ status: "succeeded" });
      type Request = { turn?: number; answer?: { content: { text?: string }[] } };
      const turns = ((await (await fetch(`${modelUrl}/_requests`)).json()) as Request[]).filter((r) => r.turn !== undefined);
      expect(turns.at(-1)?.answer?.content[0]?.text).toBe("The issue is titled: Issue 1 of Codertocat/Hello-World");
    }, 150_000);
  });
});
