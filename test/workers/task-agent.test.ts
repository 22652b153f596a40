import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { getAgentByName } from "agents";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { TaskSpec } from "../../core/task-types";
import type { TaskAgent } from "../../durable-objects/task-agent";
import { installFakeRunner } from "./fake-runner";
import { eventually } from "./support";

function spec(id: string): TaskSpec {
  return {
    id,
    deliveryId: `dlv_${id}`,
    vendor: "github",
    eventType: "issue_comment",
    action: "created",
    actor: "Codertocat",
    subject: { repository: "Codertocat/Hello-World", issueNumber: 1 },
    subjectText: "Codertocat/Hello-World#1",
    title: "Spelling error in the README file",
    prompt: "@agent-bot fix it",
    links: ["https://github.com/Codertocat/Hello-World/issues/1#issuecomment-492700400"],
    reason: "mentioned by Codertocat (OWNER)",
    payloadRef: `payloads/github/dlv_${id}.json`,
    createdAt: 1_700_000_000_000,
  };
}

afterEach(() => vi.restoreAllMocks());

describe("TaskAgent", () => {
  it("creates a task once; a second create returns the first state", async () => {
    const agent = await getAgentByName(env.TASK_AGENT, "task_once");
    const first = await agent.createTask(spec("task_once"));
    const second = await agent.createTask({ ...spec("task_once"), title: "something else" });
    expect(first.created).toBe(true);
    expect(second.created).toBe(false);
    expect(second.state.spec?.title).toBe("Spelling error in the README file");
    expect(second.state.transitions[0]).toEqual({ status: "queued", at: expect.any(Number), reason: "mentioned by Codertocat (OWNER)" });
  });

  it("takes its task id from its own name, whatever the spec claims", async () => {
    const agent = await getAgentByName(env.TASK_AGENT, "task_a");
    const { state } = await agent.createTask(spec("task_b"));
    expect(state.spec?.id).toBe("task_a");
  });

  it("keeps its state and log in its own SQLite across eviction", { timeout: 15_000 }, async () => {
    const runner = installFakeRunner();
    runner.script = () => [{ type: "phase", phase: "running" }];
    const agent = await getAgentByName(env.TASK_AGENT, "task_evicted");
    // Its own repository, so no other test's task holds the per-repository slots.
    await agent.createTask({ ...spec("task_evicted"), subject: { repository: "acme/evicted" } });
    await eventually(async () => (await agent.getTask()).status === "running");
    const before = await agent.getLog();

    // Evict: abort the instance; the next call constructs a fresh one from storage.
    await runInDurableObject(agent, (instance: TaskAgent, state) => {
      state.abort("evicted by test");
    }).catch(() => undefined);

    const again = await getAgentByName(env.TASK_AGENT, "task_evicted");
    const state = await again.getTask();
    expect(state.spec?.id).toBe("task_evicted");
    expect(state.status).toBe("running");
    expect(state.transitions.map((t) => t.status)).toEqual(["queued", "preparing", "running"]);
    const log = await again.getLog();
    expect(log.slice(0, before.length)).toEqual(before);
    expect(log[0]?.message).toContain("task created from github issue_comment delivery dlv_task_evicted");

    await runInDurableObject(again, async (instance: TaskAgent) => {
      expect(instance.name).toBe("task_evicted");
      const [count] = instance.sql<{ n: number }>`SELECT COUNT(*) AS n FROM task_events`;
      expect(count?.n).toBeGreaterThanOrEqual(before.length);
    });
    await again.cancelTask();
  });
});
