// The restore drill, for real: a local platform (`npm run dev`) is seeded through signed webhooks
// until its task has finished; it is stopped and backed up (`npm run backup`); a fresh state is
// migrated and restored (`npm run restore`); a second `npm run dev` on the restored state answers
// the API the same for tasks, events, dead letters and graph queries, and has the R2 payloads.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { devVars, freePort, startDevServer, type DevServer } from "../support/dev-server.mjs";

const dir = mkdtempSync(join(tmpdir(), "agent-bot-drill-"));
const [original, restored, backup] = ["original", "restored", "backup"].map((name) => join(dir, name)) as [string, string, string];
const token = devVars().API_TOKEN ?? "dev-api-token";
const servers: DevServer[] = [];

afterAll(async () => {
  await Promise.all(servers.map((server) => server.stop()));
  rmSync(dir, { recursive: true, force: true });
});

async function start(persistTo: string): Promise<DevServer> {
  const [vendors, model] = [await freePort(), await freePort()];
  const server = await startDevServer({ persistTo, env: { FAKE_VENDORS_PORT: String(vendors), MODEL_PORT: String(model) } });
  servers.push(server);
  return server;
}

async function api(server: DevServer, path: string): Promise<unknown> {
  const response = await fetch(new URL(path, server.url), { headers: { authorization: `Bearer ${token}` } });
  expect(response.status, `${path} on ${server.url}`).toBe(200);
  return response.json();
}

/** What the drill compares: the API's answers about the state, not its internals. */
const QUERIES = [
  "/api/tasks?limit=200",
  "/api/events?limit=200",
  "/api/dead-letters?limit=200",
  "/api/graph/search?q=Hello",
  "/api/graph/search?q=Codertocat",
];
const answers = async (server: DevServer) => Object.fromEntries(await Promise.all(QUERIES.map(async (q) => [q, await api(server, q)])));

function script(name: string, ...args: string[]) {
  const run = spawnSync(process.execPath, [`scripts/${name}.mjs`, ...args], { encoding: "utf8", timeout: 120_000 });
  expect(run.status, run.stderr).toBe(0);
  return run.stderr;
}

function send(server: DevServer, vendor: string, event: string) {
  const run = spawnSync(process.execPath, ["scripts/send-webhook.mjs", vendor, event, "--url", server.url], { encoding: "utf8" });
  expect(run.stdout, run.stderr).toMatch(/^202 /m);
}

async function eventually<T>(probe: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(`not within ${timeoutMs} ms\n${servers.at(-1)?.output().slice(-4000)}`);
}

type TaskPage = { items: { id: string; status: string }[] };

describe("backup and restore drill", () => {
  it("restores a platform seeded through webhooks so the API answers the same", async () => {
    const first = await start(original);
    send(first, "github", "issue_comment");
    send(first, "github", "issues");
    // Until both deliveries are tasks and neither task is still moving.
    await eventually(async () => {
      const { items } = (await api(first, "/api/tasks?limit=200")) as TaskPage;
      return items.length >= 2 && items.every((task) => ["succeeded", "failed", "cancelled", "timed_out"].includes(task.status))
        ? items
        : undefined;
    }, 150_000);
    const before = await answers(first);
    expect((before["/api/events?limit=200"] as { items: unknown[] }).items.length).toBeGreaterThanOrEqual(2);
    await first.stop();

    expect(script("backup", "--persist-to", original, "--out", backup)).toMatch(/^backed up \d+ rows of \d+ tables and [1-9]\d* payloads/m);
    const manifest = JSON.parse(readFileSync(join(backup, "manifest.json"), "utf8"));
    expect(manifest.tables).toMatchObject({ tasks: 2, deliveries: expect.any(Number), mcp_tokens: expect.any(Number), dead_letters: 0 });
    expect(manifest.tables.graph_entities).toBeGreaterThan(0);

    execFileSync(
      process.execPath,
      ["node_modules/wrangler/bin/wrangler.js", "d1", "migrations", "apply", "DB", "--local", "--persist-to", restored],
      {
        stdio: "ignore",
        env: { ...process.env, CI: "true", WRANGLER_SEND_METRICS: "false" },
      },
    );
    expect(script("restore", "--persist-to", restored, "--from", backup)).toMatch(
      /^restored \d+ rows of \d+ tables and [1-9]\d* payloads/m,
    );
    // A second restore would mix two states: refused without --force.
    const again = spawnSync(process.execPath, ["scripts/restore.mjs", "--persist-to", restored, "--from", backup], { encoding: "utf8" });
    expect(again.status).toBe(1);
    expect(again.stderr).toContain("already holds");
    expect(existsSync(join(restored, "v3", "r2"))).toBe(true);
    expect(readdirSync(join(backup, "r2")).length).toBe(manifest.payloads);

    const second = await start(restored);
    expect(await answers(second)).toEqual(before);
  }, 420_000);
});
