// One TaskAgent per task (agents SDK Agent on a SQLite-backed Durable Object).
// It owns the task's state machine — queued → preparing → running → succeeded |
// failed | cancelled | timed_out — its attempts, its event log (own SQLite) and its
// live feed (hibernating WebSockets). Its name is the task id, derived from the
// delivery, so a redelivered webhook reaches the same object and creates nothing new.
//
// Timers use schedule(): dispatch, following the runner's event stream (in windows,
// resumable by sequence number) and the per-attempt timeout all survive eviction.
import { Agent, type Connection, type ConnectionContext } from "agents";
import { errorMessage } from "../core/error-message";
import type { RunnerEvent } from "../core/runner-protocol";
import type { TurnRequest } from "../core/task-turns";
import {
  isFinal,
  type JoinedThread,
  type TaskApproval,
  type TaskAttempt,
  type TaskJoin,
  type TaskLogEntry,
  type TaskSpec,
  type TaskState,
  type TaskStatus,
} from "../core/task-types";
import { revokeToken } from "../workers/auth/mcp-tokens";
import { getConfig } from "../workers/config";
import { updateTaskRow } from "../workers/db/tasks";
import { logLine, redact, redactDeep } from "../workers/observability/log";
import { incrementCounters } from "../workers/observability/metrics";
import { runnerFor, RunnerUnavailableError, type Runner } from "./runner/runner-client";
import { approvalRefusal, type ApprovalResult } from "./task/approval";
import { dailyBudgetRefusal, recordAttemptSpend } from "./task/budget";
import { type AttemptResult, endLastAttempt, mintAttemptToken, retryRefusal, taskRowOf } from "./task/attempts";
import { EventLog } from "./task/event-log";
import { taskGitHubConfig } from "./task/github-access";
import { readRunnerEvents } from "./task/ndjson";
import { attemptRequest } from "./task/attempt-request";
import { publishResult } from "./task/publish-result";
import { settleConflict } from "./task/push-conflict";
import { branchFor } from "./task/branch";
import type { TaskMcpAccess } from "./task/run-request";
import { keepSession } from "./task/conversation";
import {
  acceptTurn,
  budgetRefusal,
  conversationOf,
  endTurn,
  firstTurn,
  followUpFrom,
  pendingTurns,
  refuseWaiting,
  turnMessage,
  type TurnDecision,
} from "./task/turns";
import { syncThreads } from "./task/thread-sync";

export interface CreateResult {
  created: boolean;
  state: TaskState;
}

/** One follow call reads the event stream for at most this long, then reschedules itself. */
const FOLLOW_WINDOW_MS = 5 * 60_000;
/** Consecutive failures to reach the runner before the attempt fails. */
const MAX_FOLLOW_FAILURES = 5;

const SCHEDULER_NAME = "global";

export class TaskAgent extends Agent<Env, TaskState> {
  override initialState: TaskState = {
    spec: null,
    status: null,
    transitions: [],
    attempts: [],
    waiting: null,
    skills: [],
    costUsd: 0,
    result: null,
    thread: null,
  };

  private eventLog!: EventLog;
  /** The attempt whose event stream is being read, 0 for none: a stopped attempt's reader never blocks the next one's. */
  private following = 0;
  private followFailures = 0;
  /** Thread updates run one after another, so the first post is never made twice. */
  private threadSync: Promise<void> = Promise.resolve();

  override async onStart(): Promise<void> {
    this.eventLog = new EventLog(this.ctx.storage.sql);
  }

  /** The runner this task talks to; replaceable in tests. */
  protected runner(): Runner {
    return runnerFor(this.env);
  }

  private get config() {
    return getConfig(this.env);
  }

  /** The config GitHub calls use: in App mode it carries this task's installation token (throws without one unless lenient). */
  private githubConfig(lenient = false) {
    return taskGitHubConfig(this.env, this.state, lenient ? (message) => this.log("warn", message) : undefined);
  }

  // ---- RPC ----------------------------------------------------------------

  /** Creates the task once and schedules its dispatch; later calls return the existing state. */
  async createTask(spec: TaskSpec): Promise<CreateResult> {
    if (this.state.spec) return { created: false, state: this.state };
    const at = Date.now();
    // The agent's name is the task id; the spec cannot claim another.
    this.setState({
      ...this.initialState,
      spec: { ...spec, id: this.name },
      status: "queued",
      transitions: [{ status: "queued", at, reason: spec.reason }],
      conversation: { turns: [firstTurn({ ...spec, id: this.name })] },
    });
    this.log("info", `task created from ${spec.vendor} ${spec.eventType} delivery ${spec.deliveryId}: ${spec.reason}`);
    await this.schedule(0, "dispatch");
    return { created: true, state: this.state };
  }

