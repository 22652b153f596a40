// A task is a conversation: a follow-up in its thread is its next turn, which resumes the CLI
// session the previous turn left (kept in R2), on the same branch and pull request. Real signed
// webhooks, the real consumer and TaskAgent; the runner and the vendor APIs are recording fakes.
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { RunnerEventInput } from "../../core/runner-protocol";
import { sessionKey } from "../../durable-objects/task/session-store";
import { taskAgent } from "./agents";
import { bundle, comment, fakeVendors, turnsOf, until } from "./conversation.support";
import { installFakeRunner } from "./fake-runner";
import * as samples from "./samples";
import { deliver, eventually, rows } from "./support";

afterEach(() => vi.restoreAllMocks());

const succeeded = (summary: string, costUsd = 0.1): RunnerEventInput[] => [
  { type: "phase", phase: "running" },
  {
    type: "result",
    outcome: "succeeded",
    summary,
    costUsd,
    change: { branch: "agent-bot/x", commitSha: "abc", filesChanged: 1, insertions: 1, deletions: 0, files: ["a.txt"] },
  },
];

describe("follow-ups are turns of the task", () => {
  it("resumes the saved session on the same branch, opens the pull request once, and shows both turns", async () => {
    const vendors = fakeVendors();
    const runner = installFakeRunner(vendors.hosts);
    runner.script = (request) =>
      succeeded(`done ${request.attempt}`).map((e) =>
        e.type === "result" && e.change ? { ...e, change: { ...e.change, branch: request.repo!.branch } } : e,
      );
    runner.session = (request) => bundle(`session-${request.attempt}`);

    const first = await comment("@agent-bot add a greeting file");
    const taskId = first.task_id!;
    await until(taskId, (s) => s.status === "succeeded" && s.conversation?.session?.attempt === 1);
    expect(await env.PAYLOADS.get(sessionKey(taskId, 1))).not.toBeNull();

    const second = await comment("@agent-bot also add a farewell");
    expect(second.decision).toBe("triggered");
    expect(second.task_id).toBe(taskId);
    expect(second.reason).toMatch(/turn 2 starts/);
    const state = await until(taskId, (s) => s.status === "succeeded" && s.attempts.length === 2);

    const [, turn2] = runner.started.filter((r) => r.taskId === taskId);
    expect(turn2?.resume).toEqual(bundle("session-1"));
    expect(turn2?.repo).toMatchObject({ ref: `agent-bot/${taskId}`, branch: `agent-bot/${taskId}` });
    expect(turn2?.prompt).toContain("also add a farewell");
    expect(turn2?.prompt).toContain("turn 2");
    // The resumed session has the first request already: the prompt is the follow-up only.
    expect(turn2?.prompt).not.toContain("add a greeting file");
    expect(vendors.pulls()).toHaveLength(1);
    expect(state.result?.pullRequestUrl).toBe("https://github.com/Codertocat/Hello-World/pull/42");

    expect(state.conversation?.turns.map((t) => [t.n, t.by, t.attempt, t.outcome, t.summary, t.sessionId, t.session])).toEqual([
      [1, "Codertocat", 1, "succeeded", "done 1", "session-1", undefined],
      [2, "Codertocat", 2, "succeeded", "done 2", "session-2", "resumed"],
    ]);
    expect(state.conversation?.turns[1]?.deliveryId).toBe(second.id);
    // Only the latest session is kept.
    await eventually(async () => (await env.PAYLOADS.get(sessionKey(taskId, 1))) === null);
    expect(await env.PAYLOADS.get(sessionKey(taskId, 2))).not.toBeNull();

    const edits = vendors.calls.filter((c) => c.method === "PATCH" && c.path.includes("/issues/comments/"));
    const last = JSON.parse(edits.at(-1)!.body).body as string;
    expect(last).toContain("**Conversation:**");
    expect(last).toMatch(/Turn 1 · Codertocat in GitHub Codertocat\/Hello-World#1: "@\u2060agent-bot add a greeting file"/);
    expect(last).toMatch(/Turn 2 · Codertocat .*also add a farewell/);
    // One tracking comment for the whole conversation.
    expect(vendors.calls.filter((c) => c.method === "POST" && c.path.endsWith("/comments"))).toHaveLength(1);
  });

  it("takes a comment on the pull request the task opened as its next turn, on the same branch", async () => {
    const vendors = fakeVendors();
    const runner = installFakeRunner(vendors.hosts);
    runner.script = (request) =>
      succeeded(`done ${request.attempt}`).map((e) =>
        e.type === "result" && e.change ? { ...e, change: { ...e.change, branch: request.repo!.branch } } : e,
      );
    const first = await comment("@agent-bot fix issue 17", 17);
    const taskId = first.task_id!;
    await until(taskId, (s) => s.status === "succeeded" && Boolean(s.result?.pullRequestUrl));

    // The fake GitHub opened pull request #42 for the task's branch; the owner comments there.
    const onPull = await comment("@agent-bot rename the file too", 42, { pullRequest: true });
    expect(onPull.task_id).toBe(taskId);
    expect(onPull.reason).toMatch(/turn 2/);
    await until(taskId, (s) => s.status === "succeeded" && s.attempts.length === 2);
    const [, turn2] = runner.started.filter((r) => r.taskId === taskId);
    expect(turn2?.repo).toMatchObject({ ref: `agent-bot/${taskId}`, branch: `agent-bot/${taskId}` });
    expect(turn2?.prompt).toContain("rename the file too");
    expect(vendors.pulls()).toHaveLength(1);
  });

  it("adds no turn for a redelivered follow-up, and `@agent-bot new` starts another task", async () => {
    const vendors = fakeVendors();
    const runner = installFakeRunner(vendors.hosts);
    runner.script = () => succeeded("ok");
    const first = await comment("@agent-bot look at issue 2", 2);
    const taskId = first.task_id!;
    await until(taskId, (s) => s.status === "succeeded");
    const agent = await taskAgent(taskId);
    const followUp = {
      deliveryId: "dlv_followup_once",
      vendor: "github" as const,
      eventType: "issue_comment",
      subject: { repository: "Codertocat/Hello-World", issueNumber: 2 },
      subjectText: "Codertocat/Hello-World#2",
      message: "@agent-bot and the tests",
      by: "Codertocat",
    };
    expect((await agent.addTurn(followUp)).decision).toBe("start");
    expect(await agent.addTurn(followUp)).toMatchObject({ decision: "duplicate", turn: 2 });
    const state = await until(taskId, (s) => s.status === "succeeded" && s.attempts.length === 2);
    expect(state.conversation?.turns).toHaveLength(2);

    const fresh = await comment("@agent-bot new: rewrite the README", 2);
    expect(fresh.task_id).not.toBe(taskId);
    expect(fresh.reason).not.toMatch(/turn/);
  });

  it("queues follow-ups that arrive while a turn runs and answers each once, in order", async () => {
    const vendors = fakeVendors();
    const runner = installFakeRunner(vendors.hosts);
    // Each run keeps running until the test ends it.
    runner.script = () => [{ type: "phase", phase: "running" }];
    const first = await comment("@agent-bot start something long", 3);
    const taskId = first.task_id!;
    await until(taskId, (s) => s.status === "running");

    const a = await comment("@agent-bot follow-up A", 3);
    const b = await comment("@agent-bot follow-up B", 3);
    expect(a.reason).toMatch(/turn 2 queued behind 1 turn/);
    expect(b.reason).toMatch(/turn 3 queued behind 2 turns/);
    let state = await until(taskId, (s) => turnsOf(s) === "1:running 2:queued 3:queued");
    const tracking = vendors.calls.filter((c) => c.method === "PATCH").at(-1)!;
    expect(JSON.parse(tracking.body).body).toMatch(/Turn 3 .*follow-up B.*queued/);

    for (const n of [1, 2, 3]) {
      await until(taskId, (s) => s.status === "running" && s.attempts.length === n);
      runner.emit(taskId, { type: "result", outcome: "succeeded", summary: `answered ${n}`, costUsd: 0.01 });
    }
    state = await until(taskId, (s) => s.status === "succeeded" && turnsOf(s) === "1:succeeded 2:succeeded 3:succeeded");
    const started = runner.started.filter((r) => r.taskId === taskId);
    expect(started.map((r) => r.attempt)).toEqual([1, 2, 3]);
    expect(started[1]?.prompt).toContain("follow-up A");
    expect(started[2]?.prompt).toContain("follow-up B");
    expect(state.conversation?.turns.map((t) => t.summary)).toEqual(["answered 1", "answered 2", "answered 3"]);
  });

  it("ends only the current turn on cancel: a later follow-up starts a new turn", async () => {
    const runner = installFakeRunner(fakeVendors().hosts);
    runner.script = () => [{ type: "phase", phase: "running" }];
    const first = await comment("@agent-bot something slow", 4);
    const taskId = first.task_id!;
    await until(taskId, (s) => s.status === "running");
    await (await taskAgent(taskId)).cancelTask("stop please");
    await until(taskId, (s) => s.status === "cancelled");

    runner.script = () => succeeded("picked up again");
    const next = await comment("@agent-bot try again, but faster", 4);
    expect(next.task_id).toBe(taskId);
    const state = await until(taskId, (s) => s.status === "succeeded");
    expect(turnsOf(state)).toBe("1:cancelled 2:succeeded");
  });

  it("counts every turn against the task's budget and refuses a turn once it is spent", async () => {
    const vendors = fakeVendors();
    const runner = installFakeRunner(vendors.hosts);
    runner.script = () => succeeded("expensive", 3);
    const first = await comment("@agent-bot costly work", 5);
    const taskId = first.task_id!;
    await until(taskId, (s) => s.status === "succeeded");
    await comment("@agent-bot more costly work", 5);
    let state = await until(taskId, (s) => s.status === "succeeded" && s.attempts.length === 2);
    // TASK_BUDGET_USD is 5: the second turn may spend what the first left.
    expect(runner.started.filter((r) => r.taskId === taskId)[1]?.maxBudgetUsd).toBeCloseTo(2);
    expect(state.costUsd).toBeCloseTo(6);

    const refused = await comment("@agent-bot and even more", 5);
    expect(refused.decision).toBe("refused");
    expect(refused.reason).toMatch(/turn 3 refused: the task has spent \$6\.00 of its \$5\.00 budget/);
    state = await until(taskId, (s) => turnsOf(s) === "1:succeeded 2:succeeded 3:refused");
    expect(runner.started.filter((r) => r.taskId === taskId)).toHaveLength(2);
    const tracking = vendors.calls.filter((c) => c.method === "PATCH").at(-1)!;
    expect(JSON.parse(tracking.body).body).toMatch(/Turn 3 .*refused: the task has spent/);
  });

  it("falls back to a fresh session that carries the earlier turns' summaries, and says so", async () => {
    const vendors = fakeVendors();
    const runner = installFakeRunner(vendors.hosts);
    runner.script = (request) => succeeded(`summary of attempt ${request.attempt}`);
    runner.session = () => bundle("session-lost");
    const first = await comment("@agent-bot first request here", 6);
    const taskId = first.task_id!;
    const ended = await until(taskId, (s) => s.status === "succeeded" && Boolean(s.conversation?.session));
    // The saved session is gone (or unreadable) by the next turn.
    await env.PAYLOADS.put(ended.conversation!.session!.key, "{not json");

    await comment("@agent-bot second request here", 6);
    const state = await until(taskId, (s) => s.status === "succeeded" && s.attempts.length === 2);
    const turn2 = runner.started.filter((r) => r.taskId === taskId)[1]!;
    expect(turn2.resume).toBeUndefined();
    expect(turn2.prompt).toContain("first request here");
    expect(turn2.prompt).toContain("could not be resumed");
    expect(turn2.prompt).toContain("Turn 1, Codertocat");
    expect(turn2.prompt).toContain("summary of attempt 1");
    expect(turn2.prompt).toContain("second request here");
    expect(state.conversation?.turns[1]?.session).toBe("fresh");
    const tracking = vendors.calls.filter((c) => c.method === "PATCH").at(-1)!;
    expect(JSON.parse(tracking.body).body).toMatch(/Turn 2 .*fresh session/);
    const log = await (await taskAgent(taskId)).getLog();
    expect(log.some((e) => /turn 2 starts a fresh session: the saved session is unreadable/.test(e.message))).toBe(true);
    const [ledger] = await rows<{ decision: string }>(
      "SELECT decision FROM deliveries WHERE task_id = ? ORDER BY received_at DESC",
      taskId,
    );
    expect(ledger?.decision).toBe("triggered");
  });
});

describe("a thread that joined the task", () => {
  it("makes a reply in a joined Slack thread the task's next turn, and tells both threads", async () => {
    const vendors = fakeVendors();
    const runner = installFakeRunner(vendors.hosts);
    runner.session = (request) => bundle(`slack-session-${request.attempt}`);
    // The GitHub task runs until the Slack thread has joined it.
    runner.script = (request) => (request.attempt === 1 ? [{ type: "phase", phase: "running" }] : succeeded("answered from Slack"));
    const first = await comment("@agent-bot fix the login bug", 9);
    const taskId = first.task_id!;
    await until(taskId, (s) => s.status === "running");

    const mention = samples.slack.appMention();
    mention.event_id = "Ev0JOIN";
    mention.event.ts = "1515440000.000001";
    mention.event.text = "<@U0LAN0Z89> is https://github.com/Codertocat/Hello-World/issues/9 fixed yet?";
    const joined = await deliver("slack", mention);
    expect(joined.task_id).toBe(taskId);
    runner.emit(taskId, { type: "result", outcome: "succeeded", summary: "first turn done", costUsd: 0.01 });
    await until(taskId, (s) => s.status === "succeeded" && s.joined?.[0]?.thread !== null);

    const reply = samples.slack.appMention();
    reply.event_id = "Ev0REPLY";
    reply.event.ts = "1515440000.000002";
    reply.event.thread_ts = "1515440000.000001";
    reply.event.text = "<@U0LAN0Z89> please also add a regression test";
    const turn = await deliver("slack", reply);
    expect(turn.task_id).toBe(taskId);
    expect(turn.reason).toMatch(/turn 2 starts: follow-up from U061F7AUR in Slack thread/);
    const state = await until(taskId, (s) => s.status === "succeeded" && s.attempts.length === 2);
    expect(state.conversation?.turns[1]).toMatchObject({
      n: 2,
      vendor: "slack",
      via: "Slack thread",
      threadOf: state.joined?.[0]?.deliveryId,
    });
    expect(runner.started.filter((r) => r.taskId === taskId)[1]?.prompt).toContain("please also add a regression test");

    // Both threads' tracking messages list the Slack turn.
    await eventually(async () => {
      const github = vendors.calls.filter((c) => c.host === "github.test" && c.method === "PATCH").at(-1);
      const slack = vendors.calls.filter((c) => c.host === "slack.test" && c.path.endsWith("chat.update")).at(-1);
      return (
        github?.body.includes("Turn 2 · U061F7AUR in Slack thread") && decodeURIComponent(slack?.body ?? "").includes("Turn 2 · U061F7AUR")
      );
    });
  });
});

describe("follow-ups from Jira and Sentry", () => {
  it("makes a Jira comment on the task's ticket, and a Sentry user's comment naming the bot, turns of their tasks", async () => {
    const runner = installFakeRunner({
      "jira.test": (request) =>
        request.method === "POST" ? Response.json({ id: "10001" }, { status: 201 }) : new Response(null, { status: 204 }),
      "sentry.test": (request) => Response.json({ id: "77", type: "note" }, { status: request.method === "POST" ? 201 : 200 }),
    });
    runner.script = () => succeeded("looked");

    const ticket = samples.jira.commentCreated();
    ticket.issue.key = "PAY-777";
    ticket.issue.id = "10777";
    const jira = await deliver("jira", ticket);
    await until(jira.task_id!, (s) => s.status === "succeeded");
    const again = samples.jira.commentCreated();
    again.issue.key = "PAY-777";
    again.issue.id = "10777";
    again.comment.id = "99001";
    again.comment.body = "@agent-bot and check the refunds too";
    const jiraTurn = await deliver("jira", again);
    expect(jiraTurn.task_id).toBe(jira.task_id);
    expect(jiraTurn.reason).toMatch(/turn 2 starts/);

    const issue = samples.sentry.issueCreated();
    issue.data.issue.id = "4509077777";
    issue.data.issue.shortId = "BACKEND-7Q";
    const sentry = await deliver("sentry", issue, { eventType: "issue" });
    await until(sentry.task_id!, (s) => s.status === "succeeded");
    const note = samples.sentry.comment();
    note.data.issue_id = 4509077777;
    note.data.comment = "@agent-bot did the last deploy cause this?";
    const sentryTurn = await deliver("sentry", note, { eventType: "comment" });
    expect(sentryTurn).toMatchObject({ decision: "triggered", task_id: sentry.task_id });
    const state = await until(sentry.task_id!, (s) => s.status === "succeeded" && s.attempts.length === 2);
    expect(state.conversation?.turns[1]).toMatchObject({ n: 2, vendor: "sentry", by: "Dana Reyes", outcome: "succeeded" });

    // A Sentry comment that does not name the bot stays a comment.
    const chatter = samples.sentry.comment();
    chatter.data.issue_id = 4509077777;
    chatter.data.comment_id = 8813;
    chatter.data.comment = "Seen again today.";
    expect((await deliver("sentry", chatter, { eventType: "comment" })).decision).toBe("not_triggered");
  });
});
