// Per-request choice of CLI and model (issue 18): `[cli=…]` / `[model=…]` in the triggering text
// or LABEL_PREFIX labels reach the run request; a model not in ALLOWED_MODELS is refused in the
// thread, with what is allowed, and nothing runs.
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { RunRequest } from "../../core/runner-protocol";
import type { TaskState } from "../../core/task-types";
import { getConfig } from "../../workers/config";
import { parseAgentChoice, resolveAgentChoice } from "../../workers/integrations/agent-choice";
import { taskAgent } from "./agents";
import { installFakeRunner, type FakeRunner } from "./fake-runner";
import * as samples from "./samples";
import { deliver, eventually } from "./support";

afterEach(() => vi.restoreAllMocks());

const config = getConfig(env);

/** Every run request, and a run that succeeds at once. */
function recordRuns(runner: FakeRunner): RunRequest[] {
  const requests: RunRequest[] = [];
  runner.script = (request) => {
    requests.push(request);
    return [{ type: "result", outcome: "succeeded", summary: "Done" }];
  };
  return requests;
}

/** GitHub's REST API as far as tracking comments go; keeps what was posted and edited. */
function githubThread() {
  const bodies: string[] = [];
  const handler = async (request: Request) => {
    if (request.method !== "GET") bodies.push(String(((await request.json()) as { body?: string }).body));
    return Response.json({ id: 7001, html_url: "https://github.com/Codertocat/Hello-World/issues/1#issuecomment-7001" }, { status: 201 });
  };
  return { bodies, handler };
}

function comment(issueNumber: number, body: string) {
  const payload = samples.github("issue_comment", "created");
  payload.issue.number = issueNumber;
  payload.comment.id = 880_000 + issueNumber;
  payload.comment.body = body;
  return payload;
}

async function until(taskId: string, check: (state: TaskState) => boolean): Promise<TaskState> {
  const agent = await taskAgent(taskId);
  return eventually(async () => {
    const state = await agent.getTask();
    return check(state) ? state : undefined;
  });
}

describe("parsing the choice", () => {
  it("reads tokens before labels, strips them from the text, and ignores labels that choose nothing", () => {
    const choice = parseAgentChoice(
      "@agent-bot [cli=Cursor] fix it [model=gpt-5]",
      ["agent-bot:claude", "agent-bot:approve"],
      "agent-bot:",
    );
    expect(choice).toMatchObject({ cli: "cursor", model: "gpt-5", text: "@agent-bot fix it" });
    expect(
      parseAgentChoice("fix it", ["agent-bot", "agent-bot:approve", "agent-bot:model:opus", "agent-bot:cursor"], "agent-bot:"),
    ).toMatchObject({
      cli: "cursor",
      model: "opus",
      modelFrom: 'label "agent-bot:model:opus"',
    });
    expect(parseAgentChoice("fix it", ["bot/cursor"], "bot/")).toMatchObject({ cli: "cursor" });
  });

  it("allows DEFAULT_MODEL and ALLOWED_MODELS per CLI or for every CLI, and says what is allowed otherwise", () => {
    const settings = {
      DEFAULT_CLI: "claude" as const,
      DEFAULT_MODEL: { claude: "sonnet" },
      ALLOWED_MODELS: { claude: ["opus"], "*": ["shared-model"] },
    };
    const resolve = (text: string) => resolveAgentChoice(parseAgentChoice(text, [], "agent-bot:"), settings);
    expect(resolve("[model=opus]")).toEqual({ model: "opus" });
    expect(resolve("[model=sonnet]")).toEqual({ model: "sonnet" });
    expect(resolve("[cli=cursor] [model=shared-model]")).toEqual({ cli: "cursor", model: "shared-model" });
    expect(resolve("[cli=cursor] [model=opus]").refusal).toBe(
      "[model=opus] asks for a model that is not allowed; the models allowed for cursor are: shared-model",
    );
    expect(resolve("[cli=codex]").refusal).toMatch(/names no CLI agent-bot runs; choose one of: claude, cursor/);
    expect(resolveAgentChoice({ text: "", model: "opus" }, { ...settings, DEFAULT_MODEL: {}, ALLOWED_MODELS: {} }).refusal).toMatch(
      /no model may be chosen for claude \(ALLOWED_MODELS lists none\)/,
    );
  });

  it("reads DEFAULT_MODEL and ALLOWED_MODELS from their settings", () => {
    const parsed = getConfig({
      ...env,
      DEFAULT_MODEL: "claude=claude-sonnet-4-5, cursor=gpt-5, codex=x",
      ALLOWED_MODELS: "claude:opus, cursor:sonnet-4, shared, us.anthropic.claude-v1:0",
    } as Env);
    expect(parsed.DEFAULT_MODEL).toEqual({ claude: "claude-sonnet-4-5", cursor: "gpt-5" });
    expect(parsed.ALLOWED_MODELS).toEqual({ claude: ["opus"], cursor: ["sonnet-4"], "*": ["shared", "us.anthropic.claude-v1:0"] });
    expect(config.ALLOWED_MODELS).toEqual({});
    expect(config.LABEL_PREFIX).toBe("agent-bot:");
  });
});

