// The Worker entry: HTTP (Hono app), the two queue consumers and the daily Cron Trigger. The TaskAgent
// class is exported here so wrangler can bind the Durable Object.
import { createApp } from "./app";
import { getConfig } from "./config";
import { logLine } from "./observability/log";
import { reportError } from "./observability/sentry";
import { consumeDeadLetters } from "./queue/dead-letter.consumer";
import { consumeEvents } from "./queue/events.consumer";
import { pruneLedger } from "./db/retention";

export { AgentRunner } from "../containers/agent-runner.container";
export { TaskAgent } from "../durable-objects/task-agent";
export { TaskScheduler } from "../durable-objects/task-scheduler";
export { McpHost } from "../mcp/host";
export { McpRateLimiter } from "../mcp/rate-limiter";
import { errorMessage } from "../core/error-message";

const app = createApp();

export default {
  fetch: app.fetch,

  async queue(batch, env, ctx) {
    try {
      if (batch.queue.endsWith("-dlq")) await consumeDeadLetters(batch, env);
      else await consumeEvents(batch, env);
    } catch (error) {
      logLine("error", { kind: "queue_batch_failed", queue: batch.queue, error: errorMessage(error) });
      reportError(error, getConfig(env), ctx);
      throw error;
    }
  },

  /** The daily Cron Trigger: ledger retention. */
  async scheduled(_controller, env, ctx) {
    try {
      const pruned = await pruneLedger(env.DB, getConfig(env));
      logLine("info", { kind: "ledger_pruned", ...pruned });
    } catch (error) {
      logLine("error", { kind: "ledger_prune_failed", error: errorMessage(error) });
      reportError(error, getConfig(env), ctx);
      throw error;
    }
  },
} satisfies ExportedHandler<Env>;