  /**
   * Another event about the same problem joins this task: its thread is told of the task and
   * follows its progress, and the next attempt's prompt mentions it. An ended task takes no
   * joins (the caller starts a new task then). Joining twice with one delivery changes nothing.
   */
  async joinTask(join: TaskJoin): Promise<{ joined: boolean; state: TaskState }> {
    if (!this.state.spec || isFinal(this.state.status)) return { joined: false, state: this.state };
    if (join.deliveryId === this.state.spec.deliveryId || this.state.joined?.some((j) => j.deliveryId === join.deliveryId)) {
      return { joined: true, state: this.state };
    }
    // Another message in a thread that already joined: the thread already follows the task.
    if (this.state.joined?.some((j) => j.vendor === join.vendor && j.subjectText === join.subjectText && j.subjectText)) {
      this.log("info", `${join.vendor} ${join.eventType} on ${join.subjectText} is about this task too: ${join.reason}`);
      return { joined: true, state: this.state };
    }
    const joined: JoinedThread = { ...join, joinedAt: Date.now(), thread: null };
    this.setState({ ...this.state, joined: [...(this.state.joined ?? []), joined] });
    this.log("info", `joined by ${join.vendor} ${join.eventType}${join.subjectText ? ` on ${join.subjectText}` : ""}: ${join.reason}`);
    await this.syncThread();
    return { joined: true, state: this.state };
  }

  /**
   * A permitted person's follow-up in one of the task's threads: the next turn. It starts now when
   * the task has ended, waits for the running turn otherwise (never a parallel run), and is
   * refused once the task's budget is spent. A redelivered follow-up adds nothing.
   */
  async addTurn(request: TurnRequest): Promise<{ decision: TurnDecision["kind"]; turn?: number; message: string }> {
    const decision = acceptTurn(this.state, request, this.config.TASK_BUDGET_USD);
    if (decision.kind === "no_task") return { decision: decision.kind, message: "no such task" };
    const { turn } = decision;
    if (decision.kind === "duplicate") return { decision: decision.kind, turn: turn.n, message: `already turn ${turn.n}` };
    this.setState({ ...this.state, conversation: decision.conversation });
    const message = turnMessage(decision);
    this.log(decision.kind === "refused" ? "warn" : "info", message);
    if (decision.kind === "start") await this.requeue(`turn ${turn.n}: ${followUpFrom(turn)}`);
    else await this.syncThread();
    return { decision: decision.kind, turn: turn.n, message };
  }

  /** After a turn ends: the oldest waiting follow-up starts, or is refused when the budget is spent. */
  private async nextTurn(): Promise<void> {
    const conversation = this.state.conversation;
    const next = conversation && pendingTurns(conversation)[0];
    if (!next || !isFinal(this.state.status)) return;
    const refusal = budgetRefusal(this.state, this.config.TASK_BUDGET_USD);
    if (refusal) {
      this.setState({ ...this.state, conversation: refuseWaiting(conversation, refusal) });
      this.log("warn", `waiting turns refused: ${refusal}`);
      await this.syncThread();
      return;
    }
    await this.requeue(`turn ${next.n}: ${followUpFrom(next)}`);
  }

  getTask(): TaskState {
    return this.state;
  }

  getLog(after = 0, limit = 500): TaskLogEntry[] {
    return this.eventLog.after(after, limit);
  }

  /** Called by the TaskScheduler when a slot frees for this waiting task. */
  async slotGranted(): Promise<void> {
    if (this.state.status !== "queued") return;
    this.setState({ ...this.state, waiting: null });
    await this.launch();
  }

  async cancelTask(reason = "cancelled by request"): Promise<TaskState> {
    if (!this.state.spec || isFinal(this.state.status)) return this.state;
    const wasRunning = this.state.status === "preparing" || this.state.status === "running";
    await this.finish("cancelled", reason);
    if (wasRunning) {
      await this.runner()
        .cancel(this.name)
        .catch((error) => this.log("warn", `could not tell the runner to stop: ${errorMessage(error)}`));
    }
    // Cancel ends the current turn, not the conversation: a follow-up that waited runs next.
    await this.nextTurn();
    return this.state;
  }

  /** Starts a fresh attempt of a task that ended without success. */
  async retryTask(reason = "retried by request"): Promise<{ retried: boolean; message?: string; state: TaskState }> {
    const refused = retryRefusal(this.state, this.config.TASK_BUDGET_USD);
    if (refused) return { retried: false, message: refused, state: this.state };
    await this.requeue(reason);
    return { retried: true, state: this.state };
  }

