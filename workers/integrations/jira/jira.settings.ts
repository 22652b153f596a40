// Jira's settings: its webhook secret, who may trigger work, and its API for reporting back.
// Spread into configSchema (workers/config.ts); documented in docs/configuration.md.
import { list, secret } from "../../config-fields";

export const jiraSettings = {
  JIRA_ALLOWED_PROJECTS: list,
  JIRA_BOT_ACCOUNT_ID: secret,
  JIRA_WEBHOOK_SECRET: secret,
  JIRA_WEBHOOK_TOKEN: secret,
  /** Jira Cloud or Data Center; no default. */
  JIRA_BASE_URL: secret,
  JIRA_EMAIL: secret,
  JIRA_API_TOKEN: secret,
};
