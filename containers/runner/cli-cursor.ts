// The Cursor CLI in print mode. Flags from Cursor's CLI parameters reference:
// `-p` prints and exits, `--output-format stream-json`, `--force` allows
// commands unless explicitly denied, `--trust` trusts the workspace without a
// prompt (headless only), `--workspace` sets the directory, `--approve-mcps`
// approves the configured MCP servers. The prompt is the final argument, as
// the docs show it. Cursor reads MCP servers from `.cursor/mcp.json` in the
// workspace; the runner writes only the task's servers there (replacing a
// repository's own list, which would otherwise be auto-approved too) and
// keeps the file out of the agent's commit. `--model <name>` picks the model
// and `--resume <chatId>` continues a chat (the prompt is its next message).
// cursor-agent keeps a chat in `~/.cursor/chats/<md5 of the workspace
// path>/<chatId>/` (store.db; as users of the CLI found it, not documented),
// so a restored chat moves to the new workspace's folder. No Cursor CLI runs
// in this repository's tests: that layout is untested against the real one.
import { mkdir, writeFile } from "node:fs/promises";
import { createHash } from "node:crypto";
import { join } from "node:path";
import { mcpServersMap, type CliAdapter } from "./cli-adapter";
import { parseCursorLine } from "./cli-cursor.stream";
import { sessionRoots } from "./session";

/** Linux caps one argv string at 128 KiB (MAX_ARG_STRLEN); stay clear of it. */
const MAX_PROMPT_BYTES = 120 * 1024;

export const cursorCli: CliAdapter = {
  name: "cursor",
  displayName: "Cursor CLI",
  binary: "cursor-agent",
  binaryEnv: "CURSOR_BIN",
  parseLine: parseCursorLine,

  async writeMcpConfig(servers, { workspace }) {
    if (servers.length === 0) return undefined;
    const dir = join(workspace, ".cursor");
    await mkdir(dir, { recursive: true });
    const path = join(dir, "mcp.json");
    const mcpServers = mcpServersMap(servers, (s) => ({ url: s.url, headers: s.headers }));
    await writeFile(path, `${JSON.stringify({ mcpServers }, null, 2)}\n`, { mode: 0o600 });
    return path;
  },

  invocation({ prompt, workspace, mcpConfigPath, model, resume }) {
    if (Buffer.byteLength(prompt) > MAX_PROMPT_BYTES) {
      throw new Error(
        `the prompt is ${Buffer.byteLength(prompt)} bytes; cursor-agent takes it as one argument of at most ${MAX_PROMPT_BYTES}`,
      );
    }
    const args = ["-p", "--output-format", "stream-json", "--force", "--trust", "--workspace", workspace];
    if (mcpConfigPath) args.push("--approve-mcps");
    if (resume) args.push("--resume", resume);
    if (model) args.push("--model", model);
    args.push(prompt);
    return { args };
  },

  session: {
    stateDir: (home) => join(home, ".cursor"),
    find: (stateDir, id) => sessionRoots(stateDir, "chats", [id]),
    restorePath(path, id, workspace) {
      const [top, , own, ...rest] = path.split("/");
      if (top !== "chats" || own !== id || rest.length === 0) return undefined;
      return ["chats", createHash("md5").update(workspace).digest("hex"), own, ...rest].join("/");
    },
  },
};
