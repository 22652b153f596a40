// Which reporter writes back to which vendor, and whether it can: a reporter
// exists only when its vendor's credentials are configured.
import type { Vendor } from "../../core/names";
import type { Config } from "../config";
import { GITHUB_REPORTER_SETTINGS, GitHubThreadReporter } from "../integrations/github/github.thread";
import { JIRA_REPORTER_SETTINGS, JiraThreadReporter } from "../integrations/jira/jira.thread";
import { SENTRY_REPORTER_SETTINGS, SentryThreadReporter } from "../integrations/sentry/sentry.thread";
import { SLACK_REPORTER_SETTINGS, SlackThreadReporter } from "../integrations/slack/slack.thread";
import type { ThreadReporter } from "./types";

interface ReporterEntry {
  settings: readonly (keyof Config)[];
  create: (config: Config) => ThreadReporter;
}

const REPORTERS: Record<Vendor, ReporterEntry> = {
  github: { settings: GITHUB_REPORTER_SETTINGS, create: (config) => new GitHubThreadReporter(config) },
  slack: { settings: SLACK_REPORTER_SETTINGS, create: (config) => new SlackThreadReporter(config) },
  jira: { settings: JIRA_REPORTER_SETTINGS, create: (config) => new JiraThreadReporter(config) },
  sentry: { settings: SENTRY_REPORTER_SETTINGS, create: (config) => new SentryThreadReporter(config) },
};

/** The settings `vendor`'s reporter needs that are not set; empty when it can report. */
export function missingReporterSettings(vendor: Vendor, config: Config): string[] {
  return REPORTERS[vendor].settings.filter((name) => !config[name]);
}

/**
 * The reporter for `vendor`, or undefined when its credentials are not
 * configured (`missingReporterSettings` names them). Creating one makes no
 * request and does not throw; malformed settings fail the first post/update
 * with a non-retryable VendorApiError.
 */
export function reporterFor(vendor: Vendor, config: Config): ThreadReporter | undefined {
  if (missingReporterSettings(vendor, config).length > 0) return undefined;
  return REPORTERS[vendor].create(config);
}
