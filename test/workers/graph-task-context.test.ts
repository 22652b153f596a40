// The graph's view of a task's subject, as the agent's prompt shows it: the PR and
// the Jira ticket behind the file a Sentry error points at, nearest and most specific
// first, never the hubs (repositories, projects) that connect everything.
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { keys, type EdgeInput, type EntityInput } from "../../core/graph-types";
import type { TaskSpec } from "../../core/task-types";
import { buildPrompt, renderRelated } from "../../durable-objects/task/prompt";
import { upsertExtraction } from "../../workers/graph/store";
import { relatedEntities } from "../../workers/graph/task-context";
import { installFakeRunner } from "./fake-runner";
import * as samples from "./samples";
import { deliver, eventually } from "./support";

afterEach(() => vi.restoreAllMocks());

const REPO = "acme/payments";
const sentryIssue = keys.sentryIssue("BACKEND-9Q");
const culprit = keys.file(REPO, "app/payments/charge.py");
const commit = keys.commit(REPO, "abc1234def");
const branch = keys.branch(REPO, "feature/PAY-900-currency");
const pr = keys.pullRequest(REPO, 77);
const ticket = keys.jiraIssue("PAY-900");
const repo = keys.repo(REPO);
const project = keys.sentryProject("backend");

async function seedGraph(extra: { entities?: EntityInput[]; edges?: EdgeInput[] } = {}) {
  const entities: EntityInput[] = [
    { key: sentryIssue, type: "sentry_issue", title: "KeyError: 'currency'" },
    { key: culprit, type: "file", title: "app/payments/charge.py" },
    { key: commit, type: "commit", title: "PAY-900 read currency from the order" },
    { key: branch, type: "branch", title: "feature/PAY-900-currency" },
    { key: pr, type: "pull_request", title: "Read currency from the order", url: `https://github.com/${REPO}/pull/77` },
    { key: ticket, type: "jira_issue", title: "EUR checkout fails" },
    { key: repo, type: "repository", title: REPO },
    { key: project, type: "sentry_project", title: "backend" },
    ...(extra.entities ?? []),
  ];
  const edges: EdgeInput[] = [
    { source: sentryIssue, target: culprit, type: "culprit_in" },
    { source: sentryIssue, target: project, type: "belongs_to" },
    { source: commit, target: culprit, type: "touches" },
    { source: commit, target: repo, type: "belongs_to" },
    { source: commit, target: branch, type: "on_branch" },
    { source: commit, target: ticket, type: "references" },
    { source: pr, target: branch, type: "from_branch" },
    { source: pr, target: commit, type: "references" },
    { source: pr, target: repo, type: "belongs_to" },
    ...(extra.edges ?? []),
  ];
  await upsertExtraction(env.DB, { entities, edges }, "dlv_seed", Date.now());
}

