// The Sentry tracking comment: markdown with emoji steps. Pure, like the shared
// parts in workers/threads/progress.ts.
import { markdown } from "../../threads/progress";
import type { StepState, ThreadProgress } from "../../threads/types";

/** Longest summary a Sentry comment gets; the live log always has the rest. */
const SENTRY_SUMMARY_LIMIT = 5_000;

const EMOJI_STEP: Record<StepState, (label: string) => string> = {
  done: (label) => `- ✅ ${label}`,
  active: (label) => `- 🔄 **${label}** _(in progress)_`,
  pending: (label) => `- ▫️ ${label}`,
  failed: (label) => `- ❌ ${label} — failed`,
};

/** A Sentry issue comment. Sentry renders markdown but neither task lists nor HTML comments. */
export function renderSentryComment(progress: ThreadProgress): string {
  return markdown(progress, EMOJI_STEP, SENTRY_SUMMARY_LIMIT, (text) => `_${text}_`).join("\n");
}
