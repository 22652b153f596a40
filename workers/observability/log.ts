// Structured logs: one JSON object per line, so Workers Logs can index fields.
// Callers pass ids and outcomes only; error text goes through redact() first.
import { createRedactor, type Redactor } from "../../core/redact";
import type { Config } from "../config";

export type LogFields = Record<string, string | number | boolean | null | undefined>;

export function logLine(level: "info" | "warn" | "error", fields: LogFields): void {
  const line = JSON.stringify({ level, ts: new Date().toISOString(), ...fields });
  if (level === "error") console.error(line);
  else if (level === "warn") console.warn(line);
  else console.log(line);
}

export const SECRET_SETTINGS = [
  "API_TOKEN",
  "GITHUB_WEBHOOK_SECRET",
  "JIRA_WEBHOOK_SECRET",
  "JIRA_WEBHOOK_TOKEN",
  "SLACK_SIGNING_SECRET",
  "SENTRY_CLIENT_SECRET",
  "SENTRY_DSN",
  "GITHUB_TOKEN",
  "GITHUB_APP_PRIVATE_KEY",
  "GITHUB_APP_STORE_KEY",
  "SLACK_BOT_TOKEN",
  "JIRA_API_TOKEN",
  "SENTRY_AUTH_TOKEN",
  "ANTHROPIC_API_KEY",
  "CURSOR_API_KEY",
  "RUNNER_SECRET",
  "RUNNER_SECRET_PREVIOUS",
  "API_TOKEN_PREVIOUS",
  "GITHUB_WEBHOOK_SECRET_PREVIOUS",
  "JIRA_WEBHOOK_SECRET_PREVIOUS",
  "JIRA_WEBHOOK_TOKEN_PREVIOUS",
  "SLACK_SIGNING_SECRET_PREVIOUS",
  "SENTRY_CLIENT_SECRET_PREVIOUS",
] as const satisfies readonly (keyof Config)[];

const redactors = new WeakMap<Config, Redactor>();

/** The one redaction step (shared with the runner): configured secret values, then common token shapes. */
function redactorFor(config: Config): Redactor {
  let redactor = redactors.get(config);
  if (!redactor) {
    redactor = createRedactor({ redact: SECRET_SETTINGS.map((name) => config[name]).filter((value): value is string => Boolean(value)) });
    redactors.set(config, redactor);
  }
  return redactor;
}

/** Replaces secrets in `text` with `[redacted]`. */
export function redact(text: string, config: Config): string {
  return redactorFor(config).text(text);
}

/** Redacts every string inside a JSON-like value. */
export function redactDeep<T>(value: T, config: Config): T {
  return redactorFor(config).deep(value);
}
