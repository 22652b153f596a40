// scripts/fake-vendors.mjs: the routes each vendor fake serves, the state that
// makes edits apply to what was posted, and the call log at /_calls.
import { spawn } from "node:child_process";
import { once } from "node:events";
import { afterAll, beforeAll, beforeEach, describe, expect, it, onTestFinished } from "vitest";
import type { TaskSpec } from "../../core/task-types";
import { startFakeVendors, type FakeVendors } from "../../scripts/fake-vendors.mjs";
import { configSchema } from "../../workers/config";
import { openPullRequest } from "../../workers/integrations/github/github.client";
import { renderGitHubComment } from "../../workers/integrations/github/github.progress";
import { renderJiraComment } from "../../workers/integrations/jira/jira.progress";
import { renderSentryComment } from "../../workers/integrations/sentry/sentry.progress";
import { renderSlackText } from "../../workers/integrations/slack/slack.progress";
import { reporterFor } from "../../workers/threads/registry";
import type { ThreadProgress } from "../../workers/threads/types";

let fake: FakeVendors;

beforeAll(async () => {
  fake = await startFakeVendors({ port: 0 });
});
afterAll(() => fake.stop());
beforeEach(() => fake.reset());

async function call(method: string, url: string, init: { body?: unknown; form?: Record<string, string>; auth?: string | null } = {}) {
  const headers: Record<string, string> = {};
  if (init.auth !== null) headers.authorization = init.auth ?? "Bearer secret-token-value";
  let body: string | undefined;
  if (init.form) {
    headers["content-type"] = "application/x-www-form-urlencoded";
    body = new URLSearchParams(init.form).toString();
  } else if (init.body !== undefined) {
    headers["content-type"] = "application/json";
    body = JSON.stringify(init.body);
  }
  const res = await fetch(url, { method, headers, body });
  const text = await res.text();
  return { status: res.status, headers: res.headers, json: text ? (JSON.parse(text) as Record<string, any>) : undefined };
}

