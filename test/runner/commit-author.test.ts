// In GitHub App mode the run request names the App's bot as the commit author; without it
// the runner commits as its own agent-bot identity.
import { rm } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { COMMIT_AUTHOR } from "../../containers/runner/git";
import { createRemote, gitIn } from "./support/git-repos";
import { agentWritableDir, resultOf, run, startRunner, type TestRunner } from "./support/runner-harness";

let dir: string;
let runner: TestRunner;
let remote: { bare: string; url: string };

beforeAll(async () => {
  dir = await agentWritableDir("agent-bot-author-");
  remote = await createRemote(dir);
  runner = await startRunner();
});
afterAll(async () => {
  await runner.close();
  await rm(dir, { recursive: true, force: true });
});

const author = (branch: string) => gitIn(remote.bare, ["log", "-1", "--format=%an <%ae> / %cn <%ce>", branch]).trim();

describe("commit author", () => {
  it("is the request's commitAuthor: the App's bot and its noreply email", async () => {
    const bot = { name: "agent-bot-dev[bot]", email: "41898283+agent-bot-dev[bot]@users.noreply.github.com" };
    const branch = "agent-bot/task-app-author";
    const events = await run(runner.url, {
      taskId: "task-app-author",
      prompt: "Add notes [fake:write]",
      repo: { cloneUrl: remote.url, ref: "main", branch },
      commitAuthor: bot,
    });
    expect(resultOf(events).outcome).toBe("succeeded");
    expect(author(branch)).toBe(`${bot.name} <${bot.email}> / ${bot.name} <${bot.email}>`);
  });

  it("is the runner's own identity without one", async () => {
    const branch = "agent-bot/task-own-author";
    const events = await run(runner.url, {
      taskId: "task-own-author",
      prompt: "Add notes [fake:write]",
      repo: { cloneUrl: remote.url, ref: "main", branch },
    });
    expect(resultOf(events).outcome).toBe("succeeded");
    expect(author(branch)).toBe(`${COMMIT_AUTHOR.name} <${COMMIT_AUTHOR.email}> / ${COMMIT_AUTHOR.name} <${COMMIT_AUTHOR.email}>`);
  });
});
