// The runs this runner knows, one per task id. A POST for the attempt that
// is already known returns that run (the TaskAgent may retry its request); a
// newer attempt supersedes it; an older one is refused. A finished run stays
// readable for `retentionMs`, so a reader that reconnects late still gets
// the whole log.
import type { RunRequest } from "../../core/runner-protocol";
import { AgentUserPool } from "./agent-user";
import type { RunnerConfig } from "./config";
import { EgressProxy } from "./egress";
import type { Logger } from "./log";
import { Run, type RunServices, type StopReason } from "./run";

export type StartResult = { run: Run; created: boolean } | { conflict: string };

export class RunRegistry {
  private readonly runs = new Map<string, Run>();
  readonly services: RunServices;

  constructor(
    private readonly config: RunnerConfig,
    private readonly logger: Logger,
  ) {
    this.services = { users: new AgentUserPool(config.agentUids), egress: new EgressProxy() };
  }

  start(request: RunRequest): StartResult {
    const existing = this.runs.get(request.taskId);
    if (existing && existing.request.attempt === request.attempt) return { run: existing, created: false };
    if (existing && existing.request.attempt > request.attempt) {
      return { conflict: `task ${request.taskId} is at attempt ${existing.request.attempt}; attempt ${request.attempt} is stale` };
    }
    existing?.stop("superseded");
    const run = new Run(request, this.config, this.logger, this.services);
    this.runs.set(request.taskId, run);
    run.start();
    void run.finished.then(() => {
      const timer = setTimeout(() => {
        if (this.runs.get(request.taskId) === run) this.runs.delete(request.taskId);
      }, this.config.retentionMs);
      timer.unref();
    });
    return { run, created: true };
  }

  get(taskId: string): Run | undefined {
    return this.runs.get(taskId);
  }

  /** Stops the task's run and waits for its `result`; false when there was nothing to stop. */
  async cancel(taskId: string, reason: StopReason = "cancelled"): Promise<boolean> {
    const run = this.runs.get(taskId);
    if (!run?.stop(reason)) return false;
    await run.finished;
    return true;
  }

  get activeCount(): number {
    let count = 0;
    for (const run of this.runs.values()) if (run.active) count += 1;
    return count;
  }

  /** Stops every active run and waits (at most `graceMs`) for their results. */
  async stopAll(reason: StopReason, graceMs: number): Promise<void> {
    const pending = [...this.runs.values()].filter((run) => run.stop(reason) || run.active).map((run) => run.finished);
    await Promise.race([Promise.all(pending), delay(graceMs)]);
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