  /** Queues the next attempt of an ended task. */
  private async requeue(reason: string): Promise<void> {
    this.transition("queued", reason, { result: null });
    await this.syncRow();
    await this.schedule(0, "dispatch");
  }

  /**
   * A permitted person approves a read-only task: its next attempt may change code and push.
   * A running read-only attempt is stopped for it, an ended task starts one; a queued task
   * simply launches with write access.
   */
  async approveTask(approval: TaskApproval): Promise<ApprovalResult & { state: TaskState }> {
    const refused = approvalRefusal(this.state, approval, this.config.TASK_BUDGET_USD);
    if (refused) return { ...refused, state: this.state };
    this.setState({ ...this.state, approval: { ...approval, at: Date.now() } });
    this.log("info", `approved by ${approval.by} (${approval.via}): attempts from now on may change code and push`);
    const reason = `approved by ${approval.by}`;
    if (this.isActive()) await this.cancelTask(`stopped the read-only attempt: ${reason}`);
    if (isFinal(this.state.status)) await this.requeue(reason);
    await this.syncThread();
    return { approved: true, message: `task ${this.name} continues with write access`, state: this.state };
  }

  // ---- live feed -----------------------------------------------------------

  /** A new dashboard socket gets the backlog after its `after` sequence number, then live events. */
  override async onConnect(connection: Connection, ctx: ConnectionContext): Promise<void> {
    const after = Number(new URL(ctx.request.url).searchParams.get("after") ?? 0) || 0;
    for (const entry of this.eventLog.after(after, 10_000)) connection.send(JSON.stringify({ type: "log", entry }));
  }

  // ---- scheduled steps -------------------------------------------------------

  /** Asks the TaskScheduler for a running slot; waits in line when there is none. */
  async dispatch(): Promise<void> {
    if (this.state.status !== "queued" || !this.state.spec) return;
    // Every task counts against its scope's daily cap: its repository, else its project or channel.
    // A refused choice of CLI or model ends the task unrun, with what is allowed in its thread.
    const refused = this.state.spec.refusal ?? (await dailyBudgetRefusal(this.env.DB, this.state.spec, this.config.REPO_DAILY_BUDGET_USD));
    if (refused) {
      await this.finish("failed", refused);
      return;
    }
    const scheduler = this.env.TASK_SCHEDULER.getByName(SCHEDULER_NAME);
    const grant = await scheduler.acquire(this.name, this.state.spec.subject.repository ?? "(none)");
    if (!grant.granted) {
      const position = grant.position ?? 0;
      this.setState({ ...this.state, waiting: { position, since: this.state.waiting?.since ?? Date.now() } });
      this.log("info", `waiting for a running slot (position ${position} in line)`);
      return;
    }
    await this.launch();
  }

  /** Reads the runner's events from the last stored sequence number on. */
  async follow(payload: { attempt: number }): Promise<void> {
    if (payload.attempt !== this.currentAttempt()?.n || !this.isActive() || this.following === payload.attempt) return;
    this.following = payload.attempt;
    const runner = this.runner();
    try {
      const stream = await runner.events(this.name, this.lastSeq(), AbortSignal.timeout(FOLLOW_WINDOW_MS));
      for await (const event of readRunnerEvents(stream, (line) => this.log("warn", `unreadable runner line: ${line.slice(0, 200)}`))) {
        this.followFailures = 0;
        await this.onRunnerEvent(payload.attempt, event);
        if (!this.isActive()) return;
      }
      // The stream ended before the result (a dropped connection or the window closed): resume.
      await this.schedule(1, "follow", payload);
    } catch (error) {
      if (!this.isActive() || payload.attempt !== this.currentAttempt()?.n) return;
      const timedOut = error instanceof DOMException && error.name === "TimeoutError";
      if (timedOut) {
        await this.schedule(0, "follow", payload);
        return;
      }
      this.followFailures++;
      this.countUnreachable("events");
      const message = redact(errorMessage(error), this.config);
      if (this.followFailures >= MAX_FOLLOW_FAILURES || (error instanceof RunnerUnavailableError && error.status === 404)) {
        await this.finish("failed", `runner unreachable: ${message}`);
        return;
      }
      this.log("warn", `lost the runner's event stream (${message}); reconnecting from #${this.lastSeq()}`);
      await this.schedule(2 ** this.followFailures, "follow", payload);
    } finally {
      if (this.following === payload.attempt) this.following = 0;
    }
  }

