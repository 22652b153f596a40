// Extraction is pure: each vendor's real sample, parsed as the ingest route parses it,
// gives the entities and relations it states. Plus the reference and closing-keyword parsers.
import { describe, expect, it } from "vitest";
import githubExamples from "@octokit/webhooks-examples/api.github.com/index.json";
import { getConfig } from "../../workers/config";
import { env } from "cloudflare:workers";
import { agentEventSchema, MAX_EVENT_FILES, type AgentEvent, type Vendor } from "../../workers/events/agent-event";
import { extractGraph } from "../../workers/graph/extract";
import { keys, MAX_ENTITY_TEXT, type Extraction, type GraphContext } from "../../workers/graph/graph-types";
import { graphContext } from "../../workers/graph/record-event";
import { findClosingReferences, findReferences, findSlackMentions } from "../../workers/graph/references";
import { integrations } from "../../workers/integrations/registry";
import * as samples from "./samples";

function eventOf(vendor: Vendor, type: string, payload: unknown): AgentEvent {
  const parsed = integrations[vendor].parse(type, payload);
  expect(parsed.handled, parsed.note).toBe(true);
  return agentEventSchema.parse({ ...parsed, id: "dlv_test", vendor, deliveryKey: "test", type, payloadRef: "payloads/test.json", receivedAt: 1 });
}

const keysOf = (x: Extraction) => x.entities.map((e) => e.key).sort();
const edgesOf = (x: Extraction) => x.edges.map((e) => `${e.source} -${e.type}-> ${e.target}`).sort();

