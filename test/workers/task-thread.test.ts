// A task reports back in its GitHub thread: a tracking comment posted at start,
// edited as it progresses, and a pull request opened for a pushed change.
import { afterEach, describe, expect, it, vi } from "vitest";
import type { TaskSpec, TaskState } from "../../core/task-types";
import { taskAgent } from "./agents";
import { installFakeRunner } from "./fake-runner";
import { eventually } from "./support";

afterEach(() => vi.restoreAllMocks());

interface Call {
  method: string;
  path: string;
  auth: string | null;
  body: Record<string, unknown> | null;
}

/** A recording stand-in for the GitHub REST API. */
function fakeGitHub(options: { rejectComments?: boolean } = {}) {
  const calls: Call[] = [];
  const handler = async (request: Request) => {
    const url = new URL(request.url);
    const body = request.method === "GET" ? null : ((await request.json()) as Record<string, unknown>);
    calls.push({ method: request.method, path: url.pathname, auth: request.headers.get("authorization"), body });
    if (options.rejectComments && url.pathname.includes("/comments")) {
      return Response.json({ message: "Resource not accessible by integration" }, { status: 403 });
    }
    if (request.method === "POST" && url.pathname.endsWith("/comments")) {
      return Response.json(
        { id: 9001, html_url: "https://github.com/acme/shop/issues/7#issuecomment-9001", body: body?.body },
        { status: 201 },
      );
    }
    if (request.method === "PATCH" && url.pathname.includes("/issues/comments/")) return Response.json({ id: 9001, body: body?.body });
    if (request.method === "GET" && url.pathname === "/repos/acme/shop") return Response.json({ default_branch: "main" });
    if (request.method === "POST" && url.pathname === "/repos/acme/shop/pulls") {
      return Response.json({ number: 42, html_url: "https://github.com/acme/shop/pull/42" }, { status: 201 });
    }
    return Response.json({ message: "Not Found" }, { status: 404 });
  };
  return { calls, handler };
}

function spec(id: string): TaskSpec {
  return {
    id,
    deliveryId: `dlv_${id}`,
    vendor: "github",
    eventType: "issue_comment",
    actor: "octocat",
    subject: { repository: "acme/shop", issueNumber: 7 },
    subjectText: "acme/shop#7",
    title: "Checkout rounds EUR totals wrongly",
    prompt: "@agent-bot fix the rounding",
    links: [],
    reason: "mentioned by octocat (OWNER)",
    payloadRef: `payloads/github/dlv_${id}.json`,
    createdAt: Date.now(),
  };
}

async function until(id: string, check: (s: TaskState) => boolean) {
  const agent = await taskAgent(id);
  return eventually(async () => {
    const state = await agent.getTask();
    return check(state) ? state : undefined;
  });
}

describe("reporting in the GitHub thread", () => {
  it("posts a tracking comment, edits it as the task runs, and ends with the pull request", async () => {
    const github = fakeGitHub();
    const runner = installFakeRunner({ "github.test": github.handler });
    runner.script = () => [
      { type: "phase", phase: "running" },
      {
        type: "result",
        outcome: "succeeded",
        summary: "Rounded with banker's rounding",
        costUsd: 0.05,
        change: { branch: "agent-bot/x", commitSha: "abc123", filesChanged: 1, insertions: 3, deletions: 1, files: ["src/money.ts"] },
      },
    ];
    const id = `task_thread_${Date.now()}`;
    await (await taskAgent(id)).createTask(spec(id));
    const state = await until(id, (s) => s.status === "succeeded" && s.thread !== null);

    expect(state.result?.pullRequestUrl).toBe("https://github.com/acme/shop/pull/42");
    expect(state.thread).toEqual({ id: "9001", url: "https://github.com/acme/shop/issues/7#issuecomment-9001" });
    await eventually(async () => github.calls.filter((c) => c.method === "PATCH").length >= 2);

    const [post, ...rest] = github.calls;
    expect(post).toMatchObject({ method: "POST", path: "/repos/acme/shop/issues/7/comments", auth: "token test-github-token" });
    expect(String(post?.body?.body)).toContain(`<!-- agent-bot:task:${id} -->`);
    const pr = rest.find((c) => c.path === "/repos/acme/shop/pulls");
    expect(pr?.body).toMatchObject({ head: "agent-bot/x", base: "main", title: "Checkout rounds EUR totals wrongly" });
    expect(String(pr?.body?.body)).toContain("Closes #7");
    const edits = rest.filter((c) => c.method === "PATCH");
    expect(edits.every((c) => c.path === "/repos/acme/shop/issues/comments/9001")).toBe(true);
    const final = String(edits.at(-1)?.body?.body);
    expect(final).toContain("https://github.com/acme/shop/pull/42");
    expect(final).toContain(`http://127.0.0.1:8787/tasks/${id}`);
    expect(github.calls.filter((c) => c.method === "POST" && c.path.endsWith("/comments"))).toHaveLength(1);
  });

  it("finishes the task when GitHub rejects the comment, and says so in the log", async () => {
    const github = fakeGitHub({ rejectComments: true });
    const runner = installFakeRunner({ "github.test": github.handler });
    runner.script = () => [{ type: "result", outcome: "succeeded", summary: "Answered" }];
    const id = `task_thread_rejected_${Date.now()}`;
    const agent = await taskAgent(id);
    await agent.createTask(spec(id));
    const state = await until(id, (s) => s.status === "succeeded");
    expect(state.thread).toBeNull();
    const log = await agent.getLog();
    expect(log.some((e) => e.level === "warn" && /could not update the github thread: .*403/i.test(e.message))).toBe(true);
    expect(JSON.stringify(log)).not.toContain("test-github-token");
  });
});
