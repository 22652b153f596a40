// Slack's settings: its webhook secret, who may trigger work, and its API for reporting back.
// Spread into configSchema (workers/config.ts); documented in docs/configuration.md.
import { z } from "zod";
import { list, positiveInt, secret } from "../../config-fields";

export const slackSettings = {
  SLACK_ALLOWED_TEAMS: list,
  SLACK_ALLOWED_CHANNELS: list,
  /** User ids that may ask; empty: every person of an allowed workspace. */
  SLACK_ALLOWED_USERS: list,
  /** Workspaces whose people may ask from a Slack Connect channel (read-only, `slack:external`); empty: none. */
  SLACK_ALLOWED_EXTERNAL_TEAMS: list,
  SLACK_TIMESTAMP_TOLERANCE_SECONDS: positiveInt(300),
  SLACK_SIGNING_SECRET: secret,
  /** The old SLACK_SIGNING_SECRET, still accepted while a rotation is under way. */
  SLACK_SIGNING_SECRET_PREVIOUS: secret,
  /** Configurable for local fakes. */
  SLACK_API_URL: z.string().url().catch("https://slack.com/api/"),
  SLACK_BOT_TOKEN: secret,
};
