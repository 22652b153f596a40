// Thread reporters inside workerd: the exact request each post/update sends
// (method, URL, auth header, body), how vendor failures map to VendorApiError,
// and GitHub's openPullRequest. fetch is intercepted; any request the test did
// not expect, or an expected one never sent, fails the test.
import { afterEach, describe, expect, it, vi } from "vitest";
import type { TaskSpec } from "../../durable-objects/task-types";
import { configSchema, type Config } from "../../workers/config";
import { openPullRequest } from "../../workers/integrations/github/github.client";
import { GitHubThreadReporter } from "../../workers/integrations/github/github.thread";
import { JiraThreadReporter } from "../../workers/integrations/jira/jira.thread";
import { SentryThreadReporter } from "../../workers/integrations/sentry/sentry.thread";
import { SlackThreadReporter } from "../../workers/integrations/slack/slack.thread";
import { parseTaskMarker, renderGitHubComment, renderJiraComment, renderSentryComment, renderSlackText } from "../../workers/threads/progress";
import { parseRetryAfter, redact } from "../../workers/threads/errors";
import { missingReporterSettings, reporterFor } from "../../workers/threads/registry";
import { VendorApiError, type ThreadProgress } from "../../workers/threads/types";

// ── fetch interception ───────────────────────────────────────────────────────

interface Expected {
  method: string;
  url: string;
  reply: (request: Request) => Response | Promise<Response>;
}

interface Sent {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string;
  redirect: string;
}

const checks: (() => void)[] = [];

afterEach(() => {
  vi.restoreAllMocks();
  for (const check of checks.splice(0)) check();
});

/** Serves `expected` in order; everything else is recorded as unexpected and fails the test in afterEach. */
function vendorApi(...expected: Expected[]): Sent[] {
  const queue = [...expected];
  const sent: Sent[] = [];
  const unexpected: string[] = [];
  vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
    const request = new Request(input, init);
    sent.push({
      method: request.method,
      url: request.url,
      headers: Object.fromEntries(request.headers),
      // Bytes, then decode: workerd warns when .text() reads a form-encoded body.
      body: new TextDecoder().decode(await request.clone().arrayBuffer()),
      redirect: request.redirect,
    });
    const next = queue[0];
    if (!next || next.method !== request.method || next.url !== request.url) {
      unexpected.push(`${request.method} ${request.url}`);
      return new Response("unexpected request", { status: 418 });
    }
    queue.shift();
    return next.reply(request);
  });
  checks.push(() => {
    expect(unexpected, "requests the test did not expect").toEqual([]);
    expect(
      queue.map((e) => `${e.method} ${e.url}`),
      "expected requests that were never sent",
    ).toEqual([]);
  });
  return sent;
}

const reply =
  (status: number, body?: unknown, headers: Record<string, string> = {}) =>
  () =>
    body === undefined
      ? new Response(null, { status, headers })
      : new Response(typeof body === "string" ? body : JSON.stringify(body), {
          status,
          headers: { "content-type": typeof body === "string" ? "text/plain" : "application/json; charset=utf-8", ...headers },
        });

const networkDown = () => {
  throw new TypeError("Network connection lost.");
};

async function failure(promise: Promise<unknown>): Promise<VendorApiError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(VendorApiError);
  return error as VendorApiError;
}

// ── fixtures ─────────────────────────────────────────────────────────────────

const SECRETS = {
  GITHUB_TOKEN: "ghp_testtoken0123456789",
  SLACK_BOT_TOKEN: "xoxb-test-slack-token",
  JIRA_API_TOKEN: "jira-test-api-token",
  SENTRY_AUTH_TOKEN: "sntrys_test_sentry_token",
};

const config: Config = configSchema.parse({
  GITHUB_API_URL: "https://github.acme.example/api/v3",
  SLACK_API_URL: "https://slack.com/api/",
  JIRA_BASE_URL: "https://acme.atlassian.net",
  JIRA_EMAIL: "agent-bot@acme.example",
  SENTRY_API_URL: "https://sentry.io/api/0/",
  DASHBOARD_URL: "https://agent-bot.acme.example",
  ...SECRETS,
});

