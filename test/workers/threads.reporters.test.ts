// The Slack, Jira and Sentry thread reporters inside workerd (GitHub's are in
// threads.github-reporter.test.ts): the exact request each post/update sends (method,
// URL, auth header, body) and how vendor failures map to VendorApiError. fetch is
// intercepted; any request the test did not expect, or one never sent, fails the test.
import { describe, expect, it } from "vitest";
import { configSchema } from "../../workers/config";
import { GitHubThreadReporter } from "../../workers/integrations/github/github.thread";
import { JiraThreadReporter } from "../../workers/integrations/jira/jira.thread";
import { SentryThreadReporter } from "../../workers/integrations/sentry/sentry.thread";
import { SlackThreadReporter } from "../../workers/integrations/slack/slack.thread";
import { renderJiraComment } from "../../workers/integrations/jira/jira.progress";
import { renderSentryComment } from "../../workers/integrations/sentry/sentry.progress";
import { renderSlackText } from "../../workers/integrations/slack/slack.progress";
import { parseRetryAfter, redact } from "../../workers/threads/errors";
import { missingReporterSettings, reporterFor } from "../../workers/threads/registry";
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
    const sent = vendorApi({
      method: "POST",
      url: "https://slack.com/api/chat.update",
      reply: reply(200, { ok: true, channel: "C0001", ts: "1712345690.000200" }),
    });
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
        reply: reply(200, {
          ok: false,
          error: "invalid_arguments",
          response_metadata: { messages: ["[ERROR] missing required field: channel"] },
        }),
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
      {
        method: "POST",
        url: "https://slack.com/api/chat.postMessage",
        reply: reply(429, { ok: false, error: "ratelimited" }, { "retry-after": "7" }),
      },
      { method: "POST", url: "https://slack.com/api/chat.postMessage", reply: reply(503, "Service Unavailable") },
      { method: "POST", url: "https://slack.com/api/chat.postMessage", reply: networkDown },
      {
        method: "POST",
        url: "https://slack.com/api/chat.postMessage",
        reply: reply(302, undefined, { location: "https://elsewhere.example/" }),
      },
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
    expect(await failure(new SlackThreadReporter(config).post(spec("slack", { teamId: "T0001" }), running))).toMatchObject({
      status: 0,
      retryable: false,
    });
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
    expect(error.message).toBe(
      "jira POST /rest/api/2/issue/PAY-12/comment failed with 404: Issue does not exist or you do not have permission to see it.",
    );
  });

  it("maps field errors, 429 with Retry-After, 5xx and network failures", async () => {
    vendorApi(
      {
        method: "POST",
        url: `${base}/rest/api/2/issue/PAY-12/comment`,
        reply: reply(400, { errorMessages: [], errors: { comment: "Comment body can not be empty!" } }),
      },
      {
        method: "POST",
        url: `${base}/rest/api/2/issue/PAY-12/comment`,
        reply: reply(429, { errorMessages: ["Rate limit exceeded."] }, { "retry-after": "12" }),
      },
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
    expect(await failure(new JiraThreadReporter(config).post(spec("jira", { projectKey: "PAY" }), running))).toMatchObject({
      status: 0,
      retryable: false,
    });
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
    const sent = vendorApi({
      method: "PUT",
      url: `${api}/issues/4711/comments/5000001/`,
      reply: reply(200, { id: "5000001", type: "note" }),
    });
    await new SentryThreadReporter(config).update(issue, { id: "5000001" }, succeeded);
    expect(sent[0]!.headers.authorization).toBe(`Bearer ${SECRETS.SENTRY_AUTH_TOKEN}`);
    expect(JSON.parse(sent[0]!.body)).toEqual({ text: renderSentryComment(succeeded) });
  });

  it("maps 4xx to a final error with Sentry's detail", async () => {
    vendorApi({
      method: "POST",
      url: `${api}/issues/4711/comments/`,
      reply: reply(400, { detail: "You have already posted that comment." }),
    });
    const error = await failure(new SentryThreadReporter(config).post(issue, running));
    expect(error).toMatchObject({ vendor: "sentry", status: 400, retryable: false });
    expect(error.message).toBe("sentry POST /issues/4711/comments/ failed with 400: You have already posted that comment.");
  });

  it("maps 429 and 503 with Retry-After, and network failures", async () => {
    vendorApi(
      {
        method: "PUT",
        url: `${api}/issues/4711/comments/5000001/`,
        reply: reply(429, { detail: "Request was throttled." }, { "retry-after": "3" }),
      },
      { method: "PUT", url: `${api}/issues/4711/comments/5000001/`, reply: reply(503, "upstream unavailable", { "retry-after": "60" }) },
      { method: "PUT", url: `${api}/issues/4711/comments/5000001/`, reply: networkDown },
    );
    const reporter = new SentryThreadReporter(config);
    expect(await failure(reporter.update(issue, { id: "5000001" }, running))).toMatchObject({
      status: 429,
      retryable: true,
      retryAfterSeconds: 3,
    });
    expect(await failure(reporter.update(issue, { id: "5000001" }, running))).toMatchObject({
      status: 503,
      retryable: true,
      retryAfterSeconds: 60,
    });
    expect(await failure(reporter.update(issue, { id: "5000001" }, running))).toMatchObject({ status: 0, retryable: true });
  });

  it("sends nothing without a numeric issue id", async () => {
    vendorApi();
    expect(await failure(new SentryThreadReporter(config).post(spec("sentry", { sentryShortId: "BACKEND-1" }), running))).toMatchObject({
      status: 0,
      retryable: false,
    });
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
    expect(missingReporterSettings("jira", { ...config, JIRA_EMAIL: undefined, JIRA_API_TOKEN: undefined })).toEqual([
      "JIRA_EMAIL",
      "JIRA_API_TOKEN",
    ]);
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
