// Renders a task's progress as the text each vendor shows in its thread. Pure
// functions: no I/O, the same input always gives the same text, so a reporter
// can re-render on every transition and edit its one message in place.
// This file holds what all vendors share; each vendor's own format is in
// `workers/integrations/<vendor>/<vendor>.progress.ts`, used by its reporter.
import type { TaskStatus } from "../../core/task-types";
import type { StepState, ThreadProgress, TurnLine } from "./types";

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

/** How long a turn's message is in a tracking message; the dashboard has all of it. */
const TURN_MESSAGE_CHARS = 140;

const turnEmoji = (state: TurnLine["state"]) => (state === "queued" ? "⏳" : state === "refused" ? "⛔" : STATUS_EMOJI[state]);

/** `✅ Turn 2 · octocat in GitHub acme/shop#7: "also update the docs" — fresh session`, as plain text. */
export function turnText(turn: TurnLine, icon: (state: TurnLine["state"]) => string = turnEmoji): string {
  const emoji = icon(turn.state);
  const message = oneLine(turn.message);
  const clipped = message.length > TURN_MESSAGE_CHARS ? `${message.slice(0, TURN_MESSAGE_CHARS - 1)}…` : message;
  const notes = [
    turn.state === "queued" && "queued: runs when the turn before it ends",
    turn.state === "refused" && `refused${turn.reason ? `: ${turn.reason}` : ""}`,
    turn.session === "fresh" && "fresh session: the earlier one could not be resumed, so it got the earlier turns' summaries",
  ].filter(Boolean);
  return `${emoji} Turn ${turn.n} · ${turn.by ?? "someone"} in ${turn.via}: "${clipped}"${notes.length ? ` — ${notes.join("; ")}` : ""}`;
}

const TRUNCATED = "… (truncated, the live log has the rest)";

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
export function metrics(progress: ThreadProgress): { duration?: string; cost?: string; tokens?: string } {
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

export function oneLine(text: string): string {
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

/** Markdown for the vendors that render it (GitHub, Sentry): heading, steps, outcome, metrics in `small`. */
export function markdown(
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
  if (progress.notice) lines.push("", `🔒 ${clean(progress.notice)}`);
  if (progress.alsoIn?.length)
    lines.push(
      "",
      `**Also tracked in:** ${progress.alsoIn.map((t) => (t.url ? `[${clean(t.label)}](${t.url})` : clean(t.label))).join(", ")}`,
    );
  if (progress.steps.length > 0) lines.push("", ...progress.steps.map((step) => steps[step.state](clean(step.label))));
  if (progress.turns?.length) lines.push("", "**Conversation:**", ...progress.turns.map((turn) => `- ${clean(turnText(turn))}`));
  const o = progress.outcome;
  if (o?.pullRequestUrl) lines.push("", `**Pull request:** ${o.pullRequestUrl}`);
  if (o?.summary.trim()) lines.push("", neutralizeMentions(truncate(o.summary.trim(), summaryLimit)));
  if (o?.reason) lines.push("", `**Reason:** ${clean(o.reason)}`);
  const m = metrics(progress);
  const footer = [m.duration && `⏱ ${m.duration}`, m.cost && `💰 ${m.cost}`, m.tokens && `🔢 ${m.tokens}`].filter(Boolean);
  if (footer.length > 0) lines.push("", small(footer.join(" · ")));
  return lines;
}
