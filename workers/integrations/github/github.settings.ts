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
  /** A personal access token: the single-user mode, used only while no GitHub App is configured. */
  GITHUB_TOKEN: secret,
  /** A label that asks for a review of a pull request, like `@agent-bot review` (github.review.ts). */
  REVIEW_LABEL: z.string().trim().min(1).catch("agent-bot:review"),
  /** The web side of GitHub (github.com, or a GitHub Enterprise host), where the App setup posts its manifest. */
  GITHUB_WEB_URL: z.string().url().catch("https://github.com"),
  // GitHub App mode (docs/github-app.md): set by hand, or stored in D1 by the setup flow.
  GITHUB_APP_ID: secret,
  /** The App's private key (PEM, PKCS#1 as GitHub issues it, or PKCS#8). */
  GITHUB_APP_PRIVATE_KEY: secret,
  /** Seals the App credentials the setup flow stores in D1; without it the flow prints `wrangler secret put` commands. */
  GITHUB_APP_STORE_KEY: secret,
};
