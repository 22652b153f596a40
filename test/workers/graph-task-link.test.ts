// Cross-vendor linking: a Sentry error starts a task; the Jira ticket that cites the
// error and the Slack thread that cites the ticket join that task instead of starting
// their own, and every one of the three threads is told. Real signed webhooks, the real
// consumer and TaskAgent; the runner and the vendor APIs are recording fakes.
import { afterEach, describe, expect, it, vi } from "vitest";
import type { TaskState } from "../../core/task-types";
import { taskAgent } from "./agents";
import { installFakeRunner } from "./fake-runner";
import * as samples from "./samples";
import { deliver, eventually, rows } from "./support";

afterEach(() => vi.restoreAllMocks());

interface Call {
  host: string;
  method: string;
  path: string;
  body: string;
}

/** Sentry, Jira and Slack APIs that accept every tracking-message call and record it. */
function fakeVendors() {
  const calls: Call[] = [];
  let next = 100;
  const record = async (request: Request) => {
    const url = new URL(request.url);
    const body = request.method === "GET" ? "" : await request.text();
    calls.push({ host: url.host, method: request.method, path: url.pathname, body });
    return url;
  };
  return {
    calls,
    hosts: {
      "sentry.test": async (request: Request) => {
        await record(request);
        return Response.json({ id: String(next++), type: "note" }, { status: request.method === "POST" ? 201 : 200 });
      },
      "jira.test": async (request: Request) => {
        await record(request);
        return request.method === "POST" ? Response.json({ id: String(next++) }, { status: 201 }) : new Response(null, { status: 204 });
      },
      "slack.test": async (request: Request) => {
        await record(request);
        return Response.json({ ok: true, channel: "C0LAN2Q65", ts: `1700000000.${next++}` });
      },
    },
  };
}

async function state(taskId: string): Promise<TaskState> {
  return (await taskAgent(taskId)).getTask();
}

describe("cross-vendor linking", () => {
  it("joins a Jira ticket and a Slack thread about a Sentry error to the error's open task, and tells every thread", async () => {
    const vendors = fakeVendors();
    const runner = installFakeRunner(vendors.hosts);
    // The agent starts and keeps running, so the task stays open while the others arrive.
    runner.script = () => [{ type: "phase", phase: "running", detail: "claude started" }];

    const sentry = await deliver("sentry", samples.sentry.issueCreated(), { eventType: "issue" });
    expect(sentry.decision).toBe("triggered");
    const taskId = sentry.task_id!;
    await eventually(async () => (await state(taskId)).status === "running");

    // PAY-142's description cites the Sentry short id BACKEND-4Z.
    const jira = await deliver("jira", samples.jira.issueCreated());
    expect(jira).toMatchObject({ decision: "triggered", task_id: taskId });
    expect(jira.reason).toContain(`joined open task ${taskId}`);
    expect(jira.reason).toContain("sentry:issue:BACKEND-4Z");

    // A Slack thread that cites only the ticket is two links away from the error.
    const mention = samples.slack.appMention();
    mention.event_id = "Ev0LINKED";
    mention.event.text = "<@U0LAN0Z89> checkout is down for EUR cards, see PAY-142";
    const slack = await deliver("slack", mention);
    expect(slack).toMatchObject({ decision: "triggered", task_id: taskId });

    expect(
      await rows("SELECT id FROM tasks WHERE id IN (?, ?, ?)", sentry.task_id, `task_${jira.id.slice(4)}`, `task_${slack.id.slice(4)}`),
    ).toHaveLength(1);
    const joined = (await state(taskId)).joined ?? [];
    expect(joined.map((j) => [j.vendor, j.subjectText])).toEqual([
      ["jira", "PAY-142"],
      ["slack", "slack:C0LAN2Q65/1515449522.000016"],
    ]);

    // Every thread is told: the new threads get a tracking message, the Sentry one learns where else it is tracked.
    const told = await eventually(async () => {
      const jiraPost = vendors.calls.find(
        (c) => c.host === "jira.test" && c.method === "POST" && c.path.includes("/issue/PAY-142/comment"),
      );
      const slackPost = vendors.calls.find(
        (c) => c.host === "slack.test" && c.path.endsWith("chat.postMessage") && c.body.includes("1515449522.000016"),
      );
      const sentryEdit = vendors.calls
        .filter((c) => c.host === "sentry.test" && c.method === "PUT" && c.body.includes("Slack thread"))
        .at(-1);
      return jiraPost && slackPost && sentryEdit ? { jiraPost, slackPost, sentryEdit } : undefined;
    });
    expect(told.sentryEdit.body).toContain("Jira PAY-142");
    // Jira wiki markup escapes the hyphen.
    expect(told.jiraPost.body).toMatch(/Sentry BACKEND\\*-4Z/);
    expect(decodeURIComponent(told.slackPost.body)).toContain("Sentry BACKEND-4Z");

    // Once the task has ended, a newly linked event starts its own task again.
    await (await taskAgent(taskId)).cancelTask("test over");
    const later = samples.jira.issueCreated();
    later.issue.key = "PAY-143";
    later.issue.id = "10143";
    later.issue.fields.summary = "Refunds also fail with KeyError";
    const fresh = await deliver("jira", later);
    expect(fresh.decision).toBe("triggered");
    expect(fresh.task_id).not.toBe(taskId);
  });

  it("treats another mention in a joined thread as part of the task, without a second tracking message", async () => {
    const runner = installFakeRunner(fakeVendors().hosts);
    runner.script = () => [{ type: "phase", phase: "running" }];
    const first = samples.sentry.issueCreated();
    first.data.issue.id = "4509099999";
    first.data.issue.shortId = "BACKEND-5A";
    const one = await deliver("sentry", first, { eventType: "issue" });
    const mention = samples.slack.appMention();
    mention.event_id = "Ev0FIRST";
    mention.event.ts = "1515449999.000001";
    mention.event.text = "<@U0LAN0Z89> what broke in BACKEND-5A?";
    const two = await deliver("slack", mention);
    expect(two.task_id).toBe(one.task_id);
    // A second mention in the same Slack thread joins nothing new: the thread already follows the task.
    const again = samples.slack.appMention();
    again.event_id = "Ev0SECOND";
    again.event.ts = "1515449999.000002";
    again.event.thread_ts = "1515449999.000001";
    again.event.text = "<@U0LAN0Z89> any news on BACKEND-5A?";
    const three = await deliver("slack", again);
    expect(three.task_id).toBe(one.task_id);
    expect((await state(one.task_id!)).joined).toHaveLength(1);
  });
});
