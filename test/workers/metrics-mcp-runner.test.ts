// The counter behind the MCP-429 alert (ops/monitoring/alerts.yml): every request refused with
// 429 shows up in GET /metrics (the runner-unreachable counter: task-lifecycle.test.ts).
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { issueToken } from "../../workers/auth/mcp-tokens";
import { api } from "./support";

async function scrape(): Promise<string> {
  const res = await api("/metrics");
  expect(res.status).toBe(200);
  return res.text();
}

const getIssue = (id: number) => ({
  jsonrpc: "2.0",
  id,
  method: "tools/call",
  params: { name: "get_issue", arguments: { owner: "acme", repo: "shop", issue_number: 7 } },
});

const countIn = (text: string) => Number(/^agentbot_mcp_rate_limited_total\{kind="calls",server="github"\} (\d+)$/m.exec(text)?.[1] ?? 0);

describe("alert counters", () => {
  it("counts MCP requests refused with 429 by server and kind", async () => {
    const before = countIn(await scrape());
    const { token } = await issueToken(env.DB, {
      name: "metrics-429",
      servers: ["github"],
      access: "read",
      expiresAt: Date.now() + 60_000,
      rateLimitPerSecond: 1,
    });
    const answers = await Promise.all(
      Array.from({ length: 4 }, (_, i) =>
        api("/mcp/github", {
          method: "POST",
          token,
          headers: {
            "content-type": "application/json",
            accept: "application/json, text/event-stream",
          },
          body: JSON.stringify(getIssue(i)),
        }),
      ),
    );
    const refused = answers.filter((r) => r.status === 429).length;
    expect(refused).toBeGreaterThanOrEqual(1);
    await expect.poll(async () => countIn(await scrape())).toBe(before + refused);
  });
});