describe("fake vendors", () => {
  it("serves each vendor under its prefix, with URLs ready for the Worker's settings", () => {
    expect(fake.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(fake.env).toEqual({
      GITHUB_API_URL: `${fake.url}/github`,
      SLACK_API_URL: `${fake.url}/slack/api/`,
      JIRA_BASE_URL: `${fake.url}/jira`,
      SENTRY_API_URL: `${fake.url}/sentry/api/0/`,
      GITHUB_WEB_URL: `${fake.url}/github-web`,
    });
  });

  describe("GitHub", () => {
    it("creates an issue comment and applies edits to it", async () => {
      const created = await call("POST", `${fake.env.GITHUB_API_URL}/repos/acme/shop/issues/7/comments`, {
        body: { body: "first" },
        auth: "token ghp_x",
      });
      expect(created.status).toBe(201);
      expect(created.json).toMatchObject({
        id: expect.any(Number),
        body: "first",
        html_url: `https://github.com/acme/shop/issues/7#issuecomment-${created.json!.id}`,
        url: `${fake.env.GITHUB_API_URL}/repos/acme/shop/issues/comments/${created.json!.id}`,
        user: { login: "agent-bot" },
      });

      const edited = await call("PATCH", `${fake.env.GITHUB_API_URL}/repos/acme/shop/issues/comments/${created.json!.id}`, {
        body: { body: "second" },
      });
      expect(edited).toMatchObject({ status: 200, json: { id: created.json!.id, body: "second" } });
      const listed = await call("GET", `${fake.env.GITHUB_API_URL}/repos/acme/shop/issues/7/comments`);
      expect(listed.json).toEqual([expect.objectContaining({ id: created.json!.id, body: "second" })]);
    });

    it("answers 404 for a comment that does not exist, 422 without a body, 401 without credentials", async () => {
      expect((await call("PATCH", `${fake.env.GITHUB_API_URL}/repos/acme/shop/issues/comments/42`, { body: { body: "x" } })).status).toBe(
        404,
      );
      expect((await call("POST", `${fake.env.GITHUB_API_URL}/repos/acme/shop/issues/7/comments`, { body: {} })).status).toBe(422);
      const anonymous = await call("POST", `${fake.env.GITHUB_API_URL}/repos/acme/shop/issues/7/comments`, {
        body: { body: "x" },
        auth: null,
      });
      expect(anonymous).toMatchObject({ status: 401, json: { message: "Requires authentication" } });
    });

    it("reports the default branch and refuses a second open pull request for the same head", async () => {
      expect((await call("GET", `${fake.env.GITHUB_API_URL}/repos/acme/shop`)).json).toMatchObject({
        full_name: "acme/shop",
        default_branch: "main",
      });
      const pr = { title: "Fix", head: "agent-bot/task_1", base: "main", body: "Closes #7" };
      const first = await call("POST", `${fake.env.GITHUB_API_URL}/repos/acme/shop/pulls`, { body: pr });
      expect(first).toMatchObject({
        status: 201,
        json: { number: expect.any(Number), state: "open", head: { ref: "agent-bot/task_1", label: "acme:agent-bot/task_1" } },
      });
      expect(first.json!.html_url).toBe(`https://github.com/acme/shop/pull/${first.json!.number}`);

      const again = await call("POST", `${fake.env.GITHUB_API_URL}/repos/acme/shop/pulls`, { body: pr });
      expect(again.status).toBe(422);
      expect(again.json!.errors[0].message).toBe("A pull request already exists for acme:agent-bot/task_1.");

      const open = await call(
        "GET",
        `${fake.env.GITHUB_API_URL}/repos/acme/shop/pulls?head=acme%3Aagent-bot%2Ftask_1&base=main&state=open`,
      );
      expect(open.json).toEqual([expect.objectContaining({ number: first.json!.number })]);
      expect((await call("GET", `${fake.env.GITHUB_API_URL}/repos/acme/shop/pulls?head=acme%3Aother`)).json).toEqual([]);
    });
  });

  describe("Slack", () => {
    it("posts a threaded message from a form body and updates it by channel and ts", async () => {
      const posted = await call("POST", `${fake.env.SLACK_API_URL}chat.postMessage`, {
        form: { channel: "C0001", thread_ts: "1712345678.000100", text: "working" },
      });
      expect(posted).toMatchObject({
        status: 200,
        json: {
          ok: true,
          channel: "C0001",
          ts: expect.stringMatching(/^\d+\.\d{6}$/),
          message: { text: "working", thread_ts: "1712345678.000100" },
        },
      });

      const updated = await call("POST", `${fake.env.SLACK_API_URL}chat.update`, {
        body: { channel: "C0001", ts: posted.json!.ts, text: "done" },
      });
      expect(updated.json).toMatchObject({ ok: true, channel: "C0001", ts: posted.json!.ts, text: "done" });
      expect(fake.state().slack.messages).toEqual([expect.objectContaining({ channel: "C0001", ts: posted.json!.ts, text: "done" })]);
    });

    it("answers HTTP 200 with ok: false for Slack's errors", async () => {
      expect(
        (await call("POST", `${fake.env.SLACK_API_URL}chat.update`, { form: { channel: "C0001", ts: "1.000001", text: "x" } })).json,
      ).toEqual({ ok: false, error: "message_not_found" });
      expect((await call("POST", `${fake.env.SLACK_API_URL}chat.postMessage`, { form: { text: "x" } })).json).toEqual({
        ok: false,
        error: "channel_not_found",
      });
      const anonymous = await call("POST", `${fake.env.SLACK_API_URL}chat.postMessage`, { form: { channel: "C1", text: "x" }, auth: null });
      expect(anonymous).toMatchObject({ status: 200, json: { ok: false, error: "not_authed" } });
    });
  });

  describe("Jira", () => {
    it("adds a comment to an issue and updates it", async () => {
      const added = await call("POST", `${fake.env.JIRA_BASE_URL}/rest/api/2/issue/PAY-12/comment`, {
        body: { body: "h3. working" },
        auth: "Basic Ym90OnRva2Vu",
      });
      expect(added).toMatchObject({
        status: 201,
        json: { id: expect.stringMatching(/^\d+$/), body: "h3. working", author: { displayName: "agent-bot" } },
      });
      expect(added.json!.self).toBe(`${fake.env.JIRA_BASE_URL}/rest/api/2/issue/PAY-12/comment/${added.json!.id}`);

      const updated = await call("PUT", `${fake.env.JIRA_BASE_URL}/rest/api/2/issue/PAY-12/comment/${added.json!.id}?notifyUsers=false`, {
        body: { body: "h3. done" },
      });
      expect(updated).toMatchObject({ status: 200, json: { id: added.json!.id, body: "h3. done" } });
      expect((await call("GET", `${fake.env.JIRA_BASE_URL}/rest/api/2/issue/PAY-12/comment`)).json).toMatchObject({
        total: 1,
        comments: [{ body: "h3. done" }],
      });
    });

    it("answers Jira's error shapes", async () => {
      expect((await call("PUT", `${fake.env.JIRA_BASE_URL}/rest/api/2/issue/PAY-12/comment/999`, { body: { body: "x" } })).json).toEqual({
        errorMessages: ["Can not find a comment for the id: 999."],
        errors: {},
      });
      expect((await call("POST", `${fake.env.JIRA_BASE_URL}/rest/api/2/issue/PAY-12/comment`, { body: { body: " " } })).status).toBe(400);
      expect(
        (await call("POST", `${fake.env.JIRA_BASE_URL}/rest/api/2/issue/PAY-12/comment`, { body: { body: "x" }, auth: null })).status,
      ).toBe(401);
    });
  });

  describe("Sentry", () => {
    it("adds a note to an issue and edits it", async () => {
      const added = await call("POST", `${fake.env.SENTRY_API_URL}issues/4711/comments/`, { body: { text: "working" } });
      expect(added).toMatchObject({ status: 201, json: { id: expect.stringMatching(/^\d+$/), type: "note", data: { text: "working" } } });
      const edited = await call("PUT", `${fake.env.SENTRY_API_URL}issues/4711/comments/${added.json!.id}/`, { body: { text: "done" } });
      expect(edited).toMatchObject({ status: 200, json: { id: added.json!.id, data: { text: "done" } } });
      expect(fake.state().sentry.comments).toEqual([expect.objectContaining({ issueId: "4711", text: "done" })]);
    });

    it("answers Sentry's error shapes", async () => {
      expect((await call("POST", `${fake.env.SENTRY_API_URL}issues/4711/comments/`, { body: {} })).json).toEqual({
        text: ["This field is required."],
      });
      expect((await call("PUT", `${fake.env.SENTRY_API_URL}issues/4711/comments/1/`, { body: { text: "x" } })).status).toBe(404);
      expect((await call("POST", `${fake.env.SENTRY_API_URL}issues/4711/comments/`, { body: { text: "x" }, auth: null })).json).toEqual({
        detail: "Authentication credentials were not provided.",
      });
    });
  });

  describe("call log", () => {
    it("records method, path, query, headers, the auth scheme but never the credential, body and status", async () => {
      await call("PUT", `${fake.env.JIRA_BASE_URL}/rest/api/2/issue/PAY-1/comment/5?notifyUsers=false`, {
        body: { body: "x" },
        auth: "Basic c2VjcmV0",
      });
      await call("POST", `${fake.env.SLACK_API_URL}chat.postMessage`, {
        form: { channel: "C1", text: "hi", token: "xoxb-in-body" },
        auth: null,
      });
      const calls = fake.calls();
      expect(calls).toEqual([
        {
          at: expect.any(String),
          vendor: "jira",
          method: "PUT",
          path: "/jira/rest/api/2/issue/PAY-1/comment/5",
          query: { notifyUsers: "false" },
          headers: expect.objectContaining({ "content-type": "application/json" }),
          authorization: "Basic",
          body: { body: "x" },
          status: 404,
        },
        expect.objectContaining({
          vendor: "slack",
          authorization: null,
          body: { channel: "C1", text: "hi", token: "[redacted]" },
          status: 200,
        }),
      ]);
      const log = JSON.stringify(calls);
      expect(log).not.toContain("c2VjcmV0");
      expect(log).not.toContain("xoxb-in-body");
      expect(calls[0]!.headers).not.toHaveProperty("authorization");
    });

    it("records unknown routes as 404s, inside and outside the vendor prefixes", async () => {
      expect((await call("DELETE", `${fake.env.GITHUB_API_URL}/repos/acme/shop`)).status).toBe(404);
      expect((await call("POST", `${fake.env.SLACK_API_URL}users.list`, { form: {} })).json).toEqual({
        ok: false,
        error: "unknown_method",
      });
      expect((await call("GET", `${fake.url}/gitlab/api/v4/projects`)).status).toBe(404);
      expect(fake.calls().map((c) => [c.vendor, c.method, c.path, c.status])).toEqual([
        ["github", "DELETE", "/github/repos/acme/shop", 404],
        ["slack", "POST", "/slack/api/users.list", 404],
        [null, "GET", "/gitlab/api/v4/projects", 404],
      ]);
    });

    it("serves the log at GET /_calls and clears it with DELETE /_calls, keeping state", async () => {
      const posted = await call("POST", `${fake.env.SENTRY_API_URL}issues/1/comments/`, { body: { text: "a" } });
      const log = await call("GET", `${fake.url}/_calls`);
      expect(log.json).toEqual([
        expect.objectContaining({ vendor: "sentry", method: "POST", path: "/sentry/api/0/issues/1/comments/", status: 201 }),
      ]);

      expect((await call("DELETE", `${fake.url}/_calls`)).status).toBe(204);
      expect((await call("GET", `${fake.url}/_calls`)).json).toEqual([]);
      expect((await call("PUT", `${fake.env.SENTRY_API_URL}issues/1/comments/${posted.json!.id}/`, { body: { text: "b" } })).status).toBe(
        200,
      );
    });

    it("forgets state and calls with DELETE /_state", async () => {
      await call("POST", `${fake.env.SENTRY_API_URL}issues/1/comments/`, { body: { text: "a" } });
      expect((await call("DELETE", `${fake.url}/_state`)).status).toBe(204);
      expect((await call("GET", `${fake.url}/_state`)).json).toEqual({
        github: { comments: [], pulls: [], reviews: [] },
        slack: { messages: [] },
        jira: { comments: [] },
        sentry: { comments: [] },
        githubApp: { apps: [], installations: [], tokens: [] },
      });
      expect(fake.calls()).toEqual([]);
    });
  });

  describe("faults", () => {
    it("answers the next matching requests with an injected status, body and headers", async () => {
      const queued = await call("POST", `${fake.url}/_faults`, {
        body: {
          method: "POST",
          path: "/slack/api/chat.postMessage",
          status: 429,
          body: { ok: false, error: "ratelimited" },
          headers: { "retry-after": "3" },
          times: 2,
        },
      });
      expect(queued.status).toBe(201);
      for (let i = 0; i < 2; i++) {
        const limited = await call("POST", `${fake.env.SLACK_API_URL}chat.postMessage`, { form: { channel: "C1", text: "x" } });
        expect(limited).toMatchObject({ status: 429, json: { ok: false, error: "ratelimited" } });
        expect(limited.headers.get("retry-after")).toBe("3");
      }
      expect((await call("POST", `${fake.env.SLACK_API_URL}chat.postMessage`, { form: { channel: "C1", text: "x" } })).json).toMatchObject({
        ok: true,
      });
      expect(fake.calls().map((c) => c.status)).toEqual([429, 429, 200]);
    });

    it("rejects a malformed fault", async () => {
      expect((await call("POST", `${fake.url}/_faults`, { body: { status: 500 } })).status).toBe(400);
    });
  });
});

describe("the Worker's reporters against the fakes", () => {
  // The same reporter code the Worker runs, over real HTTP, to keep the fakes honest about what the clients send.
  const progress: ThreadProgress = {
    taskId: "task_e2e",
    title: "Fix the checkout rounding bug",
    status: "running",
    dashboardUrl: "http://127.0.0.1:8787/tasks/task_e2e",
    steps: [{ label: "Run Claude Code", state: "active" }],
  };
  const done: ThreadProgress = {
    ...progress,
    status: "succeeded",
    steps: [{ label: "Run Claude Code", state: "done" }],
    outcome: { summary: "Fixed." },
  };
  const spec = (vendor: TaskSpec["vendor"], subject: TaskSpec["subject"]): TaskSpec => ({
    id: "task_e2e",
    deliveryId: "dlv_e2e",
    vendor,
    eventType: "test",
    subject,
    title: progress.title,
    prompt: "",
    links: [],
    reason: "test",
    payloadRef: "payloads/e2e",
    createdAt: 0,
  });
  const config = () =>
    configSchema.parse({
      ...fake.env,
      GITHUB_TOKEN: "ghp_fake",
      SLACK_BOT_TOKEN: "xoxb-fake",
      JIRA_EMAIL: "agent-bot@acme.example",
      JIRA_API_TOKEN: "jira-fake",
      SENTRY_AUTH_TOKEN: "sntrys_fake",
    });

  it("posts and edits one message per vendor", async () => {
    const cases = [
      ["github", spec("github", { repository: "acme/shop", issueNumber: 7 })],
      ["slack", spec("slack", { teamId: "T0001", channelId: "C0001", threadTs: "1712345678.000100" })],
      ["jira", spec("jira", { ticketKey: "PAY-12" })],
      ["sentry", spec("sentry", { sentryIssueId: "4711" })],
    ] as const;
    for (const [vendor, task] of cases) {
      const reporter = reporterFor(vendor, config())!;
      const ref = await reporter.post(task, progress);
      await reporter.update(task, ref, done);
    }
    const state = fake.state();
    expect(state.github.comments).toEqual([
      expect.objectContaining({ repository: "acme/shop", issueNumber: 7, body: renderGitHubComment(done) }),
    ]);
    expect(state.slack.messages).toEqual([
      expect.objectContaining({ channel: "C0001", thread_ts: "1712345678.000100", text: renderSlackText(done) }),
    ]);
    expect(state.jira.comments).toEqual([expect.objectContaining({ issueKey: "PAY-12", version: "2", body: renderJiraComment(done) })]);
    expect(state.sentry.comments).toEqual([expect.objectContaining({ issueId: "4711", text: renderSentryComment(done) })]);
    expect(fake.calls().map((c) => `${c.method} ${c.path} ${c.authorization} ${c.status}`)).toEqual([
      expect.stringMatching(/^POST \/github\/repos\/acme\/shop\/issues\/7\/comments token 201$/),
      expect.stringMatching(/^PATCH \/github\/repos\/acme\/shop\/issues\/comments\/\d+ token 200$/),
      "POST /slack/api/chat.postMessage Bearer 200",
      "POST /slack/api/chat.update Bearer 200",
      "POST /jira/rest/api/2/issue/PAY-12/comment Basic 201",
      expect.stringMatching(/^PUT \/jira\/rest\/api\/2\/issue\/PAY-12\/comment\/\d+ Basic 200$/),
      "POST /sentry/api/0/issues/4711/comments/ Bearer 201",
      expect.stringMatching(/^PUT \/sentry\/api\/0\/issues\/4711\/comments\/\d+\/ Bearer 200$/),
    ]);
  });

  it("opens a pull request once and returns the same one when asked again", async () => {
    const input = { repository: "acme/shop", head: "agent-bot/task_e2e", title: "Fix rounding", body: "Closes #7" };
    const first = await openPullRequest(config(), input);
    const second = await openPullRequest(config(), input);
    expect(first).toMatchObject({ created: true, url: `https://github.com/acme/shop/pull/${first.number}` });
    expect(second).toEqual({ ...first, created: false });
    expect(fake.state().github.pulls).toEqual([expect.objectContaining({ base: "main", headLabel: "acme:agent-bot/task_e2e" })]);
  });
});

describe("fake vendors CLI", () => {
  it("starts on --port, prints the settings to use, and stops on SIGTERM", async () => {
    const child = spawn(process.execPath, ["scripts/fake-vendors.mjs", "--port", "0", "--quiet"], { stdio: ["ignore", "pipe", "pipe"] });
    onTestFinished(() => {
      if (child.exitCode === null) child.kill("SIGKILL");
    });
    let output = "";
    child.stdout.setEncoding("utf8");
    await new Promise<void>((resolve, reject) => {
      child.stdout.on("data", (chunk: string) => {
        output += chunk;
        if (output.includes("SENTRY_API_URL=")) resolve();
      });
      child.once("exit", (code) => reject(new Error(`exited with ${code}: ${output}`)));
    });
    const base = /fake vendors on (http:\/\/127\.0\.0\.1:\d+)/.exec(output)?.[1];
    expect(base).toBeDefined();
    expect(output).toContain(`GITHUB_API_URL=${base}/github`);
    expect(output).toContain(`SLACK_API_URL=${base}/slack/api/`);
    expect(output).toContain(`JIRA_BASE_URL=${base}/jira`);
    expect(output).toContain(`SENTRY_API_URL=${base}/sentry/api/0/`);
    expect((await fetch(`${base}/_calls`)).status).toBe(200);
    child.kill("SIGTERM");
    const [code] = (await once(child, "exit")) as [number | null];
    expect(code).toBe(0);
  }, 20_000);
});
