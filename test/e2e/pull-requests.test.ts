// Pull requests end to end: real `wrangler dev`, signed GitHub webhooks, the real Claude Code CLI
// answered by the scripted model, and the local git remote `npm run dev` seeds. A mention on a
// person's same-repository pull request lands a commit on that PR's head branch; `@agent-bot
// review` posts one review with inline comments and pushes nothing.
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import githubExamples from "@octokit/webhooks-examples/api.github.com/index.json";
import { signDelivery } from "../../scripts/webhook-signer.mjs";
import { devVars, freePort, startDevServer, type DevServer } from "../support/dev-server.mjs";

const REPO = "Codertocat/Hello-World";
let server: DevServer;
let token: string;
let fakeVendors: string;
/** The bare repository the local runner clones ($persist/git, seeded by scripts/dev.mjs). */
let remote: string;

beforeAll(async () => {
  const port = await freePort();
  fakeVendors = `http://127.0.0.1:${port}`;
  server = await startDevServer({ env: { FAKE_VENDORS_PORT: String(port), MODEL_PORT: String(await freePort()) }, snapshot: true });
  token = devVars().API_TOKEN ?? "dev-api-token";
  remote = join(server.dir, "git", REPO.split("/")[0]!, `${REPO.split("/")[1]}.git`);
});

afterAll(async () => {
  await server?.stop();
});

function git(cwd: string, ...args: string[]): string {
  const run = spawnSync("git", ["-c", "user.name=octocat", "-c", "user.email=octocat@localhost", ...args], { cwd, encoding: "utf8" });
  if (run.status !== 0) throw new Error(`git ${args.join(" ")}: ${run.stderr}`);
  return run.stdout.trim();
}

/** A person's branch in the local remote, one commit ahead of main, and the patch GitHub would show for it. */
function pushPersonBranch(branch: string): string {
  const work = mkdtempSync(join(tmpdir(), "agent-bot-pr-"));
  try {
    git(work, "clone", "-q", remote, ".");
    git(work, "checkout", "-q", "-b", branch);
    writeFileSync(join(work, "README.md"), "# Hello-World\n\nA local stand-in for the sample repository.\nA line the person added.\n");
    git(work, "commit", "-qam", `Work on ${branch}`);
    git(work, "push", "-q", "origin", branch);
    return git(work, "diff", "main", branch, "--", "README.md").split("\n").slice(4).join("\n");
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** The pull request in the fake GitHub, as a person opened it. */
async function seedPull(number: number, headRef: string, patch: string): Promise<void> {
  const response = await fetch(`${fakeVendors}/_github/pulls`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ repository: REPO, number, headRef, title: `Person's PR ${number}`, files: [{ filename: "README.md", patch }] }),
  });
  expect(response.status).toBe(201);
}

/** A member's signed comment on pull request #n: an issue_comment, whose payload names no head branch. */
async function commentOnPull(n: number, text: string): Promise<string> {
  const sample = githubExamples
    .find((e) => e.name === "issue_comment")!
    .examples.find((e) => (e as { action?: string }).action === "created");
  const payload = structuredClone(sample) as Record<string, any>;
  payload.issue.number = n;
  payload.issue.pull_request = { url: `https://api.github.com/repos/${REPO}/pulls/${n}` };
  payload.issue.html_url = `https://github.com/${REPO}/pull/${n}`;
  payload.comment.body = text;
  const body = JSON.stringify(payload);
  const { headers } = await signDelivery("github", {
    body,
    secret: devVars().GITHUB_WEBHOOK_SECRET ?? "dev-github-secret",
    eventType: "issue_comment",
  });
  const response = await fetch(`${server.url}/webhooks/github`, { method: "POST", headers, body });
  expect(response.status).toBe(202);
  const { id } = (await response.json()) as { id: string };
  return id.replace(/^dlv_/, "task_");
}

interface Task {
  status: string;
  reason: string | null;
  pullRequestUrl: string | null;
}

async function endedTask(taskId: string, timeoutMs = 90_000): Promise<Task> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const response = await fetch(`${server.url}/api/tasks/${taskId}`, { headers: { authorization: `Bearer ${token}` } });
    const body = response.ok ? ((await response.json()) as { task?: Task; log?: { type: string; message: string }[] }) : undefined;
    const task = body?.task;
    if (task?.status === "succeeded") return task;
    if (task && ["failed", "cancelled", "timed_out"].includes(task.status)) {
      // The log says why, in the assertion's message.
      return { ...task, log: (body?.log ?? []).slice(-15).map((e) => `${e.type}: ${e.message.slice(0, 300)}`) } as Task;
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(`task ${taskId} did not end within ${timeoutMs} ms\n${server.output().slice(-4000)}`);
}

