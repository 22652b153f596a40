// The Jira tracking comment, in wiki markup (REST API v2). Pure, like the shared
// parts in workers/threads/progress.ts.
// Wiki markup rather than ADF: the v2 comment API takes it on Jira Cloud and
// Data Center alike, in one request. Jira's own emoticons, not Unicode emoji,
// because Data Center on MySQL utf8 rejects 4-byte characters.
import type { TaskStatus } from "../../../core/task-types";
import { metrics, neutralizeMentions, oneLine, STATUS_LABEL, truncate, turnText } from "../../threads/progress";
import type { StepState, ThreadProgress } from "../../threads/types";

/** Longest summary a Jira comment gets; the live log always has the rest. */
const JIRA_SUMMARY_LIMIT = 30_000;

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

const jiraTurnIcon = (state: TaskStatus | "refused" | "queued") =>
  state === "queued" ? "(i)" : state === "refused" ? "(-)" : JIRA_STATUS_ICON[state];

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
  if (progress.notice) lines.push(`*(!)* ${clean(progress.notice)}`);
  if (progress.alsoIn?.length)
    lines.push(`*Also tracked in:* ${progress.alsoIn.map((t) => (t.url ? jiraLink(t.url, clean(t.label)) : clean(t.label))).join(", ")}`);
  if (progress.steps.length > 0) lines.push("", ...progress.steps.map((step) => JIRA_STEP[step.state](clean(step.label))));
  if (progress.turns?.length)
    lines.push("", "*Conversation:*", ...progress.turns.map((turn) => `* ${clean(turnText(turn, jiraTurnIcon))}`));
  const o = progress.outcome;
  if (o?.pullRequestUrl) lines.push("", `*Pull request:* ${jiraLink(o.pullRequestUrl)}`);
  if (o?.summary.trim()) lines.push("", escapeJira(neutralizeMentions(truncate(o.summary.trim(), JIRA_SUMMARY_LIMIT))));
  if (o?.reason) lines.push("", `*Reason:* ${clean(o.reason)}`);
  const m = metrics(progress);
  const footer = [
    m.duration && `Duration ${m.duration}`,
    m.cost && `Cost ${m.cost}`,
    m.tokens && `Tokens ${m.tokens.replace(/ tokens$/, "")}`,
  ].filter(Boolean);
  if (footer.length > 0) lines.push("", `_${footer.join(" · ")}_`);
  return lines.join("\n");
}
