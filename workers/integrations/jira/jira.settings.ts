// Jira's settings: its webhook secret, who may trigger work, and its API for reporting back.
// Spread into configSchema (workers/config.ts); documented in docs/configuration.md.
import { z } from "zod";
import { list, secret } from "../../config-fields";

export const jiraSettings = {
  JIRA_ALLOWED_PROJECTS: list,
  /** Account ids that may ask; empty: every licensed account of an allowed project. */
  JIRA_ALLOWED_USERS: list,
  /** Allowed projects where a service-desk customer's request starts a read-only task; empty: customers never do. */
  JIRA_CUSTOMER_PROJECTS: list,
  JIRA_BOT_ACCOUNT_ID: secret,
  JIRA_WEBHOOK_SECRET: secret,
  JIRA_WEBHOOK_TOKEN: secret,
  /** The old JIRA_WEBHOOK_SECRET and JIRA_WEBHOOK_TOKEN, still accepted while a rotation is under way. */
  JIRA_WEBHOOK_SECRET_PREVIOUS: secret,
  JIRA_WEBHOOK_TOKEN_PREVIOUS: secret,
  /** `true`: accept `?token=` even when JIRA_WEBHOOK_SECRET is set (app webhooks beside signed ones); otherwise a signature is required. */
  JIRA_TOKEN_FALLBACK: z
    .enum(["true", "false"])
    .catch("false")
    .transform((value) => value === "true"),
  /** Jira Cloud or Data Center; no default. */
  JIRA_BASE_URL: secret,
  JIRA_EMAIL: secret,
  JIRA_API_TOKEN: secret,
};