describe("extractGraph: GitHub", () => {
  it("issues.opened: issue in its repository, opened by its author, references in the body", () => {
    const payload = samples.github("issues", "opened");
    payload.issue.body = "Seen with PAY-142 and BACKEND-4Z; duplicate of #3. Fixes #2";
    const x = extractGraph(eventOf("github", "issues", payload));
    const repo = "Codertocat/Hello-World";
    const issue = `github:issue:${repo}#${payload.issue.number}`;
    expect(keysOf(x)).toEqual(expect.arrayContaining([`github:repo:${repo}`, issue, "person:github:Codertocat"]));
    expect(x.entities.find((e) => e.key === issue)).toMatchObject({ type: "issue", title: payload.issue.title, url: payload.issue.html_url });
    expect(edgesOf(x)).toEqual(
      expect.arrayContaining([
        `${issue} -belongs_to-> github:repo:${repo}`,
        `${issue} -opened_by-> person:github:Codertocat`,
        `${issue} -references-> jira:issue:PAY-142`,
        `${issue} -references-> sentry:issue:BACKEND-4Z`,
        `${issue} -references-> github:issue:${repo}#3`,
        `${issue} -closes-> github:issue:${repo}#2`,
      ]),
    );
  });

  it("issue_comment.created: the commenter comments on the issue, references hang off the issue", () => {
    const payload = samples.github("issue_comment", "created");
    payload.comment.body = "Related: https://github.com/octo/other/pull/7";
    const x = extractGraph(eventOf("github", "issue_comment", payload));
    const issue = `github:issue:Codertocat/Hello-World#${payload.issue.number}`;
    expect(edgesOf(x)).toEqual(
      expect.arrayContaining([
        `person:github:${payload.comment.user.login} -comments_on-> ${issue}`,
        `${issue} -references-> github:pr:octo/other#7`,
      ]),
    );
    expect(edgesOf(x).some((e) => e.includes("opened_by"))).toBe(false);
  });

  it("pull_request.opened: PR, head branch (with the Jira key in its name) and head commit", () => {
    const payload = samples.github("pull_request", "opened");
    payload.pull_request.head.ref = "PAY-142-fix-currency";
    const x = extractGraph(eventOf("github", "pull_request", payload));
    const repo = "Codertocat/Hello-World";
    const pr = `github:pr:${repo}#${payload.pull_request.number}`;
    const branch = `github:branch:${repo}@PAY-142-fix-currency`;
    const commit = `github:commit:${repo}@${payload.pull_request.head.sha.slice(0, 7)}`;
    expect(x.entities.find((e) => e.key === pr)).toMatchObject({ type: "pull_request", title: payload.pull_request.title });
    expect(edgesOf(x)).toEqual(
      expect.arrayContaining([
        `${pr} -belongs_to-> github:repo:${repo}`,
        `${pr} -opened_by-> person:github:Codertocat`,
        `${pr} -from_branch-> ${branch}`,
        `${branch} -references-> jira:issue:PAY-142`,
        `${pr} -references-> ${commit}`,
      ]),
    );
  });

  it("pull_request_review_comment.created: comment on the PR, at a commit", () => {
    const payload = samples.github("pull_request_review_comment", "created");
    const x = extractGraph(eventOf("github", "pull_request_review_comment", payload));
    const pr = `github:pr:Codertocat/Hello-World#${payload.pull_request.number}`;
    expect(edgesOf(x)).toEqual(
      expect.arrayContaining([
        `person:github:${payload.comment.user.login} -comments_on-> ${pr}`,
        `${pr} -references-> github:commit:Codertocat/Hello-World@${payload.comment.commit_id.slice(0, 7)}`,
      ]),
    );
  });

  it("push: branch, one commit per pushed commit, pusher, and what commit messages close", () => {
    const payload = samples.github("push");
    payload.ref = "refs/heads/main";
    payload.commits = [
      { id: "0123456789abcdef0123456789abcdef01234567", message: "Fix currency lookup\n\nCloses #5, see PAY-142", url: "https://github.com/x" },
      { id: "89abcdef0123456789abcdef0123456789abcdef", message: "Tidy", url: "https://github.com/y" },
    ];
    const x = extractGraph(eventOf("github", "push", payload));
    const repo = "Codertocat/Hello-World";
    const branch = `github:branch:${repo}@${payload.ref.replace("refs/heads/", "")}`;
    const first = `github:commit:${repo}@0123456`;
    expect(keysOf(x)).toEqual(expect.arrayContaining([branch, first, `github:commit:${repo}@89abcde`]));
    expect(edgesOf(x)).toEqual(
      expect.arrayContaining([
        `${branch} -belongs_to-> github:repo:${repo}`,
        `${first} -on_branch-> ${branch}`,
        `${first} -pushed_by-> person:github:${payload.sender.login}`,
        `${first} -closes-> github:issue:${repo}#5`,
        `${first} -references-> jira:issue:PAY-142`,
      ]),
    );
    expect(x.entities.find((e) => e.key === first)?.title).toBe("Fix currency lookup");
  });

  it("installation.created: the installation, its account and who installed it", () => {
    const payload = samples.github("installation", "created");
    const x = extractGraph(eventOf("github", "installation", payload));
    const installation = `github:installation:${payload.installation.id}`;
    expect(edgesOf(x)).toEqual(
      expect.arrayContaining([
        `${installation} -belongs_to-> github:account:${payload.installation.account.login}`,
        `${installation} -installed_by-> person:github:${payload.sender.login}`,
      ]),
    );
  });
});

describe("extractGraph: Jira", () => {
  it("jira:issue_created: issue in its project, reporter, and the Sentry issue its description names", () => {
    const x = extractGraph(eventOf("jira", "jira:issue_created", samples.jira.issueCreated()));
    expect(x.entities.find((e) => e.key === "jira:issue:PAY-142")).toMatchObject({ type: "jira_issue", url: "https://example.atlassian.net/browse/PAY-142" });
    expect(edgesOf(x)).toEqual(
      expect.arrayContaining([
        "jira:issue:PAY-142 -belongs_to-> jira:project:PAY",
        "jira:issue:PAY-142 -opened_by-> person:jira:712020:4f2d9c1e-8b3a-4e6f-9d21-0c5a7b3e8f14",
        "jira:issue:PAY-142 -references-> sentry:issue:BACKEND-4Z",
      ]),
    );
    // Its own key in its own text is not a relation.
    expect(x.edges.some((e) => e.source === e.target)).toBe(false);
    expect(x.entities.find((e) => e.type === "person")?.properties).toMatchObject({ email: "dana.reyes@example.com" });
  });

  it("jira:issue_updated: the issue, without a second opened_by", () => {
    const x = extractGraph(eventOf("jira", "jira:issue_updated", samples.jira.issueUpdated()));
    expect(keysOf(x)).toEqual(expect.arrayContaining(["jira:issue:PAY-142", "jira:project:PAY"]));
    expect(edgesOf(x).some((e) => e.includes("opened_by"))).toBe(false);
  });

  it("comment_created: the author comments on the issue", () => {
    const payload = samples.jira.commentCreated();
    payload.comment.body = "Same as https://sentry.io/organizations/example-org/issues/4509012345/";
    const x = extractGraph(eventOf("jira", "comment_created", payload));
    expect(edgesOf(x)).toEqual(
      expect.arrayContaining([
        "person:jira:712020:4f2d9c1e-8b3a-4e6f-9d21-0c5a7b3e8f14 -comments_on-> jira:issue:PAY-142",
        "jira:issue:PAY-142 -references-> sentry:issue-id:4509012345",
      ]),
    );
  });
});

