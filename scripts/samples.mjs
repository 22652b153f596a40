// Real sample payloads by vendor and event: GitHub's from @octokit/webhooks-examples,
// Jira's, Slack's and Sentry's from their documented samples (test/fixtures, see SOURCES.md).
// `makeTriggering` edits a sample so it asks the bot for work, as a user would.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const fixtures = new URL("../test/fixtures/", import.meta.url);
const readFixture = (path) => JSON.parse(readFileSync(new URL(path, fixtures), "utf8"));

/** Vendor → event name → [fixture file, header event type]. */
const VENDOR_SAMPLES = {
  jira: {
    "jira:issue_created": "jira/issue_created.json",
    "jira:issue_updated": "jira/issue_updated.json",
    comment_created: "jira/comment_created.json",
  },
  slack: {
    app_mention: "slack/app_mention.json",
    message: "slack/message_thread.json",
    url_verification: "slack/url_verification.json",
  },
  sentry: {
    issue: "sentry/issue_created.json",
    event_alert: "sentry/event_alert.json",
    metric_alert: "sentry/metric_alert.json",
    comment: "sentry/comment.json",
  },
};

let githubExamples;
function githubSample(event, action) {
  githubExamples ??= require("@octokit/webhooks-examples/api.github.com/index.json");
  const entry = githubExamples.find((e) => e.name === event);
  if (!entry) throw new Error(`no GitHub sample for "${event}"`);
  const preferred =
    action ??
    { issues: "opened", pull_request: "opened", issue_comment: "created", pull_request_review_comment: "created", installation: "created" }[
      event
    ];
  const sample = entry.examples.find((e) => !preferred || e.action === preferred) ?? entry.examples[0];
  return structuredClone(sample);
}

/** @returns {{ payload: object, eventType: string }} */
export function loadSample(vendor, event, action) {
  if (vendor === "github") return { payload: githubSample(event, action), eventType: event };
  const file = VENDOR_SAMPLES[vendor]?.[event];
  if (!file) {
    const known = Object.keys(VENDOR_SAMPLES[vendor] ?? {}).join(", ");
    throw new Error(`no ${vendor} sample for "${event}"${known ? ` (have: ${known})` : ""}`);
  }
  return { payload: readFixture(file), eventType: event };
}

export function listSamples() {
  return {
    github: ["issues", "issue_comment", "pull_request", "pull_request_review_comment", "push", "installation", "..."],
    ...Object.fromEntries(Object.entries(VENDOR_SAMPLES).map(([v, m]) => [v, Object.keys(m)])),
  };
}

/**
 * Makes the sample a new message in an existing thread — a GitHub comment on issue `issue`, a
 * Slack reply in the thread started at `thread`, a Jira comment on `ticket` — so it is a follow-up
 * of the task there. Each call is a new message (fresh comment id, ts and event id), never a redelivery.
 */
export function intoThread(vendor, payload, { issue, thread, ticket } = {}) {
  const fresh = Date.now();
  if (vendor === "github" && issue !== undefined && payload.issue && payload.comment) {
    payload.issue.number = Number(issue);
    payload.comment.id = fresh;
  }
  if (vendor === "slack" && thread !== undefined && payload.event) {
    payload.event.thread_ts = thread;
    payload.event.ts = `${Math.floor(fresh / 1000)}.${String(fresh % 1000).padStart(6, "0")}`;
    payload.event_id = `Ev${fresh}`;
  }
  if (vendor === "jira" && ticket !== undefined && payload.issue && payload.comment) {
    payload.issue.key = ticket;
    payload.comment.id = String(fresh);
  }
  return payload;
}

/** Puts the bot's handle in the text a user would type, so the sample triggers work. */
export function makeTriggering(vendor, event, payload, options = {}) {
  const { handle = "@agent-bot", text = "please take a look" } = options;
  const ask = `${handle} ${text}`;
  if (vendor === "github") {
    if (payload.comment) payload.comment.body = ask;
    else if (event === "issues" && payload.issue) payload.issue.body = ask;
    else if (event === "pull_request" && payload.pull_request) payload.pull_request.body = ask;
  }
  if (vendor === "jira" && payload.comment) payload.comment.body = ask;
  if (vendor === "slack" && payload.event?.type === "app_mention") payload.event.text = `<@U0LAN0Z89> ${text}`;
  // A new Sentry issue triggers on its own and has no request; an explicit --text rides on the
  // error message, which is part of the task's prompt (e.g. a fake CLI marker).
  const issue = vendor === "sentry" ? payload.data?.issue : undefined;
  if (issue && options.text !== undefined) issue.metadata = { ...issue.metadata, value: `${issue.metadata?.value ?? ""} ${text}`.trim() };
  return payload;
}
