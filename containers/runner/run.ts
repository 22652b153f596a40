// One run of one task attempt, from checkout to the terminal `result` event:
//
//   cloning    fetch the repository at `ref`, create `repo.branch` (only with a repo)
//   preparing  skills and MCP config where the CLI reads them
//   running    the CLI, its stream-json turned into events
//   pushing    commit what the agent changed and push the branch (only if it changed something)
//
// A cancel, a timeout or a runner shutdown aborts whichever step is under
// way; every process a step started is in a process group that the abort
// stops. Whatever happens, the run ends with exactly one `result` event.
import { errorMessage } from "../../core/error-message";
import { createRedactor, type Redactor } from "../../core/redact";
import type { RunnerEventInput, RunRequest } from "../../core/runner-protocol";
import type { CliAdapter } from "./cli-adapter";
import { cliAdapter } from "./cli-registry";
import { runCli, type CliRun } from "./cli-step";
import { childEnv, type RunnerConfig } from "./config";
import { EventLog } from "./event-log";
import { findBinary } from "./find-binary";
import * as git from "./git";
import { GitCredentials } from "./git-credentials";
import type { Logger } from "./log";
import { buildPrompt, commitMessage } from "./prompt";
import { prepareSkills } from "./skills-step";
import { createRunDirs, removeRunDirs, type RunDirs } from "./workspace";

type ResultInput = Extract<RunnerEventInput, { type: "result" }>;
type Ending = Omit<ResultInput, "type">;
export type StopReason = "cancelled" | "timed_out" | "shutdown" | "superseded";

export class Run {
  readonly log: EventLog;
  readonly redactor: Redactor;
  private readonly abort = new AbortController();
  private stopReason: StopReason | undefined;
  private deciding = false;
  private finishedPromise: Promise<void> | undefined;

  constructor(
    readonly request: RunRequest,
    private readonly config: RunnerConfig,
    private readonly logger: Logger,
  ) {
    this.redactor = createRedactor({
      redact: request.redact,
      gitToken: request.gitToken,
      env: request.env,
      headers: request.mcpServers.flatMap((server) => Object.values(server.headers)),
    });
    this.log = new EventLog(this.redactor);
  }

  get active(): boolean {
    return !this.log.done;
  }

  /** Resolves once the `result` event is in the log. */
  get finished(): Promise<void> {
    return this.finishedPromise ?? Promise.resolve();
  }

  start(): void {
    this.finishedPromise ??= this.execute();
  }

  /** Stops the run; false when it has already ended (or is past the point of no return). */
  stop(reason: StopReason): boolean {
    if (this.log.done || this.deciding || this.stopReason) return false;
    this.stopReason = reason;
    this.abort.abort(new Error(reason));
    return true;
  }

  private emit = (event: RunnerEventInput): void => {
    this.log.append(event);
  };

  private async execute(): Promise<void> {
    const started = Date.now();
    const { taskId, attempt, cli } = this.request;
    this.logger("info", "run started", { taskId, attempt, cli });
    const timer = setTimeout(() => this.stop("timed_out"), this.request.timeoutMs);
    timer.unref();
    let dirs: RunDirs | undefined;
    let ending: Ending;
    try {
      ending = await this.steps((created) => (dirs = created));
    } catch (error) {
      ending = this.stopReason ? this.stopped() : failed(errorMessage(error));
    } finally {
      clearTimeout(timer);
    }
    this.deciding = true;
    if (dirs && !this.config.keepWorkspaces) {
      await removeRunDirs(dirs).catch((error) =>
        this.emit({ type: "log", level: "warn", message: `workspace cleanup: ${errorMessage(error)}` }),
      );
    }
    this.emit({ type: "result", ...ending, durationMs: ending.durationMs ?? Date.now() - started });
    const result = this.log.last();
    const outcome = result?.type === "result" ? result.outcome : "failed";
    const reason = result?.type === "result" ? result.reason : undefined;
    this.logger(outcome === "succeeded" ? "info" : "warn", "run finished", { taskId, attempt, outcome, reason });
  }

