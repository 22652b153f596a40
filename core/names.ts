// The vendors agent-bot takes events from and the agent CLIs it runs. Plain lists (no zod),
// so the dashboard can import them without the schema library.
export const VENDORS = ["github", "jira", "slack", "sentry"] as const;
export type Vendor = (typeof VENDORS)[number];

export const CLI_NAMES = ["claude", "cursor"] as const;
export type CliName = (typeof CLI_NAMES)[number];
