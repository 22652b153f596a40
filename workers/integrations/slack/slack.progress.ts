// The Slack tracking message, in mrkdwn. Pure, like the shared parts in
// workers/threads/progress.ts.
import { metrics, neutralizeMentions, oneLine, STATUS_EMOJI, STATUS_LABEL, truncate, turnText } from "../../threads/progress";
import type { StepState, ThreadProgress } from "../../threads/types";

/** Longest summary a Slack message gets; the live log always has the rest. */
export const SLACK_SUMMARY_LIMIT = 3_000;

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
  if (progress.notice) lines.push(`🔒 ${clean(progress.notice)}`);
  if (progress.alsoIn?.length)
    lines.push(`*Also tracked in:* ${progress.alsoIn.map((t) => (t.url ? slackLink(t.url, clean(t.label)) : clean(t.label))).join(", ")}`);
  lines.push(...progress.steps.map((step) => SLACK_STEP[step.state](clean(step.label))));
  if (progress.turns?.length) lines.push("*Conversation:*", ...progress.turns.map((turn) => `• ${clean(turnText(turn))}`));
  const o = progress.outcome;
  if (o?.pullRequestUrl) lines.push(`*Pull request:* <${o.pullRequestUrl.replace(/\|/g, "%7C").replace(/>/g, "%3E")}>`);
  if (o?.summary.trim()) lines.push(escapeSlack(neutralizeMentions(truncate(o.summary.trim(), SLACK_SUMMARY_LIMIT))));
  if (o?.reason) lines.push(`*Reason:* ${clean(o.reason)}`);
  const m = metrics(progress);
  const footer = [m.duration && `⏱ ${m.duration}`, m.cost && `💰 ${m.cost}`, m.tokens && `🔢 ${m.tokens}`].filter(Boolean);
  if (footer.length > 0) lines.push(`_${footer.join(" · ")}_`);
  return lines.join("\n");
}
