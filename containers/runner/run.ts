// One run of one task attempt, from checkout to the terminal `result` event:
//
//   cloning    fetch the repository at `ref` into the runner's private clone, create
//              `repo.branch`, and give the agent a copy (only with a repo)
//   preparing  skills, egress routes and MCP config where the CLI reads them
//   running    the CLI as the run's agent user, its stream-json turned into events
//   pushing    once every process of the agent's user is gone: commit what the agent
//              changed (read as data from its copy) in the runner's clone and push
//              the branch from there (only if it changed something and may push)
//
// A cancel, a timeout or a runner shutdown aborts whichever step is under
// way; every process a step started is in a process group that the abort
// stops, and the agent's user has no process left when the run ends.
// Whatever happens, the run ends with exactly one `result` event.
import { realpath } from "node:fs/promises";
import { errorMessage } from "../../core/error-message";
import { createRedactor, type Redactor } from "../../core/redact";
import type { RunnerEventInput, RunRequest, SessionBundle } from "../../core/runner-protocol";
import { agentEnvironment } from "./agent-env";
import { type AgentUser, type AgentUserPool, chownTree, killAllOf } from "./agent-user";
import type { CliAdapter } from "./cli-adapter";
import { cliAdapter } from "./cli-registry";
import { runCli, type CliRun } from "./cli-step";
import { childEnv, type RunnerConfig } from "./config";
import type { EgressLease, EgressProxy, EgressRoute } from "./egress";
import { EventLog } from "./event-log";
import { findBinary } from "./find-binary";
import * as git from "./git";
import { GitCredentials } from "./git-credentials";
import type { Logger } from "./log";
import { buildPrompt, commitMessage } from "./prompt";
import { restoreForResume, saveSession } from "./session-step";
import { prepareSkills } from "./skills-step";
import { assertTraversable, createRunDirs, removeRunDirs, type RunDirs } from "./workspace";