describe("task context from the knowledge graph", () => {
  it("finds the PR and the Jira ticket behind a Sentry issue's culprit file, and leaves out hubs", async () => {
    // Noise on the hubs: other PRs of the repository must not be pulled in through it.
    const noise = Array.from({ length: 30 }, (_, i) => keys.pullRequest(REPO, 1000 + i));
    await seedGraph({
      entities: noise.map((key) => ({ key, type: "pull_request" as const, title: "unrelated" })),
      edges: noise.map((source) => ({ source, target: repo, type: "belongs_to" as const })),
    });

    const related = await relatedEntities(env.DB, sentryIssue, { limit: 10 });
    const byKey = new Map(related.map((r) => [r.key, r]));
    expect(byKey.get(culprit)).toMatchObject({ depth: 1, via: { edge: "culprit_in", from: sentryIssue } });
    expect(byKey.get(commit)).toMatchObject({ depth: 2, via: { edge: "touches", from: culprit } });
    expect(byKey.get(pr)).toMatchObject({ type: "pull_request", depth: 3, url: `https://github.com/${REPO}/pull/77` });
    expect(byKey.get(ticket)).toMatchObject({ type: "jira_issue", depth: 3 });
    expect(related.map((r) => r.type)).not.toContain("repository");
    expect(related.map((r) => r.type)).not.toContain("sentry_project");
    expect(related.some((r) => r.title === "unrelated")).toBe(false);
    // Nearest and most specific first: the PR outranks the branch at the same distance.
    expect(related.findIndex((r) => r.key === pr)).toBeLessThan(related.findIndex((r) => r.key === branch));
  });

  it("stays within its count and size bounds, and mixes kinds rather than listing one stack trace", async () => {
    const issue = keys.sentryIssue("BACKEND-BIG");
    const files = Array.from({ length: 40 }, (_, i) => keys.file(REPO, `src/module-${i}.ts`));
    await seedGraph({
      entities: [
        { key: issue, type: "sentry_issue" },
        ...files.map((key) => ({ key, type: "file" as const, title: `${"very long title ".repeat(30)}${key}` })),
      ],
      edges: [
        { source: issue, target: culprit, type: "culprit_in" },
        ...files.map((target) => ({ source: issue, target, type: "culprit_in" as const })),
      ],
    });
    const related = await relatedEntities(env.DB, issue, { limit: 9 });
    expect(related.length).toBeLessThanOrEqual(9);
    expect(related.filter((r) => r.type === "file")).toHaveLength(3);
    expect(related.map((r) => r.key)).toEqual(expect.arrayContaining([pr, ticket, commit]));
    for (const entity of related) expect(entity.title!.length).toBeLessThanOrEqual(160);
    const many = await relatedEntities(env.DB, issue, { limit: 60 });
    expect(many.length).toBeGreaterThan(20);
    expect(renderRelated(many)!.length).toBeLessThanOrEqual(3_000);
  });

  it("renders the related entities into the agent's prompt", async () => {
    await seedGraph();
    const spec: TaskSpec = {
      id: "task_ctx",
      deliveryId: "dlv_ctx",
      vendor: "sentry",
      eventType: "issue",
      subject: { sentryShortId: "BACKEND-9Q", sentryProject: "backend", repository: REPO },
      subjectText: "sentry:BACKEND-9Q",
      title: "KeyError: 'currency'",
      prompt: "KeyError: 'currency'",
      links: [],
      reason: "new issue",
      payloadRef: "",
      related: await relatedEntities(env.DB, sentryIssue),
      createdAt: Date.now(),
    };
    const prompt = buildPrompt(spec);
    expect(prompt).toContain("Related (from agent-bot's knowledge graph; nearest first):");
    expect(prompt).toContain(`pull_request ${pr} "Read currency from the order"`);
    expect(prompt).toContain(`jira_issue ${ticket} "EUR checkout fails"`);
    expect(prompt.indexOf("Related")).toBeLessThan(prompt.indexOf("Request:"));
  });

  it("gives nothing for an entity the graph does not know", async () => {
    expect(await relatedEntities(env.DB, keys.sentryIssue("NOPE-1"))).toEqual([]);
  });

  it("puts the PR and the Jira ticket behind a Sentry error's culprit file into the prompt of the task the error starts", async () => {
    const runner = installFakeRunner({ "sentry.test": () => Response.json({ id: "1", type: "note" }, { status: 201 }) });
    const sha = "9f1c2d3e4b5a69788776655443322110ffeeddcc";
    const branchName = "feature/PAY-142-currency";

    // A push: one commit on the ticket's branch touches the file the error will point at.
    const push = samples.github("push");
    push.ref = `refs/heads/${branchName}`;
    const commitPayload = {
      id: sha,
      tree_id: sha,
      distinct: true,
      message: "Read the currency from the order",
      timestamp: "2025-03-14T09:30:00Z",
      url: `https://github.com/Codertocat/Hello-World/commit/${sha}`,
      author: { name: "Codertocat", email: "codertocat@example.com", username: "Codertocat" },
      committer: { name: "Codertocat", email: "codertocat@example.com", username: "Codertocat" },
      added: [],
      removed: [],
      modified: ["app/payments/charge.py", "app/payments/fx.py"],
    };
    push.commits = [commitPayload];
    push.head_commit = commitPayload;
    push.after = sha;
    await deliver("github", push, { eventType: "push" });

    // The pull request from that branch, its head at that commit; no mention, so no task of its own.
    const opened = samples.github("pull_request", "opened");
    opened.number = 2;
    opened.pull_request.number = 2;
    opened.pull_request.title = "Read the currency from the order";
    opened.pull_request.body = "Handles orders without an explicit currency.";
    opened.pull_request.head.ref = branchName;
    opened.pull_request.head.sha = sha;
    opened.pull_request.html_url = "https://github.com/Codertocat/Hello-World/pull/2";
    await deliver("github", opened, { eventType: "pull_request" });

    // The Sentry issue names app/payments/charge.py as its culprit; its project maps to the repository.
    const sentryRow = await deliver("sentry", samples.sentry.issueCreated(), { eventType: "issue" });
    expect(sentryRow.decision).toBe("triggered");
    const run = await eventually(async () => runner.runs.get(sentryRow.task_id!));
    const prompt = run.request.prompt;
    expect(prompt).toContain("Related (from agent-bot's knowledge graph; nearest first):");
    expect(prompt).toContain("github:file:Codertocat/Hello-World:app/payments/charge.py");
    expect(prompt).toMatch(
      /- pull_request github:pr:Codertocat\/Hello-World#2 "Read the currency from the order" https:\/\/github\.com\/Codertocat\/Hello-World\/pull\/2/,
    );
    expect(prompt).toContain("jira:issue:PAY-142");
    // The mapped repository also gives the Sentry task a checkout.
    expect(run.request.repo?.cloneUrl).toMatch(/Codertocat\/Hello-World\.git$/);
  });
});
