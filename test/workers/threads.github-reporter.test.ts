// The GitHub thread reporter and openPullRequest inside workerd: the exact request each
// call sends (method, URL, auth header, body) and how GitHub's failures map to
// VendorApiError. fetch is intercepted (thread-reporters.support.ts).
import { describe, expect, it } from "vitest";
import { openPullRequest } from "../../workers/integrations/github/github.client";
import { GitHubThreadReporter } from "../../workers/integrations/github/github.thread";
import { parseTaskMarker, renderGitHubComment } from "../../workers/integrations/github/github.progress";
import {
  vendorApi,
  reply,
  networkDown,
  failure,
  SECRETS,
  config,
  spec,
  running,
  succeeded,
  expectNoSecret,
} from "./thread-reporters.support";

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
    vendorApi({
      method: "POST",
      url: `${api}/repos/acme/shop/issues/12/comments`,
      reply: reply(201, { id: 5, html_url: "https://github.com/acme/shop/pull/12#issuecomment-5" }),
    });
    const ref = await new GitHubThreadReporter(config).post(spec("github", { repository: "acme/shop", pullRequestNumber: 12 }), running);
    expect(ref.id).toBe("5");
  });

  it("edits its own comment in place", async () => {
    const sent = vendorApi({
      method: "PATCH",
      url: `${api}/repos/acme/shop/issues/comments/1000000001`,
      reply: reply(200, { id: 1_000_000_001 }),
    });
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
      {
        method: "POST",
        url: `${api}/repos/acme/shop/issues/7/comments`,
        reply: reply(502, "<html>Bad Gateway</html>", { "content-type": "text/html" }),
      },
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
      {
        method: "POST",
        url: `${api}/repos/acme/shop/issues/7/comments`,
        reply: reply(429, { message: "slow down" }, { "retry-after": "30" }),
      },
      {
        method: "POST",
        url: `${api}/repos/acme/shop/issues/7/comments`,
        reply: reply(403, { message: "API rate limit exceeded" }, { "x-ratelimit-remaining": "0", "x-ratelimit-reset": String(resetAt) }),
      },
      {
        method: "POST",
        url: `${api}/repos/acme/shop/issues/7/comments`,
        reply: reply(403, { message: "Resource not accessible by integration" }),
      },
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
      {
        method: "POST",
        url: `${api}/repos/acme/shop/pulls`,
        reply: reply(201, { number: 42, html_url: "https://github.com/acme/shop/pull/42" }),
      },
    );
    expect(await openPullRequest(config, input)).toEqual({ number: 42, url: "https://github.com/acme/shop/pull/42", created: true });
    expect(JSON.parse(sent[1]!.body)).toEqual({ head: "agent-bot/task_0a1b2c", base: "trunk", title: "Fix rounding", body: "Closes #7" });
    expect(sent.every((s) => s.headers.authorization === `token ${SECRETS.GITHUB_TOKEN}`)).toBe(true);
  });

  it("uses the given base without looking the repository up", async () => {
    const sent = vendorApi({
      method: "POST",
      url: `${api}/repos/acme/shop/pulls`,
      reply: reply(201, { number: 43, html_url: "https://github.com/acme/shop/pull/43" }),
    });
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
    expect(await openPullRequest(config, { ...input, base: "main" })).toEqual({
      number: 41,
      url: "https://github.com/acme/shop/pull/41",
      created: false,
    });
  });

  it("keeps a fork's owner:branch head as given when looking the existing one up", async () => {
    vendorApi(
      {
        method: "POST",
        url: `${api}/repos/acme/shop/pulls`,
        reply: reply(422, {
          message: "Validation Failed",
          errors: [{ resource: "PullRequest", code: "custom", message: "A pull request already exists for bot:fix." }],
        }),
      },
      {
        method: "GET",
        url: `${api}/repos/acme/shop/pulls?head=bot%3Afix&base=main&state=open&per_page=1`,
        reply: reply(200, [{ number: 9, html_url: "https://github.com/acme/shop/pull/9" }]),
      },
    );
    expect(await openPullRequest(config, { ...input, head: "bot:fix", base: "main" })).toMatchObject({ number: 9, created: false });
  });

  it("fails on any other 422 without looking further", async () => {
    vendorApi({
      method: "POST",
      url: `${api}/repos/acme/shop/pulls`,
      reply: reply(422, {
        message: "Validation Failed",
        errors: [{ resource: "PullRequest", code: "custom", message: "No commits between main and agent-bot/task_0a1b2c" }],
      }),
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
        reply: reply(422, {
          message: "Validation Failed",
          errors: [{ message: "A pull request already exists for acme:agent-bot/task_0a1b2c." }],
        }),
      },
      {
        method: "GET",
        url: `${api}/repos/acme/shop/pulls?head=acme%3Aagent-bot%2Ftask_0a1b2c&base=main&state=open&per_page=1`,
        reply: reply(200, []),
      },
    );
    expect(await failure(openPullRequest(config, { ...input, base: "main" }))).toMatchObject({ status: 422, retryable: false });
  });

  it("maps a failed default-branch lookup", async () => {
    vendorApi({ method: "GET", url: `${api}/repos/acme/shop`, reply: reply(404, { message: "Not Found" }) });
    expect(await failure(openPullRequest(config, input))).toMatchObject({ status: 404, retryable: false });
  });
});

// ── Slack ────────────────────────────────────────────────────────────────────
