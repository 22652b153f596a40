// Renders a task's progress as the text each vendor shows in its thread. Pure
// functions: no I/O, the same input always gives the same text, so a reporter
// can re-render on every transition and edit its one message in place.
import type { TaskStatus } from "../../core/task-types";
import type { StepState, ThreadProgress } from "./types";

export const STATUS_EMOJI: Record<TaskStatus, string> = {
  queued: "⏳",
  preparing: "🛠️",
  running: "🔄",
  succeeded: "✅",
  failed: "❌",
  cancelled: "🚫",
  timed_out: "⌛",
};

export const STATUS_LABEL: Record<TaskStatus, string> = {
  queued: "Queued",
  preparing: "Preparing",
  running: "Running",
  succeeded: "Succeeded",
  failed: "Failed",
  cancelled: "Cancelled",
  timed_out: "Timed out",
};

/** Longest summary each vendor gets; the live log always has the rest. */
export const SUMMARY_LIMIT = { github: 60_000, slack: 3_000, jira: 30_000, sentry: 5_000 } as const;

const TRUNCATED = "… (truncated, the live log has the rest)";

// ── marker ────────────────────────────────────────────────────────────────────

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

// ── shared formatting ────────────────────────────────────────────────────────

/** `850 ms`, `4.2 s`, `2 min 05 s`, `1 h 02 min`. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return "–";
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const totalSeconds = Math.round(ms / 1000);
  if (totalSeconds < 3600) return `${Math.floor(totalSeconds / 60)} min ${String(totalSeconds % 60).padStart(2, "0")} s`;
  const totalMinutes = Math.round(totalSeconds / 60);
  return `${Math.floor(totalMinutes / 60)} h ${String(totalMinutes % 60).padStart(2, "0")} min`;
}

/** `$0.0123`: agent runs cost fractions of a cent to a few dollars, so four decimals. */
export function formatCost(usd: number): string {
  return `$${usd.toFixed(4)}`;
}

