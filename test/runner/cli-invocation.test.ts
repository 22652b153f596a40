// The argv each CLI adapter builds for an unattended run.
import { describe, expect, it } from "vitest";
import { claudeCli } from "../../containers/runner/cli-claude";
import { cursorCli } from "../../containers/runner/cli-cursor";

describe("CLI invocations", () => {
  it("runs Claude Code in print mode with stream-json, the prompt on stdin, and the task's remaining budget", () => {
    const { args, input, env } = claudeCli.invocation({
      prompt: "fix it",
      workspace: "/w",
      home: "/p",
      mcpConfigPath: "/p/mcp.json",
      maxBudgetUsd: 3.5,
    });
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
    // Its own state directory per run, and no traffic beyond the model API.
    expect(env).toEqual({ CLAUDE_CONFIG_DIR: "/p/.claude", CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: "1", DISABLE_AUTOUPDATER: "1" });
  });

  it("says before any clone work that Claude Code will refuse bypassPermissions as root, unless IS_SANDBOX=1", () => {
    expect(claudeCli.refusal?.({}, 0)).toMatch(/refuses --permission-mode bypassPermissions as root.*IS_SANDBOX=1/);
    expect(claudeCli.refusal?.({ IS_SANDBOX: "1" }, 0)).toBeUndefined();
    expect(claudeCli.refusal?.({}, 1000)).toBeUndefined();
    expect(cursorCli.refusal?.({}, 0)).toBeUndefined();
  });

  it("leaves the budget flag out when there is no budget", () => {
    expect(claudeCli.invocation({ prompt: "x", workspace: "/w", home: "/p" }).args).not.toContain("--max-budget-usd");
  });

  it("passes the request's model and the session to resume to both CLIs", () => {
    const claude = claudeCli.invocation({ prompt: "x", workspace: "/w", home: "/p", model: "claude-opus-4-1", resume: "s-1" });
    expect(claude.args.join(" ")).toContain("--resume s-1 --model claude-opus-4-1");
    const cursor = cursorCli.invocation({ prompt: "fix it", workspace: "/w", home: "/p", model: "gpt-5", resume: "c-1" });
    expect(cursor.args.slice(-5)).toEqual(["--resume", "c-1", "--model", "gpt-5", "fix it"]);
    expect(claudeCli.invocation({ prompt: "x", workspace: "/w", home: "/p" }).args.join(" ")).not.toMatch(/--model|--resume/);
  });

  it("runs cursor-agent in print mode with stream-json and the prompt as the last argument", () => {
    const { args } = cursorCli.invocation({ prompt: "fix it", workspace: "/w", home: "/p" });
    expect(args.slice(0, 3)).toEqual(["-p", "--output-format", "stream-json"]);
    expect(args.at(-1)).toBe("fix it");
  });
});