describe("extractGraph: Slack", () => {
  it("app_mention: thread in its channel, who wrote, who was mentioned, what it references", () => {
    const payload = samples.slack.appMention();
    payload.event.text = "<@U0LAN0Z89> checkout is down, see <https://sentry.io/organizations/example-org/issues/4509012345/|BACKEND-4Z> and PAY-142";
    const x = extractGraph(eventOf("slack", "app_mention", payload));
    const thread = "slack:thread:T0001/C0LAN2Q65/1515449522.000016";
    expect(x.entities.find((e) => e.key === thread)).toMatchObject({ type: "slack_thread", title: expect.stringContaining("checkout is down") });
    expect(edgesOf(x)).toEqual(
      expect.arrayContaining([
        `${thread} -belongs_to-> slack:channel:T0001/C0LAN2Q65`,
        `person:slack:T0001/U061F7AUR -comments_on-> ${thread}`,
        `${thread} -mentions-> person:slack:T0001/U0LAN0Z89`,
        `${thread} -references-> sentry:issue-id:4509012345`,
        `${thread} -references-> jira:issue:PAY-142`,
      ]),
    );
  });

  it("message in a thread: the reply joins the thread without renaming it", () => {
    const x = extractGraph(eventOf("slack", "message", samples.slack.messageThread()));
    const thread = x.entities.find((e) => e.key === "slack:thread:T0001/C0LAN2Q65/1515449522.000016");
    expect(thread?.title).toBeUndefined();
    expect(edgesOf(x)).toContain("person:slack:T0001/U061F7AUR -comments_on-> slack:thread:T0001/C0LAN2Q65/1515449522.000016");
  });
});

describe("extractGraph: Sentry", () => {
  it("issue.created: short-id issue in its project, the numeric id linked as same_as", () => {
    const x = extractGraph(eventOf("sentry", "issue", samples.sentry.issueCreated()));
    expect(x.entities.find((e) => e.key === "sentry:issue:BACKEND-4Z")).toMatchObject({
      type: "sentry_issue",
      url: "https://sentry.io/organizations/example-org/issues/4509012345/",
      properties: { issueId: "4509012345", shortId: "BACKEND-4Z" },
    });
    expect(edgesOf(x)).toEqual([
      "sentry:issue-id:4509012345 -same_as-> sentry:issue:BACKEND-4Z",
      "sentry:issue:BACKEND-4Z -belongs_to-> sentry:project:backend",
    ]);
    // Sentry's own automation is not a person.
    expect(x.entities.some((e) => e.type === "person")).toBe(false);
  });

  it("event_alert: the issue by numeric id, with the issue URL", () => {
    const x = extractGraph(eventOf("sentry", "event_alert", samples.sentry.eventAlert()));
    expect(x.entities.find((e) => e.key === "sentry:issue-id:4509012345")).toMatchObject({
      type: "sentry_issue",
      url: "https://sentry.io/organizations/example-org/issues/4509012345/",
    });
  });

  it("metric_alert: the alert rule as an entity", () => {
    const x = extractGraph(eventOf("sentry", "metric_alert", samples.sentry.metricAlert()));
    expect(x.entities).toEqual([expect.objectContaining({ key: "sentry:alert:12", type: "sentry_alert", title: "Critical: High error rate in backend" })]);
  });

  it("comment: the commenter comments on the issue, and the comment's references", () => {
    const payload = samples.sentry.comment();
    payload.data.comment = "Tracked in PAY-142";
    const x = extractGraph(eventOf("sentry", "comment", payload));
    expect(edgesOf(x)).toEqual(
      expect.arrayContaining([
        "person:sentry:42 -comments_on-> sentry:issue-id:4509012345",
        "sentry:issue-id:4509012345 -belongs_to-> sentry:project:backend",
        "sentry:issue-id:4509012345 -references-> jira:issue:PAY-142",
      ]),
    );
  });
});

