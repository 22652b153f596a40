// Issue 18 end to end on `npm run dev`: `[cli=cursor]` in a GitHub comment runs Cursor's (fake)
// CLI; an allowed `[model=…]` reaches the real Claude Code CLI's model requests; a comment's
// images are fetched from the fake GitHub by the platform and named in the CLI's prompt, while
// the oversized one and the one redirected to another host are left out with a note.
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { devVars, freePort, startDevServer, type DevServer } from "../support/dev-server.mjs";

const root = fileURLToPath(new URL("../../", import.meta.url));
// A full model id: the CLI maps some older short ids to newer models before it asks the API.
const MODEL = "claude-sonnet-4-5-20250929";
let server: DevServer;
let token: string;
let fakeVendors: string;
let model: string;

beforeAll(async () => {
  const [port, modelPort] = [await freePort(), await freePort()];
  fakeVendors = `http://127.0.0.1:${port}`;
  model = `http://127.0.0.1:${modelPort}`;
  server = await startDevServer({
    env: {
      FAKE_VENDORS_PORT: String(port),
      MODEL_PORT: String(modelPort),
      // Agent uids of this runner's own: a runner ends a run by killing every process of its uid,
      // and other runners on a shared machine lease the default range too.
      RUNNER_AGENT_UIDS: `${40_000 + (port % 1000) * 10}-${40_009 + (port % 1000) * 10}`,
    },
    args: ["--var", `ALLOWED_MODELS:${MODEL}`],
    // The machine is shared with other test runs; wrangler can take longer than the default to start.
    timeoutMs: 240_000,
  });
  token = devVars().API_TOKEN ?? "dev-api-token";
}, 300_000);

afterAll(async () => {
  await server?.stop();
});

let issues = 60;

/**
 * `npm run send -- github issue_comment --issue N --text …` against the server; the task id it
 * started. Each on an issue of its own: a second mention on one issue is a turn of its task.
 */
function send(text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const args = ["scripts/send-webhook.mjs", "github", "issue_comment", "--url", server.url, "--issue", String(++issues), "--text", text];
    const child = spawn(process.execPath, args, { cwd: root });
    let stdout = "";
    child.stdout.on("data", (chunk) => (stdout += chunk));
    child.stderr.on("data", (chunk) => (stdout += chunk));
    child.once("error", reject);
    child.once("close", () => {
      const id = /"id":"(dlv_[0-9a-f]+)"/.exec(stdout)?.[1];
      if (!id) reject(new Error(`send failed: ${stdout}`));
      else resolve(id.replace(/^dlv_/, "task_"));
    });
  });
}

interface Detail {
  task: { status: string; reason: string | null };
  state: { spec: { cli?: string; model?: string; skippedAttachments?: string[] } };
  log: { type: string; message: string }[];
}

async function finished(taskId: string, timeoutMs = 60_000): Promise<Detail> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const response = await fetch(new URL(`/api/tasks/${taskId}`, server.url), { headers: { authorization: `Bearer ${token}` } });
    if (response.status === 200) {
      const detail = (await response.json()) as Detail;
      if (["succeeded", "failed"].includes(detail.task.status)) return detail;
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`task ${taskId} did not finish\n--- dev server output ---\n${server.output().slice(-4000)}`);
}

/** The task's reason and log, for a failed assertion's message. */
const why = (detail: Detail) => `${detail.task.reason}\n${detail.log.map((e) => `${e.type}: ${e.message}`).join("\n")}`;

type ModelRequest = { turn?: number; body: { model?: string; messages: { role: string; content: unknown }[] } };
const modelTurns = async () => ((await (await fetch(`${model}/_requests`)).json()) as ModelRequest[]).filter((r) => r.turn !== undefined);

describe("choosing the CLI and model, and attachments, on npm run dev", () => {
  it("runs Cursor's CLI for [cli=cursor] in a GitHub comment", async () => {
    const taskId = await send("[cli=cursor] fix the typo in the README");
    const detail = await finished(taskId);
    expect(detail.task.status, why(detail)).toBe("succeeded");
    expect(detail.state.spec.cli).toBe("cursor");
    expect(detail.log.some((entry) => entry.type === "phase" && entry.message.includes("Cursor CLI"))).toBe(true);
  });

  it("passes an allowed [model=…] to the real Claude CLI, which asks the model API for it", async () => {
    await fetch(`${model}/_requests`, { method: "DELETE" });
    const taskId = await send(`[model=${MODEL}] fix the typo in the README`);
    const detail = await finished(taskId);
    expect(detail.task.status, why(detail)).toBe("succeeded");
    expect(detail.state.spec.model).toBe(MODEL);
    const turns = await modelTurns();
    expect(turns[0]?.body.model).toBe(MODEL);
  });

  it("fetches a comment's images from the fake GitHub and names them in the CLI's prompt; leaves out the rest", async () => {
    await fetch(`${model}/_requests`, { method: "DELETE" });
    await fetch(`${fakeVendors}/_calls`, { method: "DELETE" });
    const github = `${fakeVendors}/github/user-attachments`;
    const taskId = await send(
      [
        "the pay button is cut off",
        `![screenshot](${github}/assets/screenshot-1)`,
        `[notes.txt](${github}/files/png-2/notes.txt)`,
        `![huge](${github}/assets/big-1)`,
        `![moved](${github}/assets/away-1)`,
      ].join("\n"),
    );
    const detail = await finished(taskId);
    expect(detail.task.status, why(detail)).toBe("succeeded");
    const prompt = JSON.stringify((await modelTurns())[0]?.body.messages[0]);
    expect(prompt).toMatch(/\/attachments\/1-screenshot\.png \(image\/png, \d+ bytes\)/);
    expect(prompt).toMatch(/\/attachments\/2-notes\.png \(image\/png, \d+ bytes\)/);
    expect(prompt).toContain("is larger than the 10 MiB limit");
    expect(prompt).toContain("redirects to localhost");
    type Call = { path: string };
    const calls = (await (await fetch(`${fakeVendors}/_calls`)).json()) as Call[];
    expect(calls.filter((c) => c.path.startsWith("/github/user-attachments/")).length).toBe(4);
    expect(calls.filter((c) => c.path.startsWith("/elsewhere/"))).toEqual([]);
  });
});
