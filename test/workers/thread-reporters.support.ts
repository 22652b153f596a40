// Shared by the thread-reporter tests: fetch interception that serves the expected vendor
// requests in order and fails the test on any other (or on one never sent), and the
// settings, specs and progress the reporters render.
import { afterEach, expect, vi } from "vitest";
import type { TaskSpec } from "../../core/task-types";
import { configSchema, type Config } from "../../workers/config";
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
export function vendorApi(...expected: Expected[]): Sent[] {
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

export const reply =
  (status: number, body?: unknown, headers: Record<string, string> = {}) =>
  () =>
    body === undefined
      ? new Response(null, { status, headers })
      : new Response(typeof body === "string" ? body : JSON.stringify(body), {
          status,
          headers: { "content-type": typeof body === "string" ? "text/plain" : "application/json; charset=utf-8", ...headers },
        });

export const networkDown = () => {
  throw new TypeError("Network connection lost.");
};

export async function failure(promise: Promise<unknown>): Promise<VendorApiError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(VendorApiError);
  return error as VendorApiError;
}

// ── fixtures ─────────────────────────────────────────────────────────────────

export const SECRETS = {
  GITHUB_TOKEN: "ghp_testtoken0123456789",
  SLACK_BOT_TOKEN: "xoxb-test-slack-token",
  JIRA_API_TOKEN: "jira-test-api-token",
  SENTRY_AUTH_TOKEN: "sntrys_test_sentry_token",
};

export const config: Config = configSchema.parse({
  GITHUB_API_URL: "https://github.acme.example/api/v3",
  SLACK_API_URL: "https://slack.com/api/",
  JIRA_BASE_URL: "https://acme.atlassian.net",
  JIRA_EMAIL: "agent-bot@acme.example",
  SENTRY_API_URL: "https://sentry.io/api/0/",
  DASHBOARD_URL: "https://agent-bot.acme.example",
  ...SECRETS,
});

export function spec(vendor: TaskSpec["vendor"], subject: TaskSpec["subject"], id = "task_0a1b2c"): TaskSpec {
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

export const running: ThreadProgress = {
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

export const succeeded: ThreadProgress = {
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

export function expectNoSecret(error: VendorApiError) {
  for (const secret of Object.values(SECRETS)) expect(error.message).not.toContain(secret);
}

// ── GitHub ───────────────────────────────────────────────────────────────────
