// Sentry's settings: its webhook secret, who may trigger work, and its API for reporting back.
// Spread into configSchema (workers/config.ts); documented in docs/configuration.md.
import { z } from "zod";
import { list, secret } from "../../config-fields";

export const sentrySettings = {
  SENTRY_PROJECTS: list,
  SENTRY_INSTALLATION_ID: secret,
  SENTRY_CLIENT_SECRET: secret,
  /** The old SENTRY_CLIENT_SECRET, still accepted while a rotation is under way. */
  SENTRY_CLIENT_SECRET_PREVIOUS: secret,
  /** Configurable for self-hosted Sentry and local fakes. */
  SENTRY_API_URL: z.string().url().catch("https://sentry.io/api/0/"),
  SENTRY_AUTH_TOKEN: secret,
};