it("unhandled events state nothing", () => {
  const parsed = integrations.github.parse("star", {});
  const event = agentEventSchema.parse({ ...parsed, id: "x", vendor: "github", deliveryKey: "k", type: "star", payloadRef: "p", receivedAt: 1 });
  expect(extractGraph(event)).toEqual({ entities: [], edges: [] });
});

describe("findReferences", () => {
  const keys = (text: string, repository?: string) => findReferences(text, { repository }).map((e) => e.key);

  it("reads Jira keys and Sentry short ids apart, and skips look-alikes", () => {
    expect(keys("PAY-142 broke, BACKEND-4Z fired, UTF-8 and SHA-256 are fine, pay-1 is not a key")).toEqual([
      "jira:issue:PAY-142",
      "sentry:issue:BACKEND-4Z",
    ]);
  });

  it("reads GitHub and Sentry URLs without reading their paths again", () => {
    expect(
      keys(
        "https://github.com/octo/repo/issues/12 https://github.com/octo/repo/pull/13#issuecomment-1 https://example-org.sentry.io/issues/77/ https://example.atlassian.net/browse/OPS-9",
        "octo/repo",
      ),
    ).toEqual(["github:issue:octo/repo#12", "github:pr:octo/repo#13", "sentry:issue-id:77"]);
  });

  it("resolves #N within the event's repository only", () => {
    expect(keys("see #4 and &#39; and a#5", "octo/repo")).toEqual(["github:issue:octo/repo#4"]);
    expect(keys("see #4")).toEqual([]);
  });

  it("finds GitHub closing keywords", () => {
    const closes = (text: string) => findClosingReferences(text, "octo/repo").map((e) => e.key);
    expect(closes("Fixes #12, closes other/repo#3. Resolved: https://github.com/x/y/issues/9 and fix #1")).toEqual([
      "github:issue:octo/repo#12",
      "github:issue:other/repo#3",
      "github:issue:x/y#9",
      "github:issue:octo/repo#1",
    ]);
    expect(closes("this fixes nothing in #12 and addresses #13")).toEqual([]);
  });

  it("finds Slack user mentions", () => {
    expect(findSlackMentions("<@U1ABC> and <@W2|dana> and <@U1ABC>")).toEqual(["U1ABC", "W2"]);
  });
});

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
    expect(x.identities).toContainEqual({ person: "person:github:Codertocat", identity: `email:${payload.pusher.email.toLowerCase()}`, source: "email" });
  });

  it("pull_request_review_comment: the pull request touches the file the comment is on", () => {
    const payload = samples.github("pull_request_review_comment", "created");
    const x = extractGraph(eventOf("github", "pull_request_review_comment", payload));
    expect(edgesOf(x)).toContain(`github:pr:${repo}#${payload.pull_request.number} -touches-> ${keys.file(repo, payload.comment.path)}`);
  });

  it("issues.assigned and pull_request.assigned: the subject is assigned_to each assignee; the body is its text", () => {
    const issue = samples.github("issues", "assigned");
    const x = extractGraph(eventOf("github", "issues", issue));
    expect(edgesOf(x)).toContain(`github:issue:${repo}#${issue.issue.number} -assigned_to-> person:github:${issue.issue.assignees[0].login}`);
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
    expect(x.edges.find((e) => e.type === "culprit_in" && e.target.endsWith("charge.py"))?.properties).toEqual({ innermost: true, function: "capture", line: 88 });
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
    expect(edgesOf(extractGraph(event, context))).toContain(`sentry:issue-id:4509012345 -culprit_in-> ${keys.file(repo, "app/payments/charge.py")}`);
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
    const config = getConfig({ ...env, GRAPH_PERSON_IDENTITIES: "dana = github:dana-r, jira:712020:4f2d, Dana@Example.com; lee=slack:T1/U2; broken" } as Env);
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
