// Extraction is pure: each vendor's real sample, parsed as the ingest route parses it,
// gives the entities and relations it states.
import { describe, expect, it } from "vitest";
import { agentEventSchema } from "../../core/agent-event";
import { extractGraph } from "../../workers/graph/extract";
import { integrations } from "../../workers/integrations/registry";
import { eventOf, keysOf, edgesOf } from "./graph-extract.support";
import * as samples from "./samples";

describe("extractGraph: GitHub", () => {
  it("issues.opened: issue in its repository, opened by its author, references in the body", () => {
    const payload = samples.github("issues", "opened");
    payload.issue.body = "Seen with PAY-142 and BACKEND-4Z; duplicate of #3. Fixes #2";
    const x = extractGraph(eventOf("github", "issues", payload));
    const repo = "Codertocat/Hello-World";
    const issue = `github:issue:${repo}#${payload.issue.number}`;
    expect(keysOf(x)).toEqual(expect.arrayContaining([`github:repo:${repo}`, issue, "person:github:Codertocat"]));
    expect(x.entities.find((e) => e.key === issue)).toMatchObject({
      type: "issue",
      title: payload.issue.title,
      url: payload.issue.html_url,
    });
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
      {
        id: "0123456789abcdef0123456789abcdef01234567",
        message: "Fix currency lookup\n\nCloses #5, see PAY-142",
        url: "https://github.com/x",
      },
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
    expect(x.entities.find((e) => e.key === "jira:issue:PAY-142")).toMatchObject({
      type: "jira_issue",
      url: "https://example.atlassian.net/browse/PAY-142",
    });
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
    payload.event.text =
      "<@U0LAN0Z89> checkout is down, see <https://sentry.io/organizations/example-org/issues/4509012345/|BACKEND-4Z> and PAY-142";
    const x = extractGraph(eventOf("slack", "app_mention", payload));
    const thread = "slack:thread:T0001/C0LAN2Q65/1515449522.000016";
    expect(x.entities.find((e) => e.key === thread)).toMatchObject({
      type: "slack_thread",
      title: expect.stringContaining("checkout is down"),
    });
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
    expect(x.entities).toEqual([
      expect.objectContaining({ key: "sentry:alert:12", type: "sentry_alert", title: "Critical: High error rate in backend" }),
    ]);
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
  const event = agentEventSchema.parse({
    ...parsed,
    id: "x",
    vendor: "github",
    deliveryKey: "k",
    type: "star",
    payloadRef: "p",
    receivedAt: 1,
  });
  expect(extractGraph(event)).toEqual({ entities: [], edges: [] });
});