/** `12,345`, independent of the runtime's locale data. */
export function formatCount(n: number): string {
  return String(Math.round(n)).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

export function formatTokens(input?: number, output?: number): string | undefined {
  if (input === undefined && output === undefined) return undefined;
  const parts = [input !== undefined && `${formatCount(input)} in`, output !== undefined && `${formatCount(output)} out`].filter(Boolean);
  return `${parts.join(" / ")} tokens`;
}

/** Duration, cost and tokens, in that order, for whichever the outcome has. */
function metrics(progress: ThreadProgress): { duration?: string; cost?: string; tokens?: string } {
  const o = progress.outcome;
  if (!o) return {};
  return {
    duration: o.durationMs === undefined ? undefined : formatDuration(o.durationMs),
    cost: o.costUsd === undefined ? undefined : formatCost(o.costUsd),
    tokens: formatTokens(o.inputTokens, o.outputTokens),
  };
}

export function truncate(text: string, max: number): string {
  return text.length <= max ? text : text.slice(0, Math.max(0, max - TRUNCATED.length)) + TRUNCATED;
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}

/**
 * Breaks `@name` mentions with a word joiner (U+2060). The text still reads the
 * same, but nobody is notified and the bot's own handle in a task title cannot
 * trigger a new task from the bot's comment.
 */
export function neutralizeMentions(text: string): string {
  return text.replace(/(^|[^\w.@])@(?=[\w-])/g, "$1@\u2060");
}

// ── GitHub (and Sentry): markdown ────────────────────────────────────────────

const GITHUB_STEP: Record<StepState, (label: string) => string> = {
  done: (label) => `- [x] ${label}`,
  active: (label) => `- [ ] **${label}** _(in progress)_`,
  pending: (label) => `- [ ] ${label}`,
  failed: (label) => `- [ ] ${label} — ❌ failed`,
};

const EMOJI_STEP: Record<StepState, (label: string) => string> = {
  done: (label) => `- ✅ ${label}`,
  active: (label) => `- 🔄 **${label}** _(in progress)_`,
  pending: (label) => `- ▫️ ${label}`,
  failed: (label) => `- ❌ ${label} — failed`,
};

function markdown(
  progress: ThreadProgress,
  steps: Record<StepState, (label: string) => string>,
  summaryLimit: number,
  small: (text: string) => string,
): string[] {
  // One-line fields are text, not markup: `<` could open an HTML comment that hides the rest.
  const clean = (text: string) => neutralizeMentions(oneLine(text)).replace(/</g, "&lt;");
  const lines = [
    `### ${STATUS_EMOJI[progress.status]} ${clean(progress.title)}`,
    "",
    `**${STATUS_LABEL[progress.status]}** · [live log](${progress.dashboardUrl})`,
  ];
  if (progress.alsoIn?.length) lines.push("", `**Also tracked in:** ${progress.alsoIn.map((t) => (t.url ? `[${clean(t.label)}](${t.url})` : clean(t.label))).join(", ")}`);
  if (progress.steps.length > 0) lines.push("", ...progress.steps.map((step) => steps[step.state](clean(step.label))));
  const o = progress.outcome;
  if (o?.pullRequestUrl) lines.push("", `**Pull request:** ${o.pullRequestUrl}`);
  if (o?.summary.trim()) lines.push("", neutralizeMentions(truncate(o.summary.trim(), summaryLimit)));
  if (o?.reason) lines.push("", `**Reason:** ${clean(o.reason)}`);
  const m = metrics(progress);
  const footer = [m.duration && `⏱ ${m.duration}`, m.cost && `💰 ${m.cost}`, m.tokens && `🔢 ${m.tokens}`].filter(Boolean);
  if (footer.length > 0) lines.push("", small(footer.join(" · ")));
  return lines;
}

/** A GitHub issue/PR comment: hidden task marker, heading, task list, outcome, metrics. */
export function renderGitHubComment(progress: ThreadProgress): string {
  return [taskMarker(progress.taskId), ...markdown(progress, GITHUB_STEP, SUMMARY_LIMIT.github, (text) => `<sub>${text}</sub>`)].join("\n");
}

/** A Sentry issue comment. Sentry renders markdown but neither task lists nor HTML comments. */
export function renderSentryComment(progress: ThreadProgress): string {
  return markdown(progress, EMOJI_STEP, SUMMARY_LIMIT.sentry, (text) => `_${text}_`).join("\n");
}

// ── Slack: mrkdwn ─────────────────────────────────────────────────────────────

/** The three characters Slack's mrkdwn reserves; everything else is literal. */
export function escapeSlack(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

const SLACK_STEP: Record<StepState, (label: string) => string> = {
  done: (label) => `✅ ${label}`,
  active: (label) => `🔄 *${label}* _(in progress)_`,
  pending: (label) => `▫️ ${label}`,
  failed: (label) => `❌ ~${label}~ failed`,
};

/** Slack link syntax; `|` and `>` would end the URL early, so they are percent-encoded. */
function slackLink(url: string, label: string): string {
  return `<${url.replace(/\|/g, "%7C").replace(/>/g, "%3E")}|${label}>`;
}

/** A Slack message (`text` of chat.postMessage / chat.update), in mrkdwn. */
export function renderSlackText(progress: ThreadProgress): string {
  const clean = (text: string) => escapeSlack(neutralizeMentions(oneLine(text)));
  const lines = [
    `${STATUS_EMOJI[progress.status]} *${clean(progress.title)}* — ${STATUS_LABEL[progress.status].toLowerCase()} · ${slackLink(progress.dashboardUrl, "live log")}`,
  ];
  if (progress.alsoIn?.length) lines.push(`*Also tracked in:* ${progress.alsoIn.map((t) => (t.url ? slackLink(t.url, clean(t.label)) : clean(t.label))).join(", ")}`);
  lines.push(...progress.steps.map((step) => SLACK_STEP[step.state](clean(step.label))));
  const o = progress.outcome;
  if (o?.pullRequestUrl) lines.push(`*Pull request:* <${o.pullRequestUrl.replace(/\|/g, "%7C").replace(/>/g, "%3E")}>`);
  if (o?.summary.trim()) lines.push(escapeSlack(neutralizeMentions(truncate(o.summary.trim(), SUMMARY_LIMIT.slack))));
  if (o?.reason) lines.push(`*Reason:* ${clean(o.reason)}`);
  const m = metrics(progress);
  const footer = [m.duration && `⏱ ${m.duration}`, m.cost && `💰 ${m.cost}`, m.tokens && `🔢 ${m.tokens}`].filter(Boolean);
  if (footer.length > 0) lines.push(`_${footer.join(" · ")}_`);
  return lines.join("\n");
}

// ── Jira: wiki markup (REST API v2) ──────────────────────────────────────────
// Wiki markup rather than ADF: the v2 comment API takes it on Jira Cloud and
// Data Center alike, in one request. Jira's own emoticons, not Unicode emoji,
// because Data Center on MySQL utf8 rejects 4-byte characters.

const JIRA_STATUS_ICON: Record<TaskStatus, string> = {
  queued: "(i)",
  preparing: "(*y)",
  running: "(*y)",
  succeeded: "(/)",
  failed: "(x)",
  cancelled: "(-)",
  timed_out: "(!)",
};

const JIRA_STEP: Record<StepState, (label: string) => string> = {
  done: (label) => `* (/) ${label}`,
  active: (label) => `* (*y) *${label}* _(in progress)_`,
  pending: (label) => `* (off) ${label}`,
  failed: (label) => `* (x) ${label} — failed`,
};

/** Backslash-escapes wiki markup in user text, leaving URLs intact so Jira still links them. */
export function escapeJira(text: string): string {
  return text
    .split(/(https?:\/\/[^\s|\]]+)/)
    .map((part, i) => (i % 2 === 1 ? part : part.replace(/[\\{}[\]|*_^~+\-!#?]/g, "\\$&")))
    .join("");
}

function jiraLink(url: string, label?: string): string {
  const safe = url.replace(/\|/g, "%7C").replace(/\]/g, "%5D");
  return label ? `[${label}|${safe}]` : `[${safe}]`;
}

/** A Jira comment body in wiki markup. */
export function renderJiraComment(progress: ThreadProgress): string {
  const clean = (text: string) => escapeJira(neutralizeMentions(oneLine(text)));
  const lines = [
    `h3. ${JIRA_STATUS_ICON[progress.status]} ${clean(progress.title)}`,
    `*${STATUS_LABEL[progress.status]}* · ${jiraLink(progress.dashboardUrl, "live log")}`,
  ];
  if (progress.alsoIn?.length) lines.push(`*Also tracked in:* ${progress.alsoIn.map((t) => (t.url ? jiraLink(t.url, clean(t.label)) : clean(t.label))).join(", ")}`);
  if (progress.steps.length > 0) lines.push("", ...progress.steps.map((step) => JIRA_STEP[step.state](clean(step.label))));
  const o = progress.outcome;
  if (o?.pullRequestUrl) lines.push("", `*Pull request:* ${jiraLink(o.pullRequestUrl)}`);
  if (o?.summary.trim()) lines.push("", escapeJira(neutralizeMentions(truncate(o.summary.trim(), SUMMARY_LIMIT.jira))));
  if (o?.reason) lines.push("", `*Reason:* ${clean(o.reason)}`);
  const m = metrics(progress);
  const footer = [m.duration && `Duration ${m.duration}`, m.cost && `Cost ${m.cost}`, m.tokens && `Tokens ${m.tokens.replace(/ tokens$/, "")}`].filter(Boolean);
  if (footer.length > 0) lines.push("", `_${footer.join(" · ")}_`);
  return lines.join("\n");
}
