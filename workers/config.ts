// Typed, validated view of the Worker's vars and secrets. Vars have defaults in
// wrangler.toml; secrets are optional here because each route reports the one
// it is missing (503) instead of the whole Worker failing to start.
import { z } from "zod";
import { CLI_NAMES } from "../core/names";
import {
  allowedModels,
  list,
  listOr,
  modelPerCli,
  personIdentities,
  positiveInt,
  repositoryMap,
  secret,
  teamDomain,
} from "./config-fields";
import { githubSettings } from "./integrations/github/github.settings";
import { jiraSettings } from "./integrations/jira/jira.settings";
import { sentrySettings } from "./integrations/sentry/sentry.settings";
import { slackSettings } from "./integrations/slack/slack.settings";

export const configSchema = z.object({
  BOT_HANDLE: z.string().trim().min(2).catch("@agent-bot"),
  TRIGGER_LABEL: z.string().trim().min(1).catch("agent-bot"),
  /**
   * Triggers with no permitted person behind them, whose tasks run read-only until one approves
   * (`<vendor>:<kind>`, `<vendor>:*` or `*`; docs/security.md#untrusted-input).
   */
  REQUIRE_APPROVAL: listOr(["sentry:new_issue", "jira:customer", "slack:external"]),
  /** A label that approves a read-only task, like a permitted `@agent-bot approve` (GitHub and Jira). */
  APPROVAL_LABEL: z.string().trim().min(1).catch("agent-bot:approve"),
  // Each vendor's webhook secret, trigger rules and API, declared beside it.
  ...githubSettings,
  ...jiraSettings,
  ...slackSettings,
  ...sentrySettings,
  MAX_BODY_BYTES: positiveInt(25 * 1024 * 1024),
  /** Days the ledger keeps rejected and processed deliveries and dead letters (at least 7; workers/db/retention.ts). */
  LEDGER_RETENTION_DAYS: positiveInt(30),
  API_TOKEN: secret,
  /** The old API_TOKEN, still accepted while a rotation is under way (dashboards, scrapers). */
  API_TOKEN_PREVIOUS: secret,
  SENTRY_DSN: secret,

  // Where agent-bot itself is reached.
  /** Public base URL of this Worker, where task runners reach the MCP servers; DASHBOARD_URL when unset. */
  PUBLIC_URL: z.string().url().optional().catch(undefined),
  /** Public base URL of the dashboard, for links in vendor threads; its origin is the one CORS allows on /api. */
  DASHBOARD_URL: z.string().url().catch("http://127.0.0.1:8787"),

  // Cloudflare Access sign-in for /api (the dashboard behind Access). Both set: the API also
  // takes the Access JWT (Cf-Access-Jwt-Assertion header or CF_Authorization cookie).
  ACCESS_TEAM_DOMAIN: teamDomain,
  /** The Access application's audience tag; several (comma-separated) when the API and dashboard are separate applications. */
  ACCESS_AUD: list,

  // Agent runs.
  /** Where repositories are cloned from: `<base>/<owner>/<repo>.git`. */
  GIT_CLONE_BASE_URL: z.string().min(1).catch("https://github.com"),
  /**
   * The repository a Jira project, Slack channel or Sentry project works on, so their tasks get a
   * checkout and their files (Sentry stack frames) join the repository's in the knowledge graph.
   */
  PROJECT_REPOSITORIES: repositoryMap,
  /** Accounts on different vendors that are one person, joined by `same_as` in the knowledge graph (besides equal emails). */
  GRAPH_PERSON_IDENTITIES: personIdentities,
  DEFAULT_CLI: z.enum(CLI_NAMES).catch("claude"),
  /** The model each CLI runs with unless a request chooses an allowed one (`claude=…,cursor=…`); the CLI's own default when unset. */
  DEFAULT_MODEL: modelPerCli,
  /** Models a request may choose with `[model=…]` or a label; empty: none, every task runs DEFAULT_MODEL. */
  ALLOWED_MODELS: allowedModels,
  /** Labels that choose the CLI or model start with it: `agent-bot:cursor`, `agent-bot:model:<name>`. */
  LABEL_PREFIX: z.string().trim().min(1).catch("agent-bot:"),
  /** Files fetched from the triggering message, at most; the rest are skipped with a note in the prompt. */
  ATTACHMENT_MAX_FILES: positiveInt(10),
  /** Bytes one attachment may have (10 MiB). */
  ATTACHMENT_MAX_BYTES: positiveInt(10 * 1024 * 1024),
  /** Bytes a task's attachments may have together (25 MiB, also the most the runner protocol carries). */
  ATTACHMENT_MAX_TOTAL_BYTES: positiveInt(25 * 1024 * 1024),
  MAX_RUNNING_TASKS: positiveInt(10),
  MAX_RUNNING_TASKS_PER_REPO: positiveInt(2),
  TASK_TIMEOUT_MINUTES: positiveInt(30),
  /** USD a task may spend over all its attempts; a task at its budget is not retried. */
  TASK_BUDGET_USD: z.coerce.number().positive().catch(5),
  /** USD the tasks of one repository may spend per UTC day; beyond it new tasks are refused. */
  REPO_DAILY_BUDGET_USD: z.coerce.number().positive().catch(50),
  ANTHROPIC_API_KEY: secret,
  /** The bearer token the TaskAgent sends the runner (and the AgentRunner container gets); at least 32 characters. */
  RUNNER_SECRET: secret,
  RUNNER_SECRET_PREVIOUS: secret,

  // MCP servers (/mcp/*).
  /** Calls (tools/call, resources/read, prompts/get) per second each MCP token may make, unless the token sets its own. */
  MCP_RATE_LIMIT_PER_SECOND: positiveInt(10),
  /** Every other MCP request (initialize, notifications, lists, SSE, DELETE) per second per token: a bound on floods, not on work. */
  MCP_SESSION_RATE_LIMIT_PER_SECOND: positiveInt(100),
  CURSOR_API_KEY: secret,
});
export type Config = z.infer<typeof configSchema>;

const cache = new WeakMap<object, Config>();

/** Parses once per Env object (one per isolate in production). */
export function getConfig(env: Env): Config {
  let config = cache.get(env);
  if (!config) {
    config = configSchema.parse(env);
    cache.set(env, config);
  }
  return config;
}
