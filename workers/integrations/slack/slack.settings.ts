// Slack's settings: its webhook secret, who may trigger work, and its API for reporting back.
// Spread into configSchema (workers/config.ts); documented in docs/configuration.md.
import { z } from "zod";
import { list, positiveInt, secret } from "../../config-fields";

export const slackSettings = {
  SLACK_ALLOWED_TEAMS: list,
  SLACK_ALLOWED_CHANNELS: list,
  SLACK_TIMESTAMP_TOLERANCE_SECONDS: positiveInt(300),
  SLACK_SIGNING_SECRET: secret,
  /** Configurable for local fakes. */
  SLACK_API_URL: z.string().url().catch("https://slack.com/api/"),
  SLACK_BOT_TOKEN: secret,
};
