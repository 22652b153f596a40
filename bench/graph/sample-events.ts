// The real sample events bench:graph extracts: every GitHub example and the Jira, Slack
// and Sentry fixtures, parsed the way the ingest route parses them.
import githubExamples from "@octokit/webhooks-examples/api.github.com/index.json";
import { agentEventSchema, type AgentEvent } from "../../core/agent-event";
import type { Vendor } from "../../core/names";
import * as samples from "../../test/workers/samples";
import { integrations } from "../../workers/integrations/registry";

/** Every handled sample: all of @octokit/webhooks-examples, the Jira, Slack and Sentry fixtures. */
export function sampleEvents(): AgentEvent[] {
  const raw: [Vendor, string, unknown][] = [];
  for (const entry of githubExamples as { name: string; examples: unknown[] }[])
    for (const example of entry.examples) raw.push(["github", entry.name, example]);
  raw.push(
    ["jira", "jira:issue_created", samples.jira.issueCreated()],
    ["jira", "jira:issue_updated", samples.jira.issueUpdated()],
    ["jira", "comment_created", samples.jira.commentCreated()],
    ["slack", "app_mention", samples.slack.appMention()],
    ["slack", "message", samples.slack.messageThread()],
    ["sentry", "issue", samples.sentry.issueCreated()],
    ["sentry", "event_alert", samples.sentry.eventAlert()],
    ["sentry", "metric_alert", samples.sentry.metricAlert()],
    ["sentry", "comment", samples.sentry.comment()],
  );
  const events: AgentEvent[] = [];
  for (const [vendor, type, payload] of raw) {
    const parsed = integrations[vendor].parse(type, structuredClone(payload));
    if (!parsed.handled) continue;
    const event = agentEventSchema.safeParse({
      ...parsed,
      id: "dlv_bench",
      vendor,
      deliveryKey: "bench",
      type,
      payloadRef: "payloads/bench.json",
      receivedAt: 1,
    });
    if (event.success) events.push(event.data);
  }
  return events;
}
