// A conversation on `npm run dev`, end to end: real `wrangler dev`, the real send script, the
// real Claude Code CLI in the local runner answered by the scripted model, and the fake GitHub.
// A mention on an issue is turn 1 (it writes a file: a pull request); the owner's follow-up on
// the same issue is turn 2, which resumes turn 1's CLI session (the model's first request of
// turn 2 carries turn 1's messages) and pushes onto the same branch; the PR is opened once.
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { devVars, freePort, startDevServer, type DevServer } from "../support/dev-server.mjs";

const root = fileURLToPath(new URL("../../", import.meta.url));
let server: DevServer;
let token: string;
let fakeVendors: string;
let model: string;
/** Where `npm run dev` keeps its state, and with it the local git remote of the sample repository. */
let persist: string;

beforeAll(async () => {
  const [port, modelPort] = [await freePort(), await freePort()];
  fakeVendors = `http://127.0.0.1:${port}`;
  model = `http://127.0.0.1:${modelPort}`;
  persist = mkdtempSync(join(tmpdir(), "agent-bot-conversation-"));
  // Startup takes about a minute; more on a busy machine.
  server = await startDevServer({
    persistTo: persist,
    timeoutMs: 240_000,
    env: { FAKE_VENDORS_PORT: String(port), MODEL_PORT: String(modelPort) },
  });
  token = devVars().API_TOKEN ?? "dev-api-token";
}, 300_000);

afterAll(async () => {
  await server?.stop();
});

/** `npm run send -- github issue_comment --issue <n> --text <text>`: a new comment on the issue by its owner. */
function send(issue: number, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const args = ["scripts/send-webhook.mjs", "github", "issue_comment", "--url", server.url, "--issue", String(issue), "--text", text];
    const child = spawn(process.execPath, args, { cwd: root });
    let stdout = "";
    child.stdout.on("data", (chunk) => (stdout += chunk));
    child.stderr.on("data", (chunk) => (stdout += chunk));
    child.once("error", reject);
    child.once("close", (code) => {
      const id = /"id":"(dlv_[0-9a-f]+)"/.exec(stdout)?.[1];
      if (code !== 0 || !id) reject(new Error(`send failed (${code}): ${stdout}`));
      else resolve(id);
    });
  });
}

async function api<T>(path: string): Promise<T> {
  const response = await fetch(new URL(path, server.url), { headers: { authorization: `Bearer ${token}` } });
  return (await response.json()) as T;
}

async function eventually<T>(probe: () => Promise<T | undefined>, timeoutMs = 90_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`not within ${timeoutMs} ms\n--- dev server output ---\n${server.output().slice(-4000)}`);
}

interface Turn {
  n: number;
  by?: string;
  attempt?: number;
  outcome?: string;
  session?: string;
  sessionId?: string;
}
interface Detail {
  task: { id: string; status: string; attempt: number; pullRequestUrl: string | null };
  state: {
    attempts: { n: number; outcome?: string }[];
    result: { change?: { branch: string; commitSha: string } } | null;
    conversation?: { turns: Turn[]; branch?: string; pullRequestUrl?: string };
  };
}
type Call = { method: string; path: string; body: { body?: string } };
type ModelRequest = { turn?: number; body: { messages: { role: string; content: unknown }[] } };

const taskDetail = (taskId: string) => api<Detail>(`/api/tasks/${taskId}`);
const ended = (taskId: string, attempts: number) =>
  eventually(async () => {
    const detail = await taskDetail(taskId);
    const last = detail.state?.attempts?.[attempts - 1];
    return last?.outcome && detail.task.status === last.outcome ? detail : undefined;
  });

describe("a conversation on npm run dev", () => {
  it("continues the task on a follow-up: the session resumes, the commit lands on the same branch, one pull request", async () => {
    await fetch(`${fakeVendors}/_calls`, { method: "DELETE" });
    await fetch(`${model}/_requests`, { method: "DELETE" });
    const issue = 41;

    // Turn 1: [fake:write] has the CLI write a file, so the runner commits and pushes a branch.
    const first = await send(issue, "[fake:write] write the agent notes");
    const taskId = first.replace(/^dlv_/, "task_");
    const one = await ended(taskId, 1);
    expect(one.task.status).toBe("succeeded");
    expect(one.task.pullRequestUrl).toBeTruthy();
    const branch = `agent-bot/${taskId}`;
    const firstCommit = one.state.result?.change?.commitSha;
    expect(one.state.result?.change?.branch).toBe(branch);
    const turn1Requests = ((await (await fetch(`${model}/_requests`)).json()) as ModelRequest[]).filter((r) => r.turn !== undefined);
    expect(turn1Requests.length).toBeGreaterThan(0);
    await fetch(`${model}/_requests`, { method: "DELETE" });

    // Turn 2: the owner's follow-up on the same issue.
    const second = await send(issue, "[fake:write] link the notes from the README once more");
    expect(second).not.toBe(first);
    const two = await ended(taskId, 2);
    expect(two.task.status).toBe("succeeded");
    expect(two.state.conversation?.turns.map((t) => [t.n, t.by, t.attempt, t.outcome, t.session])).toEqual([
      [1, "Codertocat", 1, "succeeded", undefined],
      [2, "Codertocat", 2, "succeeded", "resumed"],
    ]);

    // The session resumed: the model's first request of turn 2 carries turn 1's prompt and answers.
    const turn2Requests = ((await (await fetch(`${model}/_requests`)).json()) as ModelRequest[]).filter((r) => r.turn !== undefined);
    const opening = JSON.stringify(turn2Requests[0]?.body.messages);
    expect(opening).toContain("write the agent notes");
    expect(opening).toContain("Added agent-notes.md and linked it from the README.");
    expect(opening).toContain("link the notes from the README once more");

    // The new commit is on the same branch, on top of turn 1's.
    const secondCommit = two.state.result?.change?.commitSha;
    expect(two.state.result?.change?.branch).toBe(branch);
    expect(secondCommit).toBeTruthy();
    expect(secondCommit).not.toBe(firstCommit);
    const remote = join(persist, "git", "Codertocat", "Hello-World.git");
    const log = spawnSync("git", ["--git-dir", remote, "log", "--format=%H", branch], { encoding: "utf8" });
    expect(log.stdout.trim().split("\n").slice(0, 2)).toEqual([secondCommit, firstCommit]);

    // One pull request for the conversation, and one tracking comment that shows both turns.
    const calls = ((await (await fetch(`${fakeVendors}/_calls`)).json()) as Call[]).filter((c) => c.path.startsWith("/github/"));
    expect(calls.filter((c) => c.method === "POST" && c.path === "/github/repos/Codertocat/Hello-World/pulls")).toHaveLength(1);
    const comments = `/github/repos/Codertocat/Hello-World/issues/${issue}/comments`;
    expect(calls.filter((c) => c.method === "POST" && c.path === comments)).toHaveLength(1);
    const tracking = await eventually(async () => {
      const edits = ((await (await fetch(`${fakeVendors}/_calls`)).json()) as Call[]).filter(
        (c) => c.method === "PATCH" && c.body.body?.includes(`agent-bot:task:${taskId}`),
      );
      const last = edits.at(-1)?.body.body ?? "";
      return /✅ Turn 2/.test(last) ? last : undefined;
    }, 10_000);
    expect(tracking).toMatch(/✅ Turn 1 · Codertocat in GitHub Codertocat\/Hello-World#41: ".*write the agent notes"/);
    expect(tracking).toMatch(/✅ Turn 2 · Codertocat .*link the notes from the README once more/);
    expect(tracking).toContain(one.task.pullRequestUrl!);
  }, 300_000);
});
