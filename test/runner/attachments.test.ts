// A run request's attachments (issue 18) land in the run's `attachments/` folder, outside the
// repository's tree, as files of the run's agent user; the prompt names them by path, and the
// agent's commit never includes them.
import { readFile, rm, stat } from "node:fs/promises";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRemote, gitIn } from "./support/git-repos";
import { agentWritableDir, postRun, readEvents, resultOf, runRequest, startRunner, type TestRunner } from "./support/runner-harness";

const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);
const LOG = Buffer.from("ERROR checkout: total is NaN\n");

let dir: string;
let runner: TestRunner;
let remote: { bare: string; url: string };
let recordFile: string;

beforeAll(async () => {
  dir = await agentWritableDir("agent-bot-attachments-");
  remote = await createRemote(dir);
  recordFile = join(dir, "fake-cli.jsonl");
  // Kept workspaces let the test look at what the agent was given after the run.
  runner = await startRunner({ env: { FAKE_CLI_RECORD: recordFile, FAKE_CLI_DELAY_MS: "2", RUNNER_KEEP_WORKSPACES: "1" } });
});
afterAll(async () => {
  await runner.close();
  await rm(dir, { recursive: true, force: true });
});

async function recordOf(taskId: string): Promise<{ cwd: string; prompt: string }> {
  const text = await readFile(recordFile, "utf8");
  const records = text
    .split("\n")
    .filter(Boolean)
    .map((line) => JSON.parse(line) as { cwd?: string; prompt?: string });
  const found = records.find((r) => r.cwd?.includes(taskId) && r.prompt);
  if (!found?.cwd || !found.prompt) throw new Error(`no CLI record for ${taskId}`);
  return { cwd: found.cwd, prompt: found.prompt };
}

describe("attachments in a run", () => {
  it("writes them beside the workspace as the agent's files, names them in the prompt, and keeps them out of the commit", async () => {
    const taskId = "task-attachments";
    const response = await postRun(
      runner.url,
      runRequest({
        taskId,
        prompt: "Look at the screenshot [fake:write]",
        repo: { cloneUrl: remote.url, ref: "main", branch: `agent-bot/${taskId}` },
        attachments: [
          { name: "1-screenshot.png", contentType: "image/png", data: PNG.toString("base64") },
          { name: "2-checkout.log", contentType: "text/plain", data: LOG.toString("base64") },
        ],
      } as Parameters<typeof runRequest>[0]),
    );
    expect(response.status).toBe(202);
    const result = resultOf(await readEvents(runner.url, taskId));
    expect(result.outcome).toBe("succeeded");

    const { cwd, prompt } = await recordOf(taskId);
    const folder = join(dirname(cwd), "attachments");
    expect(prompt).toContain(`- ${join(folder, "1-screenshot.png")} (image/png, ${PNG.length} bytes)`);
    expect(prompt).toContain(`- ${join(folder, "2-checkout.log")} (text/plain, ${LOG.length} bytes)`);
    expect(await readFile(join(folder, "1-screenshot.png"))).toEqual(PNG);
    expect(await readFile(join(folder, "2-checkout.log"))).toEqual(LOG);
    // The agent's user owns them, as it owns its workspace; nobody else may read them.
    const workspace = await stat(cwd);
    if (process.getuid?.() === 0) expect(workspace.uid).not.toBe(0);
    for (const name of ["1-screenshot.png", "2-checkout.log"]) {
      const file = await stat(join(folder, name));
      expect(file.uid).toBe(workspace.uid);
      expect(file.mode & 0o777).toBe(0o600);
    }
    expect(result.change?.files).toEqual(["README.md", "agent-notes.md"]);
    const tree = gitIn(remote.bare, ["ls-tree", "-r", "--name-only", `agent-bot/${taskId}`]);
    expect(tree).not.toMatch(/screenshot|checkout\.log/);
  });

  it("refuses an attachment whose name is a path", async () => {
    const response = await postRun(
      runner.url,
      runRequest({
        taskId: "task-attachment-path",
        prompt: "x",
        attachments: [{ name: "../escape.png", contentType: "image/png", data: PNG.toString("base64") }],
      } as Parameters<typeof runRequest>[0]),
    );
    expect(response.status).toBe(400);
  });
});