function spec(vendor: TaskSpec["vendor"], subject: TaskSpec["subject"], id = "task_0a1b2c"): TaskSpec {
  return {
    id,
    deliveryId: id.replace("task_", "dlv_"),
    vendor,
    eventType: "test",
    subject,
    title: "Fix the checkout rounding bug",
    prompt: "please fix",
    links: [],
    reason: "test",
    payloadRef: "payloads/test",
    createdAt: 0,
  };
}

const running: ThreadProgress = {
  taskId: "task_0a1b2c",
  title: "Fix the checkout rounding bug",
  status: "running",
  dashboardUrl: "https://agent-bot.acme.example/tasks/task_0a1b2c",
  steps: [
    { label: "Clone acme/shop", state: "done" },
    { label: "Run Claude Code", state: "active" },
    { label: "Open a pull request", state: "pending" },
  ],
};

const succeeded: ThreadProgress = {
  ...running,
  status: "succeeded",
  steps: running.steps.map((step) => ({ ...step, state: "done" })),
  outcome: {
    summary: "Rounded totals with banker's rounding.",
    pullRequestUrl: "https://github.com/acme/shop/pull/42",
    costUsd: 0.0123,
    durationMs: 125_000,
    inputTokens: 12_345,
    outputTokens: 678,
  },
};

function expectNoSecret(error: VendorApiError) {
  for (const secret of Object.values(SECRETS)) expect(error.message).not.toContain(secret);
}

// ── GitHub ───────────────────────────────────────────────────────────────────

