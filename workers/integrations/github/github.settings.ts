// GitHub's settings: its webhook secret, who may trigger work, and its API for reporting back.
// Spread into configSchema (workers/config.ts); documented in docs/configuration.md.
import { z } from "zod";
import { list, secret } from "../../config-fields";

export const githubSettings = {
  GITHUB_PERMITTED_ASSOCIATIONS: list,
  GITHUB_ALLOWED_USERS: list,
  /** Numeric ids of the accounts agent-bot posts as (a user token's account): their events never trigger. */
  GITHUB_BOT_USER_IDS: list,
  GITHUB_WEBHOOK_SECRET: secret,
  /** The old GITHUB_WEBHOOK_SECRET, still accepted while a rotation is under way. */
  GITHUB_WEBHOOK_SECRET_PREVIOUS: secret,
  /** Configurable for GitHub Enterprise and local fakes. */
  GITHUB_API_URL: z.string().url().catch("https://api.github.com"),
  GITHUB_TOKEN: secret,
  /** A label that asks for a review of a pull request, like `@agent-bot review` (github.review.ts). */
  REVIEW_LABEL: z.string().trim().min(1).catch("agent-bot:review"),
};
