import { describe, expect, it } from "vitest";
import examples from "@octokit/webhooks-examples/api.github.com/index.json";
import { api, eventually, rows, send } from "./support";

describe("smoke", () => {
  it("health", async () => {
    const res = await api("/health", { token: null });
    expect(res.status).toBe(200);
  });
  it("github issue_comment becomes a task", async () => {
    const sample = structuredClone(examples.find((e) => e.name === "issue_comment")!.examples[0]) as any;
    sample.comment.body = "@agent-bot fix it";
    const res = await send("github", sample, { eventType: "issue_comment" });
    expect(res.status).toBe(202);
    const { id } = (await res.json()) as { id: string };
    const [row] = await eventually(async () => {
      const r = await rows("SELECT * FROM deliveries WHERE id = ? AND status = 'processed'", id);
      return r.length ? r : undefined;
    });
    expect(row).toMatchObject({ decision: "triggered" });
  });
});
