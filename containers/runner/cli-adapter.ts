// What the runner needs to know about one coding-agent CLI: its binary, the
// argv of a non-interactive run, where it reads MCP servers from, and which
// stream-json dialect it prints (its parser, in `cli-<name>.stream.ts`).
import type { CliName } from "../../core/names";
import type { RunRequest } from "../../core/runner-protocol";
import type { EgressRoute } from "./egress";
import type { LineParser } from "./stream-json";

export type McpServer = RunRequest["mcpServers"][number];

/** argv, stdin, and settings added to the CLI's environment. */
export type CliInvocation = { args: string[]; input?: string; env?: Record<string, string> };

export type CliAdapter = {
  name: CliName;
  displayName: string;
  /** Looked up on PATH unless `binaryEnv` names a path or another name. */
  binary: string;
  binaryEnv: string;
  /** Its stream-json dialect: one stdout line → events (`createStreamParser` in stream-json.ts splits the lines). */
  parseLine: LineParser;
  /**
   * Writes the MCP servers where the CLI reads them. Returns the file's path,
   * or undefined when there are no servers and nothing was written.
   */
  writeMcpConfig(servers: McpServer[], dirs: { workspace: string; home: string }): Promise<string | undefined>;
  /** `model`: the request's model (`--model`); `resume`: a restored session to continue (`--resume`). */
  invocation(options: {
    prompt: string;
    workspace: string;
    home: string;
    mcpConfigPath?: string;
    maxBudgetUsd?: number;
    model?: string;
    resume?: string;
  }): CliInvocation;
  /** Where the CLI keeps a session's files, so a later turn resumes it; absent when it cannot. */
  session?: SessionLayout;
  /**
   * How the CLI reaches its model through the egress proxy: the variables it
   * must not see (credentials, the real endpoint), the route the proxy adds
   * them on, and what the CLI gets instead. Absent when the CLI cannot be
   * pointed at another endpoint; its key then stays in its environment.
   */
  modelEgress?: {
    withheld: readonly string[];
    route(env: Record<string, string | undefined>): EgressRoute;
    agentEnv(url: string): Record<string, string>;
  };
  /** Why the CLI would refuse to run in this environment, known before any clone work. */
  refusal?(env: Record<string, string | undefined>, uid: number | undefined): string | undefined;
};

/**
 * A CLI's session files under its state folder. Bundle paths are relative to `stateDir`; the
 * folder a session sits in may name the run's workspace, which differs from run to run.
 */
export type SessionLayout = {
  /** The CLI's state folder for a run whose HOME is `home`. */
  stateDir(home: string): string;
  /** The session's own files and folders (relative to `stateDir`), none when it left nothing there. */
  find(stateDir: string, sessionId: string): Promise<string[]>;
  /** Where a saved file goes for a run in `workspace`; undefined when the path is not one of the session's. */
  restorePath(path: string, sessionId: string, workspace: string): string | undefined;
};

/** MCP servers as the CLIs' `mcpServers` map: remote (streamable HTTP) entries with their headers. */
export function mcpServersMap(servers: McpServer[], entry: (server: McpServer) => Record<string, unknown>) {
  return Object.fromEntries(servers.map((server) => [server.name, entry(server)]));
}