  async onTimeout(payload: { attempt: number }): Promise<void> {
    if (payload.attempt !== this.currentAttempt()?.n || !this.isActive()) return;
    const minutes = this.config.TASK_TIMEOUT_MINUTES;
    await this.finish("timed_out", `no result within ${minutes} minute${minutes === 1 ? "" : "s"}`);
    await this.runner()
      .cancel(this.name)
      .catch((error) => this.log("warn", `could not tell the runner to stop: ${errorMessage(error)}`));
    await this.nextTurn();
  }

  // ---- internals -------------------------------------------------------------

  private async launch(): Promise<void> {
    const spec = this.state.spec;
    if (!spec || this.state.status !== "queued") return;
    const attempt: TaskAttempt = { n: this.state.attempts.length + 1, startedAt: Date.now() };
    this.transition("preparing", `attempt ${attempt.n}`, { attempts: [...this.state.attempts, attempt], waiting: null });
    await this.syncRow();
    await this.syncThread();
    try {
      const prepared = await attemptRequest({
        state: this.state,
        attempt: attempt.n,
        bucket: this.env.PAYLOADS,
        github: () => this.githubConfig(),
        mcpToken: (readOnly) => this.issueMcpToken(attempt.n, readOnly),
        log: (level, message) => this.log(level, message),
      });
      this.setState({ ...this.state, ...prepared.state });
      const { request } = prepared;
      // Until it reports, the attempt counts against today's cap with all it may spend.
      await recordAttemptSpend(this.env.DB, spec, attempt.n, "reserved", request.maxBudgetUsd ?? 0);
      await this.runner().start(request);
    } catch (error) {
      if (error instanceof RunnerUnavailableError) this.countUnreachable("start");
      await this.finish("failed", redact(errorMessage(error), this.config));
      return;
    }
    this.followFailures = 0;
    await this.schedule(this.config.TASK_TIMEOUT_MINUTES * 60, "onTimeout", { attempt: attempt.n });
    await this.schedule(0, "follow", { attempt: attempt.n });
  }

  private async onRunnerEvent(attempt: number, received: RunnerEvent): Promise<void> {
    // An attempt that was stopped (approval, cancel) may still stream its last events: they are not this attempt's.
    if (attempt !== this.currentAttempt()?.n || !this.isActive() || received.seq <= this.lastSeq()) return;
    // The runner redacts too; this second pass keeps a secret out of the log,
    // the live feed and the thread even if a runner does not.
    const event = redactDeep(received, this.config);
    // The log, not the agent's state, remembers how far the stream was read: state is broadcast
    // to every dashboard socket, and a state message per log line makes each line cost a re-render.
    this.eventLog.appendRunnerEvent(attempt, event);
    this.broadcastLatest();
    switch (event.type) {
      case "phase":
        if (event.phase === "running" && this.state.status === "preparing") {
          this.transition("running", event.detail ?? "the agent CLI started");
          await this.syncRow();
          await this.syncThread();
        }
        break;
      case "skills":
        this.setState({ ...this.state, skills: event.skills.map((s) => s.name) });
        break;
      case "result": {
        const session = await keepSession(this.state, this.name, attempt, this.runner(), this.env.PAYLOADS, (level, message) =>
          this.log(level, message),
        );
        if (session) this.setState({ ...this.state, conversation: { ...conversationOf(this.state), session } });
        const { outcome, reason } = settleConflict(event, this.state.pullRequest?.headRef ?? branchFor(this.name));
        await this.finish(outcome, reason, {
          summary: event.summary,
          costUsd: event.costUsd,
          inputTokens: event.inputTokens,
          outputTokens: event.outputTokens,
          durationMs: event.durationMs,
          change: event.change,
          sessionId: session?.sessionId ?? event.sessionId,
        });
        await this.nextTurn();
        break;
      }
    }
  }