  private async steps(onDirs: (dirs: RunDirs) => void): Promise<Ending> {
    const { request, config } = this;
    const signal = this.abort.signal;
    const adapter = cliAdapter(request.cli);
    const env = childEnv(config);

    const wanted = config.env[adapter.binaryEnv] || adapter.binary;
    const binary = await findBinary(wanted, env.PATH);
    if (!binary) {
      const hint = config.env[adapter.binaryEnv]
        ? `${adapter.binaryEnv}=${wanted} is not an executable file`
        : `no \`${wanted}\` on PATH (set ${adapter.binaryEnv} to its path)`;
      return failed(`${adapter.displayName} is not installed: ${hint}`);
    }

    const refusal = adapter.refusal?.({ ...env, ...request.env }, process.getuid?.());
    if (refusal) return failed(refusal);

    const dirs = await createRunDirs(config.workspaceRoot, request.taskId);
    onDirs(dirs);
    const credentials =
      request.repo && request.gitToken ? new GitCredentials(dirs.privateDir, request.gitToken, request.repo.cloneUrl) : undefined;
    const gitCtx: git.GitContext = { cwd: dirs.workspace, env, signal, killGraceMs: config.killGraceMs, credentials };

    let base = "";
    let lease = "";
    if (request.repo) {
      const { cloneUrl, ref, branch } = request.repo;
      this.emit({ type: "phase", phase: "cloning", detail: `${cloneUrl} at ${ref ?? "the default branch"}` });
      await withCredentials(credentials, async () => {
        base = await git.checkout(gitCtx, cloneUrl, ref, branch);
        lease = await git.remoteBranchSha(gitCtx, branch);
      });
    }

    this.emit({ type: "phase", phase: "preparing" });
    const before = request.repo ? await git.workingTreeState(gitCtx) : undefined;
    const skills = await prepareSkills({ request, workspace: dirs.workspace, skillsDir: config.skillsDir, emit: this.emit });
    const mcpConfigPath = await adapter.writeMcpConfig(request.mcpServers, { workspace: dirs.workspace, privateDir: dirs.privateDir });
    if (before) await git.hideFromCommit(gitCtx, newPaths(before, await git.workingTreeState(gitCtx)));
    const invocation = adapter.invocation({
      prompt: buildPrompt(request, skills),
      workspace: dirs.workspace,
      privateDir: dirs.privateDir,
      mcpConfigPath,
      maxBudgetUsd: request.maxBudgetUsd,
    });

    this.emit({ type: "phase", phase: "running", detail: adapter.displayName });
    const run = await runCli({
      adapter,
      binary,
      invocation,
      cwd: dirs.workspace,
      env: { ...env, ...request.env, ...invocation.env },
      signal,
      killGraceMs: config.killGraceMs,
      emit: this.emit,
    });
    if (this.stopReason) return { ...this.stopped(), ...usage(run) };
    const cliFailure = failureOf(adapter, run);
    if (cliFailure) return { ...failed(cliFailure, run.final?.summary), ...usage(run) };
    if (!run.final) this.emit({ type: "log", level: "warn", message: `${adapter.displayName} exited 0 without a result line` });

    const change = request.repo ? await this.publish(gitCtx, credentials, base, lease, request.repo.branch) : undefined;
    return {
      outcome: "succeeded",
      summary: run.final?.summary || `${adapter.displayName} finished.`,
      ...usage(run),
      ...(change ? { change } : {}),
    };
  }

