// Sample payloads for Workers tests: GitHub's real examples from
// @octokit/webhooks-examples, the other vendors' documented samples (test/fixtures).
import githubExamples from "@octokit/webhooks-examples/api.github.com/index.json";
import jiraCommentCreated from "../fixtures/jira/comment_created.json";
import jiraIssueCreated from "../fixtures/jira/issue_created.json";
import jiraIssueUpdated from "../fixtures/jira/issue_updated.json";
import sentryComment from "../fixtures/sentry/comment.json";
import sentryEventAlert from "../fixtures/sentry/event_alert.json";
import sentryIssueCreated from "../fixtures/sentry/issue_created.json";
import sentryMetricAlert from "../fixtures/sentry/metric_alert.json";
import slackAppMention from "../fixtures/slack/app_mention.json";
import slackMessageThread from "../fixtures/slack/message_thread.json";
import slackUrlVerification from "../fixtures/slack/url_verification.json";

// Samples are edited per test, so every accessor returns a fresh copy.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

export function github(event: string, action?: string): Json {
  const entry = githubExamples.find((e) => e.name === event);
  if (!entry) throw new Error(`no GitHub example for ${event}`);
  const example = entry.examples.find((e) => !action || (e as { action?: string }).action === action);
  if (!example) throw new Error(`no GitHub example for ${event}.${action}`);
  return structuredClone(example);
}

const copy = (value: unknown): Json => structuredClone(value);

export const jira = {
  issueCreated: () => copy(jiraIssueCreated),
  issueUpdated: () => copy(jiraIssueUpdated),
  commentCreated: () => copy(jiraCommentCreated),
};
export const slack = {
  appMention: () => copy(slackAppMention),
  messageThread: () => copy(slackMessageThread),
  urlVerification: () => copy(slackUrlVerification),
};
export const sentry = {
  issueCreated: () => copy(sentryIssueCreated),
  eventAlert: () => copy(sentryEventAlert),
  metricAlert: () => copy(sentryMetricAlert),
  comment: () => copy(sentryComment),
};