/** What the runs of one runner share: the agent uid pool and the egress proxy. */
export type RunServices = { users: AgentUserPool; egress: EgressProxy };

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
  /** The session the CLI named, and its files once saved (before the `result`): GET /runs/:taskId/session. */
  private sessionId: string | undefined;
  session: SessionBundle | undefined;

  constructor(
    readonly request: RunRequest,
    private readonly config: RunnerConfig,
    private readonly logger: Logger,
    private readonly services: RunServices,
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
    let user: AgentUser;
    let ending: Ending;
    try {
      user = this.services.users.lease();
      ending = await this.steps(user, (created) => (dirs = created));
    } catch (error) {
      ending = this.stopReason ? this.stopped() : failed(errorMessage(error));
    } finally {
      clearTimeout(timer);
    }
    this.deciding = true;
    // Nothing of the agent's outlives its run, and its uid goes back to the pool only once it is empty.
    await killAllOf(user).then(
      () => this.services.users.release(user),
      (error) => this.emit({ type: "log", level: "error", message: `agent processes: ${errorMessage(error)}` }),
    );
    if (dirs && this.sessionId) this.session = await saveSession(cliAdapter(cli), dirs, this.sessionId, this.emit);
    if (dirs && !this.config.keepWorkspaces) {
      await removeRunDirs(dirs).catch((error) =>
        this.emit({ type: "log", level: "warn", message: `workspace cleanup: ${errorMessage(error)}` }),
      );
    }
    const sessionId = this.sessionId ? { sessionId: this.sessionId } : {};
    this.emit({ type: "result", ...ending, ...sessionId, durationMs: ending.durationMs ?? Date.now() - started });
    const result = this.log.last();
    const outcome = result?.type === "result" ? result.outcome : "failed";
    const reason = result?.type === "result" ? result.reason : undefined;
    this.logger(outcome === "succeeded" ? "info" : "warn", "run finished", { taskId, attempt, outcome, reason });
  }

  private async steps(user: AgentUser, onDirs: (dirs: RunDirs) => void): Promise<Ending> {
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

    // Said before any clone work: the CLI must be where the agent's user can run it.
    if (user) await assertTraversable(await realpath(binary), `run ${binary}`);
    const refusal = adapter.refusal?.({ ...env, ...request.env }, user ? user.uid : process.getuid?.());
    if (refusal) return failed(refusal);

    const dirs = await createRunDirs(config.workspaceRoot, request.taskId, user !== undefined);
    onDirs(dirs);
    const credentials =
      request.repo && request.gitToken ? new GitCredentials(dirs.privateDir, request.gitToken, request.repo.cloneUrl) : undefined;
    const runnerGit: git.GitContext = { cwd: dirs.repo, env, signal, killGraceMs: config.killGraceMs, credentials };
    // The runner's repository with the agent's copy as its work tree: how the runner reads the agent's result.
    const agentTree: git.GitContext = { ...runnerGit, workTree: dirs.workspace };

    let base = "";
    let lease = "";
    if (request.repo) {
      const { cloneUrl, ref, branch } = request.repo;
      this.emit({ type: "phase", phase: "cloning", detail: `${cloneUrl} at ${ref ?? "the default branch"}` });
      await withCredentials(credentials, async () => {
        base = await git.checkout(runnerGit, cloneUrl, ref, branch);
        // A turn on the branch itself pushes a fast-forward of exactly what it checked out.
        lease = ref === branch || ref === `refs/heads/${branch}` ? base : await git.remoteBranchSha(runnerGit, branch);
      });
      await git.copyCheckout(dirs.repo, dirs.workspace);
    }

    this.emit({ type: "phase", phase: "preparing" });
    const resume = await restoreForResume(request, adapter, dirs, this.emit);
    const before = request.repo ? await git.workingTreeState(agentTree) : undefined;
    const skills = await prepareSkills({ request, workspace: dirs.workspace, skillsDir: config.skillsDir, emit: this.emit });
    const egress = await this.openEgress(adapter, { ...env, ...request.env });
    try {
      const mcpServers = request.mcpServers.map((server, i) => ({ name: server.name, url: egress.urlFor(`mcp${i}`), headers: {} }));
      const mcpConfigPath = await adapter.writeMcpConfig(mcpServers, { workspace: dirs.workspace, home: dirs.home });
      if (before) await git.hideFromCommit(agentTree, newPaths(before, await git.workingTreeState(agentTree)));
      await chownTree(dirs.workspace, user);
      await chownTree(dirs.home, user);
      const invocation = adapter.invocation({
        prompt: buildPrompt(request, skills),
        workspace: dirs.workspace,
        home: dirs.home,
        mcpConfigPath,
        maxBudgetUsd: request.maxBudgetUsd,
        model: request.model,
        resume,
      });
      const agentEnv = agentEnvironment({
        runnerEnv: env,
        extraNames: config.agentEnv,
        requestEnv: request.env,
        withheld: adapter.modelEgress?.withheld ?? [],
        own: { HOME: dirs.home, ...git.identityEnv(), ...invocation.env, ...(adapter.modelEgress?.agentEnv(egress.urlFor("model")) ?? {}) },
      });

      this.emit({ type: "phase", phase: "running", detail: adapter.displayName });
      const run = await runCli({
        adapter,
        binary,
        invocation,
        cwd: dirs.workspace,
        env: agentEnv,
        signal,
        killGraceMs: config.killGraceMs,
        user,
        emit: this.emit,
      });
      this.sessionId = run.sessionId;
      if (this.stopReason) return { ...this.stopped(), ...usage(run) };
      const cliFailure = failureOf(adapter, run);
      if (cliFailure) return { ...failed(cliFailure, run.final?.summary), ...usage(run) };
      if (!run.final) this.emit({ type: "log", level: "warn", message: `${adapter.displayName} exited 0 without a result line` });

      // Commands the agent left running (in sessions of their own, detached) go before any credential is used.
      await killAllOf(user);
      const change = request.repo ? await this.publish(agentTree, credentials, base, lease, request.repo.branch) : undefined;
      if (change && "conflict" in change) return { ...failed(change.conflict), conflict: true, ...usage(run) };
      return {
        outcome: "succeeded",
        summary: run.final?.summary || `${adapter.displayName} finished.`,
        ...usage(run),
        ...(change ? { change } : {}),
      };
    } finally {
      egress.close();
    }
  }

  /** Routes for this run: its model API (when the CLI can be pointed elsewhere) and each MCP server. */
  private openEgress(adapter: CliAdapter, env: Record<string, string | undefined>): Promise<EgressLease> {
    const routes: Record<string, EgressRoute> = {};
    if (adapter.modelEgress) routes.model = adapter.modelEgress.route(env);
    this.request.mcpServers.forEach((server, i) => {
      routes[`mcp${i}`] = { upstream: server.url, headers: server.headers };
    });
    return this.services.egress.open(routes);
  }

  /** Commits what the agent left in the working tree and pushes the branch; undefined when nothing changed. */
  private async publish(
    ctx: git.GitContext,
    credentials: GitCredentials | undefined,
    base: string,
    lease: string,
    branch: string,
  ): Promise<Ending["change"] | { conflict: string }> {
    const state = await git.workingTreeState(ctx);
    const dirty = state.untracked.length > 0 || state.modified.length > 0;
    if (!dirty) return undefined;
    if (this.request.readOnly) {
      this.emit({
        type: "log",
        level: "warn",
        message: `read-only task: ${state.untracked.length + state.modified.length} changed file(s) not pushed`,
      });
      return undefined;
    }
    this.emit({ type: "phase", phase: "pushing", detail: branch });
    await git.commitAll(ctx, this.redactor.text(commitMessage(this.request)));
    const stats = await git.diffStats(ctx, base);
    if (stats.filesChanged === 0) return undefined;
    const conflict = await withCredentials(credentials, () => git.pushUnlessMoved(ctx, branch, lease));
    if (conflict) return { conflict };
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
