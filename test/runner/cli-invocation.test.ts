// The argv each CLI adapter builds for an unattended run.
import { describe, expect, it } from "vitest";
import { claudeCli } from "../../containers/runner/cli-claude";
import { cursorCli } from "../../containers/runner/cli-cursor";

describe("CLI invocations", () => {
  it("runs Claude Code in print mode with stream-json, the prompt on stdin, and the task's remaining budget", () => {
    const { args, input } = claudeCli.invocation({ prompt: "fix it", workspace: "/w", mcpConfigPath: "/p/mcp.json", maxBudgetUsd: 3.5 });
    expect(args).toEqual([
      "-p",
      "--output-format",
      "stream-json",
      "--verbose",
      "--permission-mode",
      "bypassPermissions",
      "--mcp-config",
      "/p/mcp.json",
      "--strict-mcp-config",
      "--max-budget-usd",
      "3.50",
    ]);
    expect(input).toBe("fix it");
  });

  it("leaves the budget flag out when there is no budget", () => {
    expect(claudeCli.invocation({ prompt: "x", workspace: "/w" }).args).not.toContain("--max-budget-usd");
  });

  it("runs cursor-agent in print mode with stream-json and the prompt as the last argument", () => {
    const { args } = cursorCli.invocation({ prompt: "fix it", workspace: "/w" });
    expect(args.slice(0, 3)).toEqual(["-p", "--output-format", "stream-json"]);
    expect(args.at(-1)).toBe("fix it");
  });
});
