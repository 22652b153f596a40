// Extraction of what the richer payload fields state: files touched by commits and PRs,
// assignees, Sentry culprit files and releases, Slack discussions, people across vendors.
import { describe, expect, it } from "vitest";
import githubExamples from "@octokit/webhooks-examples/api.github.com/index.json";
import { env } from "cloudflare:workers";
import { agentEventSchema, MAX_EVENT_FILES } from "../../core/agent-event";
import { keys, MAX_ENTITY_TEXT, type GraphContext } from "../../core/graph-types";
import { getConfig } from "../../workers/config";
import { extractGraph } from "../../workers/graph/extract";
import { graphContext } from "../../workers/graph/record-event";
import { eventOf, edgesOf } from "./graph-extract.support";
import * as samples from "./samples";

/** The push example that carries commits with file lists (the first one is a tag push with none). */
function pushWithFiles() {
  const push = githubExamples.find((e) => e.name === "push")!.examples.find((e) => (e as { commits: unknown[] }).commits.length > 0);
  return structuredClone(push) as Json;
}
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

const repo = "Codertocat/Hello-World";
/** PROJECT_REPOSITORIES as the test Worker is configured: `sentry:backend=Codertocat/Hello-World`. */
const context: GraphContext = graphContext(getConfig(env));

describe("extractGraph: files, assignees, culprits, releases, discussions", () => {
  it("push: each commit touches the files it added, modified or removed; files belong to the repository", () => {
    const payload = pushWithFiles();
    const sha = payload.commits[0].id.slice(0, 7);
    payload.commits[0].modified = ["src/app.ts"];
    payload.commits[0].removed = ["old/legacy.js"];
    const event = eventOf("github", "push", payload);
    expect(event.changedFiles).toEqual([
      { path: "README.md", change: "added", commit: sha },
      { path: "src/app.ts", change: "modified", commit: sha },
      { path: "old/legacy.js", change: "removed", commit: sha },
    ]);
    const x = extractGraph(event);
    const commit = keys.commit(repo, sha);
    expect(edgesOf(x)).toEqual(
      expect.arrayContaining([
        `${commit} -touches-> ${keys.file(repo, "README.md")}`,
        `${commit} -touches-> ${keys.file(repo, "src/app.ts")}`,
        `${commit} -touches-> ${keys.file(repo, "old/legacy.js")}`,
        `${keys.file(repo, "src/app.ts")} -belongs_to-> github:repo:${repo}`,
      ]),
    );
    expect(x.edges.find((e) => e.target === keys.file(repo, "old/legacy.js"))?.properties).toEqual({ change: "removed" });
    expect(x.entities.find((e) => e.key === keys.file(repo, "src/app.ts"))).toMatchObject({ type: "file", title: "src/app.ts" });
    // The commit's message is its searchable text.
    expect(x.entities.find((e) => e.key === commit)?.text).toBe(payload.commits[0].message.trim());
  });

  it("push: a huge push keeps a bounded file list, and the queue message stays far under 128 KB", () => {
    const payload = pushWithFiles();
    payload.commits[0].added = Array.from({ length: 5000 }, (_, i) => `generated/deep/directory/structure/file-${i}.json`);
    const event = eventOf("github", "push", payload);
    expect(event.changedFiles?.length).toBeLessThanOrEqual(MAX_EVENT_FILES);
    expect(new TextEncoder().encode(JSON.stringify(event)).length).toBeLessThan(32 * 1024);
    expect(agentEventSchema.safeParse(JSON.parse(JSON.stringify(event))).success).toBe(true);
  });

  it("push: the pusher's email is on the person, as an email identity", () => {
    const payload = pushWithFiles();
    const x = extractGraph(eventOf("github", "push", payload));
    expect(x.identities).toContainEqual({
      person: "person:github:Codertocat",
      identity: `email:${payload.pusher.email.toLowerCase()}`,
      source: "email",
    });
  });

  it("pull_request_review_comment: the pull request touches the file the comment is on", () => {
    const payload = samples.github("pull_request_review_comment", "created");
    const x = extractGraph(eventOf("github", "pull_request_review_comment", payload));
    expect(edgesOf(x)).toContain(`github:pr:${repo}#${payload.pull_request.number} -touches-> ${keys.file(repo, payload.comment.path)}`);
  });

  it("issues.assigned and pull_request.assigned: the subject is assigned_to each assignee; the body is its text", () => {
    const issue = samples.github("issues", "assigned");
    const x = extractGraph(eventOf("github", "issues", issue));
    expect(edgesOf(x)).toContain(
      `github:issue:${repo}#${issue.issue.number} -assigned_to-> person:github:${issue.issue.assignees[0].login}`,
    );
    expect(x.entities.find((e) => e.key === `github:issue:${repo}#${issue.issue.number}`)?.text).toBe(issue.issue.body);
    const pr = samples.github("pull_request", "assigned");
    expect(edgesOf(extractGraph(eventOf("github", "pull_request", pr)))).toContain(
      `github:pr:${repo}#${pr.pull_request.number} -assigned_to-> person:github:${pr.pull_request.assignees[0].login}`,
    );
  });

  it("jira: the issue is assigned_to its current assignee; the description is its text, bounded", () => {
    const payload = samples.jira.issueCreated();
    payload.issue.fields.description += " padding".repeat(1000);
    const x = extractGraph(eventOf("jira", "jira:issue_created", payload));
    expect(edgesOf(x)).toContain("jira:issue:PAY-142 -assigned_to-> person:jira:712020:4f2d9c1e-8b3a-4e6f-9d21-0c5a7b3e8f14");
    const text = x.entities.find((e) => e.key === "jira:issue:PAY-142")?.text;
    expect(text?.startsWith("Since the 09:00 UTC deploy")).toBe(true);
    expect(text?.length).toBe(MAX_ENTITY_TEXT);
    // Updates name the new assignee (the bot) from the issue's fields.
    expect(edgesOf(extractGraph(eventOf("jira", "jira:issue_updated", samples.jira.issueUpdated())))).toContain(
      "jira:issue:PAY-142 -assigned_to-> person:jira:5b10ac8d82e05b22cc7d4ef5",
    );
  });

  it("sentry event_alert: culprit_in the in-app frames' files in the mapped repository, innermost first; released_in its release", () => {
    const event = eventOf("sentry", "event_alert", samples.sentry.eventAlert());
    expect(event.subject.sentryProject).toBe("backend");
    expect(event.stackFrames).toEqual([
      { file: "app/api/checkout.py", function: "create_checkout", line: 54 },
      { file: "app/payments/charge.py", function: "capture", line: 88 },
    ]);
    const x = extractGraph(event, context);
    const issue = "sentry:issue-id:4509012345";
    const release = "sentry:release:backend@backend@2025.03.14-1";
    expect(edgesOf(x)).toEqual(
      expect.arrayContaining([
        `${issue} -culprit_in-> ${keys.file(repo, "app/payments/charge.py")}`,
        `${issue} -culprit_in-> ${keys.file(repo, "app/api/checkout.py")}`,
        `${issue} -released_in-> ${release}`,
        `${release} -belongs_to-> sentry:project:backend`,
      ]),
    );
    expect(edgesOf(x).some((e) => e.includes("flask/app.py"))).toBe(false);
    expect(x.edges.find((e) => e.type === "culprit_in" && e.target.endsWith("charge.py"))?.properties).toEqual({
      innermost: true,
      function: "capture",
      line: 88,
    });
  });

  it("sentry without a repository mapping: no file, the innermost path kept as the issue's culprit", () => {
    const x = extractGraph(eventOf("sentry", "event_alert", samples.sentry.eventAlert()), {});
    expect(x.entities.some((e) => e.type === "file")).toBe(false);
    expect(x.entities.find((e) => e.key === "sentry:issue-id:4509012345")?.properties).toMatchObject({ culprit: "app/payments/charge.py" });
  });

  it("sentry issue.created: culprit_in the file its metadata names; assigned_to a user assignee", () => {
    const payload = samples.sentry.issueCreated();
    payload.data.issue.assignedTo = { type: "user", id: "42", name: "Dana Reyes", email: "Dana.Reyes@example.com" };
    const x = extractGraph(eventOf("sentry", "issue", payload), context);
    expect(edgesOf(x)).toEqual(
      expect.arrayContaining([
        `sentry:issue:BACKEND-4Z -culprit_in-> ${keys.file(repo, "app/payments/charge.py")}`,
        "sentry:issue:BACKEND-4Z -assigned_to-> person:sentry:42",
      ]),
    );
    expect(x.identities).toContainEqual({ person: "person:sentry:42", identity: "email:dana.reyes@example.com", source: "email" });
    // A team is not a person.
    payload.data.issue.assignedTo = { type: "team", id: "7", name: "payments" };
    expect(extractGraph(eventOf("sentry", "issue", payload), context).edges.some((e) => e.type === "assigned_to")).toBe(false);
  });

  it("sentry error: parsed for its issue, stack frames and release", () => {
    const alert = samples.sentry.eventAlert();
    const payload = { action: "created", installation: alert.installation, data: { error: alert.data.event } };
    const event = eventOf("sentry", "error", payload);
    expect(event.release).toBe("backend@2025.03.14-1");
    expect(edgesOf(extractGraph(event, context))).toContain(
      `sentry:issue-id:4509012345 -culprit_in-> ${keys.file(repo, "app/payments/charge.py")}`,
    );
  });

  it("a malformed stack trace drops the frames, not the event", () => {
    const payload = samples.sentry.eventAlert();
    payload.data.event.exception = { values: "garbage" };
    expect(eventOf("sentry", "event_alert", payload).stackFrames).toBeUndefined();
  });

  it("slack: everything a thread references is discussed_in the thread", () => {
    const payload = samples.slack.appMention();
    payload.event.text = "<@U0LAN0Z89> see <https://sentry.io/organizations/example-org/issues/4509012345/|the error> and PAY-142";
    const x = extractGraph(eventOf("slack", "app_mention", payload));
    const thread = "slack:thread:T0001/C0LAN2Q65/1515449522.000016";
    expect(edgesOf(x)).toEqual(
      expect.arrayContaining([`sentry:issue-id:4509012345 -discussed_in-> ${thread}`, `jira:issue:PAY-142 -discussed_in-> ${thread}`]),
    );
    expect(x.entities.find((e) => e.key === thread)?.text).toContain("see <https://sentry.io");
  });

  it("identities: emails are lowercased; GRAPH_PERSON_IDENTITIES names persons by key or by email", () => {
    const identities = { "person:slack:T0001/U061F7AUR": "dana", "email:dana.reyes@example.com": "dana" };
    const jira = extractGraph(eventOf("jira", "jira:issue_created", samples.jira.issueCreated()), { identities });
    expect(jira.identities).toEqual(
      expect.arrayContaining([
        { person: "person:jira:712020:4f2d9c1e-8b3a-4e6f-9d21-0c5a7b3e8f14", identity: "email:dana.reyes@example.com", source: "email" },
        { person: "person:jira:712020:4f2d9c1e-8b3a-4e6f-9d21-0c5a7b3e8f14", identity: "name:dana", source: "config" },
      ]),
    );
    const slack = extractGraph(eventOf("slack", "message", samples.slack.messageThread()), { identities });
    expect(slack.identities).toEqual([{ person: "person:slack:T0001/U061F7AUR", identity: "name:dana", source: "config" }]);
  });

  it("GRAPH_PERSON_IDENTITIES parses people, vendor accounts and emails", () => {
    const config = getConfig({
      ...env,
      GRAPH_PERSON_IDENTITIES: "dana = github:dana-r, jira:712020:4f2d, Dana@Example.com; lee=slack:T1/U2; broken",
    } as Env);
    expect(config.GRAPH_PERSON_IDENTITIES).toEqual({
      "person:github:dana-r": "dana",
      "person:jira:712020:4f2d": "dana",
      "email:dana@example.com": "dana",
      "person:slack:T1/U2": "lee",
    });
  });

  it("every extraction carries its timeline row: vendor, type, action, who and what", () => {
    const x = extractGraph(eventOf("jira", "comment_created", samples.jira.commentCreated()));
    expect(x.timeline).toEqual({
      vendor: "jira",
      eventType: "comment_created",
      summary: "jira comment_created by Dana Reyes: Checkout returns 502 for EUR card payments",
      url: "https://example.atlassian.net/browse/PAY-142",
    });
  });
});
