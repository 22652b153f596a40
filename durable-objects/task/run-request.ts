// What the runner is asked to do for one attempt of a task.
import type { RunRequest, SessionBundle } from "../../core/runner-protocol";
import type { JoinedThread, TaskSpec } from "../../core/task-types";
import type { Config } from "../../workers/config";
import { SECRET_SETTINGS } from "../../workers/observability/log";
import { buildPrompt } from "./prompt";

export function branchFor(taskId: string): string {
  return `agent-bot/${taskId}`;
}

export interface TaskMcpAccess {
  token: string;
  servers: readonly string[];
}

/** The platform's own MCP servers, reached with the task's token. */
function mcpServersFor(config: Config, access: TaskMcpAccess | undefined): RunRequest["mcpServers"] {
  if (!access) return [];
  const base = (config.PUBLIC_URL ?? config.DASHBOARD_URL).replace(/\/+$/, "");
  return access.servers.map((server) => ({
    name: `agent-bot-${server}`.replace(/^agent-bot-agent-bot$/, "agent-bot"),
    url: `${base}/mcp/${server}`,
    headers: { Authorization: `Bearer ${access.token}` },
  }));
}

export interface AttemptInputs {
  /** USD the task's earlier attempts spent. */
  spentUsd?: number;
  /** The thread's context, read from the stored payload. */
  context?: string;
  mcp?: TaskMcpAccess;
  /** Events from other vendors that joined the task so far. */
  joined?: JoinedThread[];
  /** No permitted person has approved the task: the runner pushes nothing and the prompt says so. */
  readOnly?: boolean;
  /** A follow-up turn's prompt, made from the task's own (./turn-prompt.ts). */
  turnPrompt?: (taskPrompt: string) => string;
  /** The previous turn's CLI session, to resume. */
  resume?: SessionBundle;
  /** The task's branch once pushed: the turn checks it out and pushes onto it. */
  pushedBranch?: string;
}

export function buildRunRequest(spec: TaskSpec, attempt: number, config: Config, inputs: AttemptInputs = {}): RunRequest {
  const { spentUsd = 0, context, mcp, joined, readOnly = false, resume, pushedBranch, turnPrompt = (p) => p } = inputs;
  const cli = spec.cli ?? config.DEFAULT_CLI;
  const repository = spec.subject.repository;
  const env: Record<string, string> = {};
  if (config.ANTHROPIC_API_KEY) env.ANTHROPIC_API_KEY = config.ANTHROPIC_API_KEY;
  if (config.CURSOR_API_KEY) env.CURSOR_API_KEY = config.CURSOR_API_KEY;
  return {
    taskId: spec.id,
    attempt,
    cli,
    prompt: turnPrompt(buildPrompt(spec, { context, joined, readOnly, botHandle: config.BOT_HANDLE })),
    context: { vendor: spec.vendor, eventType: spec.eventType, title: spec.title },
    repo: repository?.includes("/")
      ? {
          cloneUrl: `${config.GIT_CLONE_BASE_URL.replace(/\/+$/, "")}/${repository}.git`,
          ref: pushedBranch ?? spec.subject.ref,
          branch: branchFor(spec.id),
        }
      : undefined,
    gitToken: config.GITHUB_TOKEN,
    skills: spec.skills ?? [],
    mcpServers: mcpServersFor(config, mcp),
    env,
    redact: [...SECRET_SETTINGS.map((name) => config[name]), mcp?.token].filter((value): value is string => Boolean(value)),
    timeoutMs: config.TASK_TIMEOUT_MINUTES * 60_000,
    // What is left of the task's budget after earlier attempts.
    maxBudgetUsd: Math.max(0.01, config.TASK_BUDGET_USD - spentUsd),
    readOnly,
    ...(resume ? { resume } : {}),
  };
}