describe("choosing per request", () => {
  it("runs the Cursor CLI for [cli=cursor] in a GitHub comment, without the token in the prompt", async () => {
    const runner = installFakeRunner({ "github.test": githubThread().handler });
    const requests = recordRuns(runner);
    const row = await deliver("github", comment(1801, "@agent-bot [cli=cursor] fix the flaky login test"), { eventType: "issue_comment" });
    expect(row.decision).toBe("triggered");
    const state = await until(row.task_id!, (s) => s.status === "succeeded");
    expect(state.spec).toMatchObject({ cli: "cursor", prompt: "@agent-bot fix the flaky login test" });
    expect(requests).toHaveLength(1);
    expect(requests[0]!.cli).toBe("cursor");
    expect(requests[0]!.model).toBeUndefined();
    expect(requests[0]!.prompt).toContain("@agent-bot fix the flaky login test");
    expect(requests[0]!.prompt).not.toContain("[cli=");
  });

  it("runs the Cursor CLI for an agent-bot:cursor label on a Jira ticket", async () => {
    const runner = installFakeRunner({ "jira.test": () => Response.json({ id: "10001" }, { status: 201 }) });
    const requests = recordRuns(runner);
    const payload = samples.jira.issueCreated();
    payload.issue.id = "18002";
    payload.issue.key = "PAY-1802";
    payload.issue.fields.labels = ["agent-bot", "agent-bot:cursor"];
    const row = await deliver("jira", payload, { deliveryId: "jira-choice-1802" });
    expect(row.decision).toBe("triggered");
    await until(row.task_id!, (s) => s.status === "succeeded");
    expect(requests.map((r) => r.cli)).toEqual(["cursor"]);
  });

  it("refuses an unapproved model with a reply in the thread that says what is allowed, and runs nothing", async () => {
    const thread = githubThread();
    const runner = installFakeRunner({ "github.test": thread.handler });
    const requests = recordRuns(runner);
    const row = await deliver("github", comment(1803, "@agent-bot [model=claude-opus-9000] fix it"), { eventType: "issue_comment" });
    expect(row.decision).toBe("refused");
    expect(row.reason).toMatch(/refused: \[model=claude-opus-9000\] asks for a model that is not allowed/);
    const state = await until(row.task_id!, (s) => s.status === "failed");
    expect(state.attempts).toEqual([]);
    expect(state.result?.reason).toMatch(/no model may be chosen for claude \(ALLOWED_MODELS lists none\)/);
    await eventually(async () => thread.bodies.some((b) => b.includes("ALLOWED_MODELS lists none")));
    expect(requests).toEqual([]);
    expect(runner.requests.filter((r) => r.path === "/runs")).toEqual([]);
  });

  it("takes no choice from text no permitted person wrote: a Sentry error's message naming a model runs as configured", async () => {
    const runner = installFakeRunner({ "sentry.test": () => Response.json({ id: "1", type: "note" }, { status: 201 }) });
    const requests = recordRuns(runner);
    const payload = samples.sentry.issueCreated();
    payload.data.issue.id = "4509991805";
    payload.data.issue.shortId = "BACKEND-C5";
    payload.data.issue.metadata.value = "[model=attacker-model] [cli=cursor] boom";
    const row = await deliver("sentry", payload, { eventType: "issue" });
    expect(row.decision).toBe("triggered");
    const state = await until(row.task_id!, (s) => s.status === "succeeded");
    expect(state.spec?.refusal).toBeUndefined();
    expect(requests.map((r) => [r.cli, r.model])).toEqual([["claude", undefined]]);
    // The text stays as written, inside its fence.
    expect(requests[0]!.prompt).toContain("[model=attacker-model]");
  });

  it("sends an allowed model as RunRequest.model and shows it in the tracking message", async () => {
    const thread = githubThread();
    const runner = installFakeRunner({ "github.test": thread.handler });
    const requests = recordRuns(runner);
    const agent = await taskAgent("task_choice_model_1804");
    await agent.createTask({
      id: "task_choice_model_1804",
      deliveryId: "dlv_choice_model_1804",
      vendor: "github",
      eventType: "issue_comment",
      subject: { repository: "Codertocat/Hello-World", issueNumber: 1804 },
      subjectText: "Codertocat/Hello-World#1804",
      title: "Use the bigger model",
      prompt: "fix it",
      links: [],
      reason: "test",
      payloadRef: "",
      cli: "claude",
      model: "claude-opus-4-1",
      createdAt: Date.now(),
    });
    await until("task_choice_model_1804", (s) => s.status === "succeeded");
    expect(requests.map((r) => r.model)).toEqual(["claude-opus-4-1"]);
    expect(thread.bodies.some((b) => b.includes("Running the agent (Claude Code, model claude-opus-4-1)"))).toBe(true);
  });
});
