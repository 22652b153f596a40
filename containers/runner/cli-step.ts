// Runs the CLI for one task: spawns it in its own process group, turns its
// stdout into events as lines arrive and its stderr into warnings, and
// reports how it ended together with its `result` line, if it printed one.
import { LineSplitter } from "../../core/line-splitter";
import type { RunnerEventInput } from "../../core/runner-protocol";
import type { AgentUser } from "./agent-user";
import type { CliAdapter, CliInvocation } from "./cli-adapter";
import { spawnGroup, type Environment, type ProcessExit } from "./process-group";
import { type CliFinal, createStreamParser, type Parsed } from "./stream-json";

/** `sessionId`: the session the CLI named (its result line's, else its init line's). */
export type CliRun = { exit: ProcessExit; final?: CliFinal; lastStderr?: string; sessionId?: string };

export async function runCli(options: {
  adapter: CliAdapter;
  binary: string;
  invocation: CliInvocation;
  cwd: string;
  env: Environment;
  signal: AbortSignal;
  killGraceMs: number;
  user?: AgentUser;
  emit: (event: RunnerEventInput) => void;
}): Promise<CliRun> {
  const { adapter, emit } = options;
  const parser = createStreamParser(adapter.parseLine);
  const stderr = new LineSplitter(64 * 1024);
  let final: CliFinal | undefined;
  let lastStderr: string | undefined;
  let named: string | undefined;

  const take = (parsed: Parsed) => {
    for (const event of parsed.events) emit(event);
    if (parsed.final) final = parsed.final;
    if (parsed.sessionId) named = parsed.sessionId;
  };
  const warn = (lines: string[]) => {
    for (const line of lines) {
      if (!line.trim()) continue;
      lastStderr = line.trim();
      emit({ type: "log", level: "warn", message: line });
    }
  };

  const proc = spawnGroup(options.binary, options.invocation.args, {
    cwd: options.cwd,
    env: options.env,
    input: options.invocation.input,
    signal: options.signal,
    killGraceMs: options.killGraceMs,
    user: options.user,
    onStdout: (chunk) => take(parser.push(chunk)),
    onStderr: (chunk) => warn(stderr.push(chunk)),
  });
  const exit = await proc.exited;
  take(parser.end());
  warn(stderr.end());
  return { exit, final, lastStderr, sessionId: final?.sessionId ?? named };
}
