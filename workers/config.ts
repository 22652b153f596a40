// Typed, validated view of the Worker's vars and secrets. Vars have defaults in
// wrangler.toml; secrets are optional here because each route reports the one
// it is missing (503) instead of the whole Worker failing to start.
import { z } from "zod";

const list = z
  .string()
  .optional()
  .transform((value) =>
    (value ?? "")
      .split(",")
      .map((item) => item.trim())
      .filter(Boolean),
  );
const secret = z
  .string()
  .optional()
  .transform((value) => (value && value.trim() ? value : undefined));
/** `vendor:scope=owner/repo` pairs, e.g. `sentry:backend=acme/api,jira:PAY=acme/api`, keyed `vendor:scope`. */
const repositoryMap = z
  .string()
  .optional()
  .transform((value) => {
    const map: Record<string, string> = {};
    for (const pair of (value ?? "").split(",")) {
      const match = /^\s*(github|jira|slack|sentry):([^=\s]+)\s*=\s*([\w.-]+\/[\w.-]+)\s*$/.exec(pair);
      if (match) map[`${match[1]}:${match[2]}`] = match[3]!;
    }
    return map;
  });
/**
 * People who are one person across vendors: `name=item,item;name=item…`, each item a graph person
 * (`github:<login>`, `jira:<accountId>`, `slack:<team>/<user>`, `sentry:<user id>`) or an email
 * address. Keyed by `person:<vendor>:<id>` or `email:<address>`, valued by the name.
 */
const personIdentities = z
  .string()
  .optional()
  .transform((value) => {
    const map: Record<string, string> = {};
    for (const group of (value ?? "").split(";")) {
      const [name, items] = group.split("=", 2).map((s) => s.trim());
      if (!name || !items) continue;
      for (const item of items.split(",").map((s) => s.trim())) {
        if (/^(github|jira|slack|sentry):\S+$/.test(item)) map[`person:${item}`] = name;
        else if (/^[^@\s]+@[^@\s]+$/.test(item)) map[`email:${item.toLowerCase()}`] = name;
      }
    }
    return map;
  });
const positiveInt = (fallback: number) => z.coerce.number().int().positive().catch(fallback);
/** A Cloudflare Access team domain as the issuer its JWTs name: `https://<team>.cloudflareaccess.com`. */
const teamDomain = z
  .string()
  .optional()
  .transform((value) => {
    const text = value?.trim();
    if (!text) return undefined;
    try {
      return new URL(/^https?:\/\//.test(text) ? text : `https://${text}`).origin;
    } catch {
      // An unusable domain leaves Access sign-in off, like an empty one; bearer tokens still work.
      return undefined;
    }
  });

export const configSchema = z.object({
  BOT_HANDLE: z.string().trim().min(2).catch("@agent-bot"),
  TRIGGER_LABEL: z.string().trim().min(1).catch("agent-bot"),
  GITHUB_PERMITTED_ASSOCIATIONS: list,
  GITHUB_ALLOWED_USERS: list,
  JIRA_ALLOWED_PROJECTS: list,
  JIRA_BOT_ACCOUNT_ID: secret,
  SLACK_ALLOWED_TEAMS: list,
  SLACK_ALLOWED_CHANNELS: list,
  SENTRY_PROJECTS: list,
  SENTRY_INSTALLATION_ID: secret,
  MAX_BODY_BYTES: positiveInt(25 * 1024 * 1024),
  SLACK_TIMESTAMP_TOLERANCE_SECONDS: positiveInt(300),
  API_TOKEN: secret,
  GITHUB_WEBHOOK_SECRET: secret,
  JIRA_WEBHOOK_SECRET: secret,
  JIRA_WEBHOOK_TOKEN: secret,
  SLACK_SIGNING_SECRET: secret,
  SENTRY_CLIENT_SECRET: secret,
  SENTRY_DSN: secret,

  // Vendor APIs used to report progress back. Base URLs are configurable for
  // GitHub Enterprise, Jira Data Center, self-hosted Sentry, and local fakes.
  GITHUB_API_URL: z.string().url().catch("https://api.github.com"),
  GITHUB_TOKEN: secret,
  SLACK_API_URL: z.string().url().catch("https://slack.com/api/"),
  SLACK_BOT_TOKEN: secret,
  JIRA_BASE_URL: secret,
  JIRA_EMAIL: secret,
  JIRA_API_TOKEN: secret,
  SENTRY_API_URL: z.string().url().catch("https://sentry.io/api/0/"),
  SENTRY_AUTH_TOKEN: secret,
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
  DEFAULT_CLI: z.enum(["claude", "cursor"]).catch("claude"),
  MAX_RUNNING_TASKS: positiveInt(10),
  MAX_RUNNING_TASKS_PER_REPO: positiveInt(2),
  TASK_TIMEOUT_MINUTES: positiveInt(30),
  /** USD a task may spend over all its attempts; a task at its budget is not retried. */
  TASK_BUDGET_USD: z.coerce.number().positive().catch(5),
  /** USD the tasks of one repository may spend per UTC day; beyond it new tasks are refused. */
  REPO_DAILY_BUDGET_USD: z.coerce.number().positive().catch(50),
  ANTHROPIC_API_KEY: secret,

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
