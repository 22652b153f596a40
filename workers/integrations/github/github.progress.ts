// The GitHub tracking comment: markdown with a task list, starting with the
// task's hidden marker. Pure, like the shared parts in workers/threads/progress.ts.
import { markdown } from "../../threads/progress";
import type { StepState, ThreadProgress } from "../../threads/types";

/** Longest summary a GitHub comment gets; the live log always has the rest. */
export const GITHUB_SUMMARY_LIMIT = 60_000;

const MARKER_PREFIX = "<!-- agent-bot:task:";
const MARKER_PATTERN = /^<!-- agent-bot:task:([\w.:-]+) -->/;

/**
 * Hidden first line of every GitHub comment agent-bot writes. Parallel tasks on
 * one issue each own the comment that starts with their id, and only that one.
 */
export function taskMarker(taskId: string): string {
  return `${MARKER_PREFIX}${taskId.replace(/[^\w.:-]/g, "")} -->`;
}

/** The task id a comment body belongs to, read from its first line only so quoted text cannot claim it. */
export function parseTaskMarker(body: string): string | undefined {
  return MARKER_PATTERN.exec(body)?.[1];
}

const GITHUB_STEP: Record<StepState, (label: string) => string> = {
  done: (label) => `- [x] ${label}`,
  active: (label) => `- [ ] **${label}** _(in progress)_`,
  pending: (label) => `- [ ] ${label}`,
  failed: (label) => `- [ ] ${label} — ❌ failed`,
};

/** A GitHub issue/PR comment: hidden task marker, heading, task list, outcome, metrics. */
export function renderGitHubComment(progress: ThreadProgress): string {
  return [taskMarker(progress.taskId), ...markdown(progress, GITHUB_STEP, GITHUB_SUMMARY_LIMIT, (text) => `<sub>${text}</sub>`)].join("\n");
}