  /** Ends the current attempt once, frees its slot, and mirrors the outcome to D1. */
  private async finish(status: TaskStatus, reason: string | undefined, result?: AttemptResult): Promise<void> {
    if (!this.state.spec || isFinal(this.state.status)) return;
    const attempts = endLastAttempt(this.state.attempts, status, reason, result);
    // The attempt that ends here (a budget refusal before any attempt ends none).
    const ended = this.currentAttempt();
    const running = this.isActive();
    if (ended && ended.endedAt === undefined) {
      await recordAttemptSpend(this.env.DB, this.state.spec, ended.n, "spent", result?.costUsd ?? 0).catch((error) =>
        this.log("warn", `could not record the attempt's spend: ${errorMessage(error)}`),
      );
    }
    const conversation = conversationOf(this.state);
    const { pullRequestUrl, summary } = await publishResult({
      state: this.state,
      status,
      result,
      github: () => this.githubConfig(true),
      db: this.env.DB,
      log: (level, message) => this.log(level, message),
    });
    this.transition(status, reason, {
      attempts,
      waiting: null,
      costUsd: this.state.costUsd + (result?.costUsd ?? 0),
      result: { summary: summary ?? reason ?? status, reason, change: result?.change, pullRequestUrl },
      conversation: {
        ...endTurn(conversation, {
          attempt: running ? ended?.n : undefined,
          outcome: status,
          reason,
          summary: result?.summary,
          sessionId: result?.sessionId,
        }),
        ...(result?.change ? { branch: result.change.branch } : {}),
        ...(pullRequestUrl ? { pullRequestUrl } : {}),
      },
    });
    this.log(status === "succeeded" ? "info" : "warn", `task ${status}${reason ? `: ${reason}` : ""}`);
    const scheduler = this.env.TASK_SCHEDULER.getByName(SCHEDULER_NAME);
    this.ctx.waitUntil(scheduler.release(this.name).catch((error) => this.log("error", `could not free the slot: ${errorMessage(error)}`)));
    const tokenId = this.state.mcpTokenId;
    if (tokenId) {
      // The attempt is over, so is its MCP access.
      await revokeToken(this.env.DB, tokenId).catch((error) =>
        this.log("warn", `could not revoke the task's MCP token: ${errorMessage(error)}`),
      );
      this.setState({ ...this.state, mcpTokenId: null });
    }
    await this.syncRow();
    await this.syncThread();
  }

  /** A token for the platform's MCP servers that lives as long as this attempt can. */
  private async issueMcpToken(attempt: number, readOnly: boolean): Promise<TaskMcpAccess> {
    const issued = await mintAttemptToken(this.env.DB, this.name, attempt, this.state, this.config.TASK_TIMEOUT_MINUTES, readOnly);
    this.setState({ ...this.state, mcpTokenId: issued.id });
    return { token: issued.token, servers: issued.servers };
  }

  /** Mirrors the state to every thread of the task, one sync after another, so no message is posted twice. */
  private syncThread(): Promise<void> {
    const run = async () => {
      const posted = await syncThreads(this.state, await this.githubConfig(true), (level, message) => this.log(level, message));
      if (!posted.origin && posted.joined.size === 0) return;
      this.setState({
        ...this.state,
        thread: this.state.thread ?? posted.origin ?? null,
        ...(this.state.joined
          ? { joined: this.state.joined.map((j) => (j.thread ? j : { ...j, thread: posted.joined.get(j.deliveryId) ?? null })) }
          : {}),
      });
    };
    this.threadSync = this.threadSync.then(run, run);
    return this.threadSync;
  }

  private transition(status: TaskStatus, reason: string | undefined, extra: Partial<TaskState> = {}): void {
    const at = Date.now();
    this.setState({ ...this.state, ...extra, status, transitions: [...this.state.transitions, { status, at, reason }] });
    this.log("info", `status → ${status}${reason ? ` (${reason})` : ""}`);
  }

  /** Highest runner sequence number stored for the current attempt: where a resumed stream starts. */
  private lastSeq(): number {
    return this.eventLog.lastRunnerSeq(this.currentAttempt()?.n ?? 0);
  }

  private currentAttempt(): TaskAttempt | undefined {
    return this.state.attempts[this.state.attempts.length - 1];
  }

  private isActive(): boolean {
    return this.state.status === "preparing" || this.state.status === "running";
  }

  private log(level: "info" | "warn" | "error", message: string): void {
    this.eventLog.appendNote(this.currentAttempt()?.n ?? 0, level, redact(message, this.config));
    this.broadcastLatest();
    logLine(level, { kind: "task", taskId: this.name, message: redact(message, this.config) });
  }

  /** Feeds agentbot_runner_unreachable_total, which the runner-unreachable alert watches. */
  private countUnreachable(step: "start" | "events"): void {
    const counted = incrementCounters(this.env.DB, [{ name: "agentbot_runner_unreachable_total", labels: { step } }]);
    this.ctx.waitUntil(counted.catch(() => {}));
  }

  private broadcastLatest(): void {
    const entry = this.eventLog.latest();
    if (entry) this.broadcast(JSON.stringify({ type: "log", entry }));
  }

  /** Keeps the D1 listing row in step; a failure here is logged, never fatal to the task. */
  private async syncRow(): Promise<void> {
    try {
      await updateTaskRow(this.env.DB, this.name, taskRowOf(this.state, this.config.DEFAULT_CLI));
    } catch (error) {
      logLine("error", { kind: "task_row_sync_failed", taskId: this.name, error: errorMessage(error) });
    }
  }
}