  /** Commits what the agent left in the working tree and pushes the branch; undefined when nothing changed. */
  private async publish(ctx: git.GitContext, credentials: GitCredentials | undefined, base: string, lease: string, branch: string) {
    const state = await git.workingTreeState(ctx);
    const dirty = state.untracked.length > 0 || state.modified.length > 0;
    if (!dirty && (await git.headSha(ctx)) === base) return undefined;
    this.emit({ type: "phase", phase: "pushing", detail: branch });
    if (dirty) await git.commitAll(ctx, this.redactor.text(commitMessage(this.request)));
    const stats = await git.diffStats(ctx, base);
    if (stats.filesChanged === 0) return undefined;
    await withCredentials(credentials, () => git.push(ctx, branch, lease));
    return { branch, commitSha: await git.headSha(ctx), ...stats };
  }

  private stopped(): Ending {
    switch (this.stopReason) {
      case "timed_out":
        return { outcome: "timed_out", summary: "The run timed out.", reason: `timed out after ${this.request.timeoutMs} ms` };
      case "shutdown":
        return { outcome: "cancelled", summary: "The run was cancelled.", reason: "the runner is shutting down" };
      case "superseded":
        return { outcome: "cancelled", summary: "The run was cancelled.", reason: "superseded by a newer attempt" };
      default:
        return { outcome: "cancelled", summary: "The run was cancelled.", reason: "cancelled on request" };
    }
  }
}

function failed(reason: string, summary?: string): Ending {
  return { outcome: "failed", summary: summary || `The run failed: ${reason}`, reason };
}

/** Why the CLI's run counts as failed, or undefined when it succeeded. */
function failureOf(adapter: CliAdapter, run: CliRun): string | undefined {
  const { exit, final, lastStderr } = run;
  if (final?.isError) {
    // The CLI ended the run itself for a reason it names; say that rather than its exit code.
    if (final.subtype === "error_max_budget_usd" || final.terminalReason === "budget_exhausted") {
      const spent = final.costUsd !== undefined ? ` after spending $${final.costUsd.toFixed(2)}` : "";
      return `budget exhausted: ${adapter.displayName} stopped${spent}${final.summary ? ` (${final.summary})` : ""}`;
    }
    if (final.apiErrorStatus || final.terminalReason === "api_error") {
      return `model API error${final.apiErrorStatus ? ` ${final.apiErrorStatus}` : ""}: ${final.summary || "the model API failed"}`;
    }
  }
  const said = final?.isError ? final.summary : undefined;
  if (exit.signal) return `${adapter.displayName} was killed by ${exit.signal}${said || lastStderr ? `: ${said || lastStderr}` : ""}`;
  if (exit.code !== 0) return `${adapter.displayName} exited with code ${exit.code}${said || lastStderr ? `: ${said || lastStderr}` : ""}`;
  if (final?.isError)
    return `${adapter.displayName} reported an error${final.subtype ? ` (${final.subtype})` : ""}${final.summary ? `: ${final.summary}` : ""}`;
  return undefined;
}

function usage(run: CliRun): Partial<Ending> {
  const f = run.final;
  if (!f) return {};
  return {
    ...(f.costUsd !== undefined ? { costUsd: f.costUsd } : {}),
    ...(f.inputTokens !== undefined ? { inputTokens: f.inputTokens } : {}),
    ...(f.outputTokens !== undefined ? { outputTokens: f.outputTokens } : {}),
    ...(f.durationMs !== undefined ? { durationMs: f.durationMs } : {}),
  };
}

/** Paths that appeared or changed between two `git status` snapshots. */
function newPaths(before: { untracked: string[]; modified: string[] }, after: { untracked: string[]; modified: string[] }) {
  const untracked = new Set(before.untracked);
  const modified = new Set(before.modified);
  return {
    untracked: after.untracked.filter((p) => !untracked.has(p)),
    modified: after.modified.filter((p) => !modified.has(p)),
  };
}

async function withCredentials<T>(credentials: GitCredentials | undefined, step: () => Promise<T>): Promise<T> {
  if (!credentials) return step();
  await credentials.open();
  try {
    return await step();
  } finally {
    await credentials.close();
  }
}