describe("GitHub reporter", () => {
  const api = "https://github.acme.example/api/v3";
  const issue = spec("github", { repository: "acme/shop", issueNumber: 7 });

  it("posts an issue comment with the task marker, token auth and the pinned API version", async () => {
    const sent = vendorApi({
      method: "POST",
      url: `${api}/repos/acme/shop/issues/7/comments`,
      reply: reply(201, { id: 1_000_000_001, html_url: "https://github.com/acme/shop/issues/7#issuecomment-1000000001" }),
    });
    const ref = await new GitHubThreadReporter(config).post(issue, running);

    expect(ref).toEqual({ id: "1000000001", url: "https://github.com/acme/shop/issues/7#issuecomment-1000000001" });
    expect(sent).toHaveLength(1);
    expect(sent[0]!.headers).toMatchObject({
      authorization: `token ${SECRETS.GITHUB_TOKEN}`,
      accept: "application/vnd.github.v3+json",
      "content-type": "application/json; charset=utf-8",
      "x-github-api-version": "2022-11-28",
    });
    expect(sent[0]!.headers["user-agent"]).toMatch(/^agent-bot octokit-core\.js\//);
    const body = JSON.parse(sent[0]!.body) as { body: string };
    expect(body).toEqual({ body: renderGitHubComment(running) });
    expect(body.body.startsWith("<!-- agent-bot:task:task_0a1b2c -->\n")).toBe(true);
    expect(parseTaskMarker(body.body)).toBe("task_0a1b2c");
  });

  it("comments on the pull request when the subject is one", async () => {
    vendorApi({ method: "POST", url: `${api}/repos/acme/shop/issues/12/comments`, reply: reply(201, { id: 5, html_url: "https://github.com/acme/shop/pull/12#issuecomment-5" }) });
    const ref = await new GitHubThreadReporter(config).post(spec("github", { repository: "acme/shop", pullRequestNumber: 12 }), running);
    expect(ref.id).toBe("5");
  });

  it("edits its own comment in place", async () => {
    const sent = vendorApi({ method: "PATCH", url: `${api}/repos/acme/shop/issues/comments/1000000001`, reply: reply(200, { id: 1_000_000_001 }) });
    await new GitHubThreadReporter(config).update(issue, { id: "1000000001" }, succeeded);
    expect(sent[0]!.headers.authorization).toBe(`token ${SECRETS.GITHUB_TOKEN}`);
    expect(JSON.parse(sent[0]!.body)).toEqual({ body: renderGitHubComment(succeeded) });
  });

  it("gives parallel tasks on one issue comments that name their own task", async () => {
    const sent = vendorApi(
      { method: "POST", url: `${api}/repos/acme/shop/issues/7/comments`, reply: reply(201, { id: 1, html_url: "u1" }) },
      { method: "POST", url: `${api}/repos/acme/shop/issues/7/comments`, reply: reply(201, { id: 2, html_url: "u2" }) },
    );
    const reporter = new GitHubThreadReporter(config);
    await reporter.post(issue, running);
    await reporter.post(spec("github", { repository: "acme/shop", issueNumber: 7 }, "task_ffee"), { ...running, taskId: "task_ffee" });
    expect(sent.map((s) => parseTaskMarker((JSON.parse(s.body) as { body: string }).body))).toEqual(["task_0a1b2c", "task_ffee"]);
  });

  it("sends nothing when the subject names no issue or repository", async () => {
    vendorApi();
    const reporter = new GitHubThreadReporter(config);
    const noNumber = await failure(reporter.post(spec("github", { repository: "acme/shop" }), running));
    expect(noNumber).toMatchObject({ vendor: "github", status: 0, retryable: false });
    const noRepo = await failure(reporter.post(spec("github", { issueNumber: 7 }), running));
    expect(noRepo).toMatchObject({ status: 0, retryable: false });
  });

  it("maps 4xx to a final error with GitHub's message, never the token", async () => {
    vendorApi({
      method: "POST",
      url: `${api}/repos/acme/shop/issues/7/comments`,
      reply: reply(401, { message: `Bad credentials: ${SECRETS.GITHUB_TOKEN}`, documentation_url: "https://docs.github.com/rest" }),
    });
    const error = await failure(new GitHubThreadReporter(config).post(issue, running));
    expect(error).toMatchObject({ vendor: "github", status: 401, retryable: false, retryAfterSeconds: undefined });
    expect(error.message).toContain("POST /repos/acme/shop/issues/7/comments failed with 401: Bad credentials");
    expectNoSecret(error);
  });

  it("maps 404 on an edit to a final error", async () => {
    vendorApi({ method: "PATCH", url: `${api}/repos/acme/shop/issues/comments/99`, reply: reply(404, { message: "Not Found" }) });
    const error = await failure(new GitHubThreadReporter(config).update(issue, { id: "99" }, running));
    expect(error).toMatchObject({ status: 404, retryable: false });
    expect(error.message).toContain("Not Found");
  });

  it("maps 5xx and network failures to retryable errors", async () => {
    vendorApi(
      { method: "POST", url: `${api}/repos/acme/shop/issues/7/comments`, reply: reply(502, "<html>Bad Gateway</html>", { "content-type": "text/html" }) },
      { method: "POST", url: `${api}/repos/acme/shop/issues/7/comments`, reply: networkDown },
    );
    const reporter = new GitHubThreadReporter(config);
    expect(await failure(reporter.post(issue, running))).toMatchObject({ status: 502, retryable: true });
    const down = await failure(reporter.post(issue, running));
    expect(down).toMatchObject({ status: 0, retryable: true });
    expect(down.message).toContain("Network connection lost");
  });

  it("maps rate limits to retryable errors with the wait: 429 Retry-After, and 403 with an exhausted quota", async () => {
    const resetAt = Math.floor(Date.now() / 1000) + 120;
    vendorApi(
      { method: "POST", url: `${api}/repos/acme/shop/issues/7/comments`, reply: reply(429, { message: "slow down" }, { "retry-after": "30" }) },
      {
        method: "POST",
        url: `${api}/repos/acme/shop/issues/7/comments`,
        reply: reply(403, { message: "API rate limit exceeded" }, { "x-ratelimit-remaining": "0", "x-ratelimit-reset": String(resetAt) }),
      },
      { method: "POST", url: `${api}/repos/acme/shop/issues/7/comments`, reply: reply(403, { message: "Resource not accessible by integration" }) },
    );
    const reporter = new GitHubThreadReporter(config);
    expect(await failure(reporter.post(issue, running))).toMatchObject({ status: 429, retryable: true, retryAfterSeconds: 30 });
    const quota = await failure(reporter.post(issue, running));
    expect(quota).toMatchObject({ status: 403, retryable: true });
    expect(quota.retryAfterSeconds).toBeGreaterThan(100);
    expect(quota.retryAfterSeconds).toBeLessThanOrEqual(120);
    expect(await failure(reporter.post(issue, running))).toMatchObject({ status: 403, retryable: false, retryAfterSeconds: undefined });
  });
});

describe("openPullRequest", () => {
  const api = "https://github.acme.example/api/v3";
  const input = { repository: "acme/shop", head: "agent-bot/task_0a1b2c", title: "Fix rounding", body: "Closes #7" };

  it("opens against the repository's default branch when no base is given", async () => {
    const sent = vendorApi(
      { method: "GET", url: `${api}/repos/acme/shop`, reply: reply(200, { full_name: "acme/shop", default_branch: "trunk" }) },
      { method: "POST", url: `${api}/repos/acme/shop/pulls`, reply: reply(201, { number: 42, html_url: "https://github.com/acme/shop/pull/42" }) },
    );
    expect(await openPullRequest(config, input)).toEqual({ number: 42, url: "https://github.com/acme/shop/pull/42", created: true });
    expect(JSON.parse(sent[1]!.body)).toEqual({ head: "agent-bot/task_0a1b2c", base: "trunk", title: "Fix rounding", body: "Closes #7" });
    expect(sent.every((s) => s.headers.authorization === `token ${SECRETS.GITHUB_TOKEN}`)).toBe(true);
  });

  it("uses the given base without looking the repository up", async () => {
    const sent = vendorApi({ method: "POST", url: `${api}/repos/acme/shop/pulls`, reply: reply(201, { number: 43, html_url: "https://github.com/acme/shop/pull/43" }) });
    expect(await openPullRequest(config, { ...input, base: "release" })).toMatchObject({ number: 43, created: true });
    expect(JSON.parse(sent[0]!.body)).toMatchObject({ base: "release" });
  });

  it("returns the open pull request for the same head when GitHub says one already exists", async () => {
    vendorApi(
      {
        method: "POST",
        url: `${api}/repos/acme/shop/pulls`,
        reply: reply(422, {
          message: "Validation Failed",
          errors: [{ resource: "PullRequest", code: "custom", message: "A pull request already exists for acme:agent-bot/task_0a1b2c." }],
          documentation_url: "https://docs.github.com/rest/pulls/pulls#create-a-pull-request",
        }),
      },
      {
        method: "GET",
        url: `${api}/repos/acme/shop/pulls?head=acme%3Aagent-bot%2Ftask_0a1b2c&base=main&state=open&per_page=1`,
        reply: reply(200, [{ number: 41, html_url: "https://github.com/acme/shop/pull/41" }]),
      },
    );
    expect(await openPullRequest(config, { ...input, base: "main" })).toEqual({ number: 41, url: "https://github.com/acme/shop/pull/41", created: false });
  });

  it("keeps a fork's owner:branch head as given when looking the existing one up", async () => {
    vendorApi(
      {
        method: "POST",
        url: `${api}/repos/acme/shop/pulls`,
        reply: reply(422, { message: "Validation Failed", errors: [{ resource: "PullRequest", code: "custom", message: "A pull request already exists for bot:fix." }] }),
      },
      { method: "GET", url: `${api}/repos/acme/shop/pulls?head=bot%3Afix&base=main&state=open&per_page=1`, reply: reply(200, [{ number: 9, html_url: "https://github.com/acme/shop/pull/9" }]) },
    );
    expect(await openPullRequest(config, { ...input, head: "bot:fix", base: "main" })).toMatchObject({ number: 9, created: false });
  });

  it("fails on any other 422 without looking further", async () => {
    vendorApi({
      method: "POST",
      url: `${api}/repos/acme/shop/pulls`,
      reply: reply(422, { message: "Validation Failed", errors: [{ resource: "PullRequest", code: "custom", message: "No commits between main and agent-bot/task_0a1b2c" }] }),
    });
    const error = await failure(openPullRequest(config, { ...input, base: "main" }));
    expect(error).toMatchObject({ status: 422, retryable: false });
    expect(error.message).toContain("No commits between main and agent-bot/task_0a1b2c");
  });

  it("fails with the 422 when the existing pull request is gone by the time it is looked up", async () => {
    vendorApi(
      {
        method: "POST",
        url: `${api}/repos/acme/shop/pulls`,
        reply: reply(422, { message: "Validation Failed", errors: [{ message: "A pull request already exists for acme:agent-bot/task_0a1b2c." }] }),
      },
      { method: "GET", url: `${api}/repos/acme/shop/pulls?head=acme%3Aagent-bot%2Ftask_0a1b2c&base=main&state=open&per_page=1`, reply: reply(200, []) },
    );
    expect(await failure(openPullRequest(config, { ...input, base: "main" }))).toMatchObject({ status: 422, retryable: false });
  });

  it("maps a failed default-branch lookup", async () => {
    vendorApi({ method: "GET", url: `${api}/repos/acme/shop`, reply: reply(404, { message: "Not Found" }) });
    expect(await failure(openPullRequest(config, input))).toMatchObject({ status: 404, retryable: false });
  });
});

// ── Slack ────────────────────────────────────────────────────────────────────

describe("Slack reporter", () => {
  const thread = spec("slack", { teamId: "T0001", channelId: "C0001", threadTs: "1712345678.000100" });
  const form = (body: string) => Object.fromEntries(new URLSearchParams(body));

  it("posts a reply in the thread with chat.postMessage, bearer auth, links not unfurled", async () => {
    const sent = vendorApi({
      method: "POST",
      url: "https://slack.com/api/chat.postMessage",
      reply: reply(200, { ok: true, channel: "C0001", ts: "1712345690.000200", message: { text: "…" } }),
    });
    const ref = await new SlackThreadReporter(config).post(thread, running);

    expect(ref).toEqual({ id: "1712345690.000200", url: "https://app.slack.com/client/T0001/C0001/thread/C0001-1712345678.000100" });
    expect(sent[0]!.headers).toMatchObject({
      authorization: `Bearer ${SECRETS.SLACK_BOT_TOKEN}`,
      "content-type": "application/x-www-form-urlencoded",
    });
    expect(form(sent[0]!.body)).toEqual({
      channel: "C0001",
      thread_ts: "1712345678.000100",
      text: renderSlackText(running),
      unfurl_links: "false",
      unfurl_media: "false",
    });
    // workerd refuses redirect: "error"; the client's fetch asks for manual instead.
    expect(sent[0]!.redirect).toBe("manual");
  });

  it("edits the reply with chat.update", async () => {
    const sent = vendorApi({ method: "POST", url: "https://slack.com/api/chat.update", reply: reply(200, { ok: true, channel: "C0001", ts: "1712345690.000200" }) });
    await new SlackThreadReporter(config).update(thread, { id: "1712345690.000200" }, succeeded);
    expect(sent[0]!.headers.authorization).toBe(`Bearer ${SECRETS.SLACK_BOT_TOKEN}`);
    expect(form(sent[0]!.body)).toEqual({ channel: "C0001", ts: "1712345690.000200", text: renderSlackText(succeeded) });
  });

  it("looks fetch up per call, so a client made earlier still uses the current one", async () => {
    const reporter = new SlackThreadReporter(config);
    vendorApi({ method: "POST", url: "https://slack.com/api/chat.update", reply: reply(200, { ok: true }) });
    await reporter.update(thread, { id: "1.2" }, running);
  });

  it("maps HTTP 200 { ok: false } to a VendorApiError: final for request errors, retryable for Slack's own", async () => {
    vendorApi(
      { method: "POST", url: "https://slack.com/api/chat.postMessage", reply: reply(200, { ok: false, error: "channel_not_found" }) },
      { method: "POST", url: "https://slack.com/api/chat.update", reply: reply(200, { ok: false, error: "internal_error" }) },
      {
        method: "POST",
        url: "https://slack.com/api/chat.postMessage",
        reply: reply(200, { ok: false, error: "invalid_arguments", response_metadata: { messages: ["[ERROR] missing required field: channel"] } }),
      },
    );
    const reporter = new SlackThreadReporter(config);
    const notFound = await failure(reporter.post(thread, running));
    expect(notFound).toMatchObject({ vendor: "slack", status: 200, retryable: false });
    expect(notFound.message).toBe("slack chat.postMessage failed: channel_not_found");
    expect(await failure(reporter.update(thread, { id: "1.2" }, running))).toMatchObject({ status: 200, retryable: true });
    const invalid = await failure(reporter.post(thread, running));
    expect(invalid.message).toContain("invalid_arguments; [ERROR] missing required field: channel");
    expectNoSecret(invalid);
  });

  it("maps 429 with Retry-After, 5xx, network failures and redirects", async () => {
    vendorApi(
      { method: "POST", url: "https://slack.com/api/chat.postMessage", reply: reply(429, { ok: false, error: "ratelimited" }, { "retry-after": "7" }) },
      { method: "POST", url: "https://slack.com/api/chat.postMessage", reply: reply(503, "Service Unavailable") },
      { method: "POST", url: "https://slack.com/api/chat.postMessage", reply: networkDown },
      { method: "POST", url: "https://slack.com/api/chat.postMessage", reply: reply(302, undefined, { location: "https://elsewhere.example/" }) },
    );
    const reporter = new SlackThreadReporter(config);
    expect(await failure(reporter.post(thread, running))).toMatchObject({ status: 429, retryable: true, retryAfterSeconds: 7 });
    expect(await failure(reporter.post(thread, running))).toMatchObject({ status: 503, retryable: true });
    const down = await failure(reporter.post(thread, running));
    expect(down).toMatchObject({ status: 0, retryable: true });
    expect(down.message).toContain("Network connection lost");
    const redirected = await failure(reporter.post(thread, running));
    expect(redirected).toMatchObject({ status: 0 });
    expect(redirected.message).toContain("302 redirect");
  });

  it("sends nothing without a channel", async () => {
    vendorApi();
    expect(await failure(new SlackThreadReporter(config).post(spec("slack", { teamId: "T0001" }), running))).toMatchObject({ status: 0, retryable: false });
  });
});

// ── Jira ─────────────────────────────────────────────────────────────────────

describe("Jira reporter", () => {
  const base = "https://acme.atlassian.net";
  const ticket = spec("jira", { ticketKey: "PAY-12", projectKey: "PAY" });
  const basic = `Basic ${btoa(`agent-bot@acme.example:${SECRETS.JIRA_API_TOKEN}`)}`;

  it("adds a wiki-markup comment through the v2 API with Basic email:token auth", async () => {
    const sent = vendorApi({
      method: "POST",
      url: `${base}/rest/api/2/issue/PAY-12/comment`,
      reply: reply(201, { id: "10001", self: `${base}/rest/api/2/issue/10010/comment/10001`, body: "…" }),
    });
    const ref = await new JiraThreadReporter(config).post(ticket, running);

    expect(ref).toEqual({ id: "10001", url: `${base}/browse/PAY-12?focusedCommentId=10001` });
    expect(sent[0]!.headers).toMatchObject({ authorization: basic, "content-type": "application/json", accept: "application/json" });
    expect(JSON.parse(sent[0]!.body)).toEqual({ body: renderJiraComment(running) });
  });

  it("updates the comment quietly while the task runs and notifies watchers when it ends", async () => {
    const sent = vendorApi(
      { method: "PUT", url: `${base}/rest/api/2/issue/PAY-12/comment/10001?notifyUsers=false`, reply: reply(200, { id: "10001" }) },
      { method: "PUT", url: `${base}/rest/api/2/issue/PAY-12/comment/10001?notifyUsers=true`, reply: reply(200, { id: "10001" }) },
    );
    const reporter = new JiraThreadReporter(config);
    await reporter.update(ticket, { id: "10001" }, running);
    await reporter.update(ticket, { id: "10001" }, succeeded);
    expect(sent[0]!.headers.authorization).toBe(basic);
    expect(JSON.parse(sent[0]!.body)).toEqual({ body: renderJiraComment(running) });
    expect(JSON.parse(sent[1]!.body)).toEqual({ body: renderJiraComment(succeeded) });
  });

  it("maps 4xx to a final error with Jira's errorMessages", async () => {
    vendorApi({
      method: "POST",
      url: `${base}/rest/api/2/issue/PAY-12/comment`,
      reply: reply(404, { errorMessages: ["Issue does not exist or you do not have permission to see it."], errors: {} }),
    });
    const error = await failure(new JiraThreadReporter(config).post(ticket, running));
    expect(error).toMatchObject({ vendor: "jira", status: 404, retryable: false });
    expect(error.message).toBe("jira POST /rest/api/2/issue/PAY-12/comment failed with 404: Issue does not exist or you do not have permission to see it.");
  });

  it("maps field errors, 429 with Retry-After, 5xx and network failures", async () => {
    vendorApi(
      { method: "POST", url: `${base}/rest/api/2/issue/PAY-12/comment`, reply: reply(400, { errorMessages: [], errors: { comment: "Comment body can not be empty!" } }) },
      { method: "POST", url: `${base}/rest/api/2/issue/PAY-12/comment`, reply: reply(429, { errorMessages: ["Rate limit exceeded."] }, { "retry-after": "12" }) },
      { method: "POST", url: `${base}/rest/api/2/issue/PAY-12/comment`, reply: reply(500, { errorMessages: ["Internal server error"] }) },
      { method: "POST", url: `${base}/rest/api/2/issue/PAY-12/comment`, reply: networkDown },
    );
    const reporter = new JiraThreadReporter(config);
    const invalid = await failure(reporter.post(ticket, running));
    expect(invalid).toMatchObject({ status: 400, retryable: false });
    expect(invalid.message).toContain("comment: Comment body can not be empty!");
    expect(await failure(reporter.post(ticket, running))).toMatchObject({ status: 429, retryable: true, retryAfterSeconds: 12 });
    expect(await failure(reporter.post(ticket, running))).toMatchObject({ status: 500, retryable: true });
    const down = await failure(reporter.post(ticket, running));
    expect(down).toMatchObject({ status: 0, retryable: true });
    expectNoSecret(down);
  });

  it("fails without a request when the issue key is missing or the settings are malformed", async () => {
    vendorApi();
    expect(await failure(new JiraThreadReporter(config).post(spec("jira", { projectKey: "PAY" }), running))).toMatchObject({ status: 0, retryable: false });
    const badEmail = await failure(new JiraThreadReporter({ ...config, JIRA_EMAIL: "not-an-email" }).post(ticket, running));
    expect(badEmail).toMatchObject({ status: 0, retryable: false });
    expectNoSecret(badEmail);
  });
});

// ── Sentry ───────────────────────────────────────────────────────────────────

describe("Sentry reporter", () => {
  const api = "https://sentry.io/api/0";
  const issue = spec("sentry", { sentryIssueId: "4711", sentryProject: "backend" });

  it("adds a comment through the issue comments API with bearer auth", async () => {
    const sent = vendorApi({
      method: "POST",
      url: `${api}/issues/4711/comments/`,
      reply: reply(201, { id: "5000001", type: "note", data: { text: "…" }, dateCreated: "2026-04-20T10:00:00Z" }),
    });
    expect(await new SentryThreadReporter(config).post(issue, running)).toEqual({ id: "5000001" });
    expect(sent[0]!.headers).toMatchObject({
      authorization: `Bearer ${SECRETS.SENTRY_AUTH_TOKEN}`,
      "content-type": "application/json",
      accept: "application/json",
    });
    expect(JSON.parse(sent[0]!.body)).toEqual({ text: renderSentryComment(running) });
  });

  it("edits the comment with PUT", async () => {
    const sent = vendorApi({ method: "PUT", url: `${api}/issues/4711/comments/5000001/`, reply: reply(200, { id: "5000001", type: "note" }) });
    await new SentryThreadReporter(config).update(issue, { id: "5000001" }, succeeded);
    expect(sent[0]!.headers.authorization).toBe(`Bearer ${SECRETS.SENTRY_AUTH_TOKEN}`);
    expect(JSON.parse(sent[0]!.body)).toEqual({ text: renderSentryComment(succeeded) });
  });

  it("maps 4xx to a final error with Sentry's detail", async () => {
    vendorApi({ method: "POST", url: `${api}/issues/4711/comments/`, reply: reply(400, { detail: "You have already posted that comment." }) });
    const error = await failure(new SentryThreadReporter(config).post(issue, running));
    expect(error).toMatchObject({ vendor: "sentry", status: 400, retryable: false });
    expect(error.message).toBe("sentry POST /issues/4711/comments/ failed with 400: You have already posted that comment.");
  });

  it("maps 429 and 503 with Retry-After, and network failures", async () => {
    vendorApi(
      { method: "PUT", url: `${api}/issues/4711/comments/5000001/`, reply: reply(429, { detail: "Request was throttled." }, { "retry-after": "3" }) },
      { method: "PUT", url: `${api}/issues/4711/comments/5000001/`, reply: reply(503, "upstream unavailable", { "retry-after": "60" }) },
      { method: "PUT", url: `${api}/issues/4711/comments/5000001/`, reply: networkDown },
    );
    const reporter = new SentryThreadReporter(config);
    expect(await failure(reporter.update(issue, { id: "5000001" }, running))).toMatchObject({ status: 429, retryable: true, retryAfterSeconds: 3 });
    expect(await failure(reporter.update(issue, { id: "5000001" }, running))).toMatchObject({ status: 503, retryable: true, retryAfterSeconds: 60 });
    expect(await failure(reporter.update(issue, { id: "5000001" }, running))).toMatchObject({ status: 0, retryable: true });
  });

  it("sends nothing without a numeric issue id", async () => {
    vendorApi();
    expect(await failure(new SentryThreadReporter(config).post(spec("sentry", { sentryShortId: "BACKEND-1" }), running))).toMatchObject({ status: 0, retryable: false });
  });
});

// ── registry ─────────────────────────────────────────────────────────────────

describe("reporterFor", () => {
  const unconfigured = configSchema.parse({});

  it("returns a reporter for every vendor whose credentials are set, without a request", () => {
    vendorApi();
    expect(reporterFor("github", config)).toBeInstanceOf(GitHubThreadReporter);
    expect(reporterFor("slack", config)).toBeInstanceOf(SlackThreadReporter);
    expect(reporterFor("jira", config)).toBeInstanceOf(JiraThreadReporter);
    expect(reporterFor("sentry", config)).toBeInstanceOf(SentryThreadReporter);
    for (const vendor of ["github", "slack", "jira", "sentry"] as const) expect(missingReporterSettings(vendor, config)).toEqual([]);
  });

  it("returns undefined and names the missing settings when they are not", () => {
    expect(reporterFor("github", unconfigured)).toBeUndefined();
    expect(missingReporterSettings("github", unconfigured)).toEqual(["GITHUB_TOKEN"]);
    expect(missingReporterSettings("slack", unconfigured)).toEqual(["SLACK_BOT_TOKEN"]);
    expect(missingReporterSettings("jira", { ...config, JIRA_EMAIL: undefined, JIRA_API_TOKEN: undefined })).toEqual(["JIRA_EMAIL", "JIRA_API_TOKEN"]);
    expect(missingReporterSettings("sentry", unconfigured)).toEqual(["SENTRY_AUTH_TOKEN"]);
    for (const vendor of ["github", "slack", "jira", "sentry"] as const) expect(reporterFor(vendor, unconfigured)).toBeUndefined();
  });

  it("treats blank secrets as missing", () => {
    expect(missingReporterSettings("github", configSchema.parse({ GITHUB_TOKEN: "  " }))).toEqual(["GITHUB_TOKEN"]);
  });
});

describe("error helpers", () => {
  it("reads Retry-After as delta-seconds or an HTTP date", () => {
    const now = Date.parse("2026-04-20T10:00:00Z");
    expect(parseRetryAfter("120", now)).toBe(120);
    expect(parseRetryAfter("1.5", now)).toBe(2);
    expect(parseRetryAfter("Mon, 20 Apr 2026 10:00:45 GMT", now)).toBe(45);
    expect(parseRetryAfter("Mon, 20 Apr 2026 09:00:00 GMT", now)).toBe(0);
    expect(parseRetryAfter("soon", now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });

  it("redacts every credential it is given", () => {
    expect(redact("token abc123 and abc123 again, xyz", ["abc123", undefined, "xy"])).toBe("token [redacted] and [redacted] again, xyz");
  });
});