/** `npm run send -- github <event> --text <text>`: the sample payload, signed; returns the task id. */
function send(event: string, text: string): Promise<string> {
  const root = fileURLToPath(new URL("../../", import.meta.url));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["scripts/send-webhook.mjs", "github", event, "--url", server.url, "--text", text], {
      cwd: root,
    });
    let stdout = "";
    child.stdout.on("data", (chunk) => (stdout += chunk));
    child.once("error", reject);
    child.once("close", (code) => {
      const id = /"id":"(dlv_[0-9a-f]+)"/.exec(stdout)?.[1];
      if (code === 0 && id) resolve(id.replace(/^dlv_/, "task_"));
      else reject(new Error(`send exited ${code}: ${stdout}`));
    });
  });
}

type Call = { method: string; path: string; body: Record<string, any> };
const calls = async () => (await (await fetch(`${fakeVendors}/_calls`)).json()) as Call[];
const branches = () => git(remote, "for-each-ref", "--format=%(refname:short) %(objectname)", "refs/heads");

describe("pull requests end to end", () => {
  it("a mention on a person's same-repository pull request lands a commit on its head branch, with no new PR", async () => {
    const patch = pushPersonBranch("feature/readme");
    await seedPull(41, "feature/readme", patch);
    const before = git(remote, "rev-parse", "feature/readme");
    await fetch(`${fakeVendors}/_calls`, { method: "DELETE" });

    // [fake:write] has the real CLI write agent-notes.md and touch the README.
    const taskId = await commentOnPull(41, "@agent-bot [fake:write] add notes for this change");
    const task = await endedTask(taskId);
    expect(task, JSON.stringify(task)).toMatchObject({ status: "succeeded", pullRequestUrl: `https://github.com/${REPO}/pull/41` });

    // The new commit sits on top of the person's commit, on their branch; no agent-bot branch exists.
    expect(git(remote, "rev-parse", "feature/readme^")).toBe(before);
    expect(git(remote, "show", "--name-only", "--format=", "feature/readme")).toContain("agent-notes.md");
    expect(branches()).not.toContain("agent-bot/");
    const github = (await calls()).filter((c) => c.path.startsWith("/github/"));
    expect(github).toContainEqual(expect.objectContaining({ method: "GET", path: `/github/repos/${REPO}/pulls/41` }));
    expect(github.filter((c) => c.method === "POST" && c.path === `/github/repos/${REPO}/pulls`)).toEqual([]);
  });

  it("`@agent-bot review` posts one review with inline comments on diff lines and pushes nothing", async () => {
    const patch = pushPersonBranch("feature/review-me");
    await seedPull(42, "feature/review-me", patch);
    // The line the person added: line 4 of the new README.
    const refsBefore = branches();
    await fetch(`${fakeVendors}/_calls`, { method: "DELETE" });

    const taskId = await commentOnPull(42, "@agent-bot review [fake:review=README.md:4]");
    const task = await endedTask(taskId);
    expect(task, JSON.stringify(task)).toMatchObject({ status: "succeeded" });

    const github = (await calls()).filter((c) => c.path.startsWith("/github/"));
    const reviews = github.filter((c) => c.method === "POST" && c.path === `/github/repos/${REPO}/pulls/42/reviews`);
    expect(reviews).toHaveLength(1);
    expect(reviews[0]!.body).toMatchObject({
      event: "COMMENT",
      comments: [{ path: "README.md", line: 4, side: "RIGHT", body: "Scripted comment on a line of the diff." }],
    });
    expect(reviews[0]!.body.body).toContain("Reviewed by the scripted model");
    expect(github.filter((c) => c.method === "POST" && c.path === `/github/repos/${REPO}/pulls`)).toEqual([]);
    expect(branches()).toBe(refsBefore);
  });

  it("the samples' pull request #2 works with `npm run send`: a review comment's request lands on its head branch `changes`", async () => {
    const before = git(remote, "rev-parse", "changes");
    await fetch(`${fakeVendors}/_calls`, { method: "DELETE" });
    const taskId = await send("pull_request_review_comment", "[fake:write] tidy this");
    const task = await endedTask(taskId);
    expect(task, JSON.stringify(task)).toMatchObject({ status: "succeeded", pullRequestUrl: `https://github.com/${REPO}/pull/2` });
    expect(git(remote, "rev-parse", "changes^")).toBe(before);
    const github = (await calls()).filter((c) => c.path.startsWith("/github/"));
    expect(github.filter((c) => c.method === "POST" && c.path === `/github/repos/${REPO}/pulls`)).toEqual([]);
    expect(github).toContainEqual(expect.objectContaining({ method: "POST", path: `/github/repos/${REPO}/issues/2/comments` }));
  });
});
