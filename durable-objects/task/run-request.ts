// What the runner is asked to do for one attempt of a task.
import type { Attachment, RunRequest, SessionBundle } from "../../core/runner-protocol";
import type { JoinedThread, TaskSpec } from "../../core/task-types";
import type { Config } from "../../workers/config";
import { SECRET_SETTINGS } from "../../workers/observability/log";
import { branchFor } from "./branch";
import { buildPrompt } from "./prompt";
import type { PullRequestRun } from "./pull-request-head";

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
  /** The task's attachments, read from R2 (./attachments.ts). */
  attachments?: Attachment[];
  /** The pull request the task iterates: its head is checked out (and pushed to, unless read-only). */
  pullRequest?: PullRequestRun;
  /** A follow-up turn's prompt, made from the task's own (./turn-prompt.ts). */
  turnPrompt?: (taskPrompt: string) => string;
  /** The previous turn's CLI session, to resume. */
  resume?: SessionBundle;
  /** The task's branch once pushed: the turn checks it out and pushes onto it. */
  pushedBranch?: string;
}

/** `commitAuthor`: in GitHub App mode, the App's bot (durable-objects/task/github-access.ts). */
export function buildRunRequest(
  spec: TaskSpec,
  attempt: number,
  config: Config & { commitAuthor?: RunRequest["commitAuthor"] },
  inputs: AttemptInputs = {},
): RunRequest {
  const { spentUsd = 0, context, mcp, joined, readOnly = false, attachments = [], pullRequest, resume, pushedBranch } = inputs;
  const turnPrompt = inputs.turnPrompt ?? ((prompt: string) => prompt);
  const cli = spec.cli ?? config.DEFAULT_CLI;
  const model = spec.model ?? config.DEFAULT_MODEL[cli];
  const repository = spec.subject.repository;
  const env: Record<string, string> = {};
  if (config.ANTHROPIC_API_KEY) env.ANTHROPIC_API_KEY = config.ANTHROPIC_API_KEY;
  if (config.CURSOR_API_KEY) env.CURSOR_API_KEY = config.CURSOR_API_KEY;
  return {
    taskId: spec.id,
    attempt,
    cli,
    prompt: turnPrompt(buildPrompt(spec, { context, joined, readOnly, botHandle: config.BOT_HANDLE, pullRequest: pullRequest?.prompt })),
    context: { vendor: spec.vendor, eventType: spec.eventType, title: spec.title },
    repo: repository?.includes("/")
      ? {
          cloneUrl: `${config.GIT_CLONE_BASE_URL.replace(/\/+$/, "")}/${repository}.git`,
          // A pull request's head is the task's branch; otherwise a later turn continues agent-bot/<task> once pushed.
          ref: pullRequest?.ref ?? pushedBranch ?? spec.subject.ref,
          branch: pullRequest?.branch ?? branchFor(spec.id),
        }
      : undefined,
    gitToken: config.GITHUB_TOKEN,
    ...(config.commitAuthor ? { commitAuthor: config.commitAuthor } : {}),
    skills: spec.skills ?? [],
    mcpServers: mcpServersFor(config, mcp),
    env,
    redact: [...SECRET_SETTINGS.map((name) => config[name]), mcp?.token].filter((value): value is string => Boolean(value)),
    timeoutMs: config.TASK_TIMEOUT_MINUTES * 60_000,
    // What is left of the task's budget after earlier attempts.
    maxBudgetUsd: Math.max(0.01, config.TASK_BUDGET_USD - spentUsd),
    readOnly: readOnly || Boolean(pullRequest?.readOnly),
    ...(model ? { model } : {}),
    ...(attachments.length ? { attachments } : {}),
    ...(resume ? { resume } : {}),
  };
}
