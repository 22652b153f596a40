// Runs the CLI for one task: spawns it in its own process group, turns its
// stdout into events as lines arrive and its stderr into warnings, and
// reports how it ended together with its `result` line, if it printed one.
import { LineSplitter } from "../../core/line-splitter";
import type { RunnerEventInput } from "../../core/runner-protocol";
import type { AgentUser } from "./agent-user";
import type { CliAdapter, CliInvocation } from "./cli-adapter";
import { spawnGroup, type Environment, type ProcessExit } from "./process-group";
import { createStreamParser, type CliFinal } from "./stream-json";

export type CliRun = { exit: ProcessExit; final?: CliFinal; lastStderr?: string };

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

  const take = (parsed: { events: RunnerEventInput[]; final?: CliFinal }) => {
    for (const event of parsed.events) emit(event);
    if (parsed.final) final = parsed.final;
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
  return { exit, final, lastStderr };
}
