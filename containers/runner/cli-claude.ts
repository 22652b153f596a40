// Claude Code in print mode. Flags from the Claude Code CLI reference and
// headless docs: `-p` runs one prompt and exits; `--output-format stream-json`
// needs `--verbose` in print mode; `--permission-mode bypassPermissions`
// (the same as --dangerously-skip-permissions) lets it edit and run commands
// unattended, which Claude Code refuses as root, hence the image's non-root
// user. The prompt goes on stdin (`echo "…" | claude -p`), which keeps it out
// of argv and its length limit. MCP servers go in a JSON file outside the
// workspace, passed with `--mcp-config`; `--strict-mcp-config` keeps servers a
// repository declares in its own .mcp.json out of an unattended run.
// Each run keeps the CLI's state (settings, session transcripts) in its own
// CLAUDE_CONFIG_DIR, so concurrent runs never share a ~/.claude, and sends no
// telemetry, error reports or update checks. A later turn continues the
// session with `--resume <session-id>` (the prompt on stdin is its next
// message); its transcript is `projects/<cwd, each non-alphanumeric
// character a dash>/<session-id>.jsonl` under CLAUDE_CONFIG_DIR, with the
// session's subagent and tool-result files in `<session-id>/` beside it.
// The model API and the MCP
// servers are reached through the runner's egress proxy, which holds the
// key and the MCP token: the CLI's environment and MCP file carry neither.
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { mcpServersMap, type CliAdapter } from "./cli-adapter";
import { parseClaudeLine } from "./cli-claude.stream";
import { sessionRoots } from "./session";

/**
 * Claude Code's project folder name for a working directory. Each run has its own workspace, so a
 * restored transcript moves to the new one's folder. (Past 200 characters Claude Code also adds a
 * hash of the path; `--resume <id>` finds a session in any project folder, so the name is a courtesy.)
 */
export function claudeProjectFolder(cwd: string): string {
  return cwd.replace(/[^a-zA-Z0-9]/g, "-");
}

export const claudeCli: CliAdapter = {
  name: "claude",
  displayName: "Claude Code",
  binary: "claude",
  binaryEnv: "CLAUDE_BIN",
  parseLine: parseClaudeLine,

  async writeMcpConfig(servers, { home }) {
    if (servers.length === 0) return undefined;
    const path = join(home, "claude-mcp.json");
    const mcpServers = mcpServersMap(servers, (s) => ({ type: "http", url: s.url, headers: s.headers }));
    await writeFile(path, `${JSON.stringify({ mcpServers }, null, 2)}\n`, { mode: 0o600 });
    return path;
  },

  invocation({ prompt, home, mcpConfigPath, maxBudgetUsd, model, resume }) {
    const args = ["-p", "--output-format", "stream-json", "--verbose", "--permission-mode", "bypassPermissions"];
    if (resume) args.push("--resume", resume);
    if (model) args.push("--model", model);
    if (mcpConfigPath) args.push("--mcp-config", mcpConfigPath, "--strict-mcp-config");
    // Print mode stops the run itself once it has spent this much.
    if (maxBudgetUsd !== undefined) args.push("--max-budget-usd", maxBudgetUsd.toFixed(2));
    const env = { CLAUDE_CONFIG_DIR: join(home, ".claude"), CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: "1", DISABLE_AUTOUPDATER: "1" };
    return { args, input: prompt, env };
  },

  session: {
    stateDir: (home) => join(home, ".claude"),
    find: (stateDir, id) => sessionRoots(stateDir, "projects", [`${id}.jsonl`, id]),
    restorePath(path, id, workspace) {
      const [top, , own, ...rest] = path.split("/");
      if (top !== "projects" || !(own === `${id}.jsonl` ? rest.length === 0 : own === id && rest.length > 0)) return undefined;
      return ["projects", claudeProjectFolder(workspace), own, ...rest].join("/");
    },
  },

  modelEgress: {
    withheld: ["ANTHROPIC_API_KEY", "ANTHROPIC_AUTH_TOKEN", "ANTHROPIC_BASE_URL"],
    route(env) {
      const headers: Record<string, string> = {};
      if (env.ANTHROPIC_API_KEY) headers["x-api-key"] = env.ANTHROPIC_API_KEY;
      else if (env.ANTHROPIC_AUTH_TOKEN) headers.authorization = `Bearer ${env.ANTHROPIC_AUTH_TOKEN}`;
      return { upstream: env.ANTHROPIC_BASE_URL || "https://api.anthropic.com", headers };
    },
    // The CLI wants a key to start; this one is worthless: the proxy drops it and adds the real one.
    agentEnv: (url) => ({ ANTHROPIC_BASE_URL: url, ANTHROPIC_API_KEY: "sk-ant-agent-bot-egress-placeholder" }),
  },

  refusal(env, uid) {
    if (uid !== 0 || env.IS_SANDBOX === "1") return undefined;
    return (
      "Claude Code refuses --permission-mode bypassPermissions as root: run the runner as an unprivileged user " +
      "(the runner image does), or set IS_SANDBOX=1 in the runner's environment when this machine is itself the sandbox"
    );
  },
};
