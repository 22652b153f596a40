// Review mode on the task's side: the prompt shows the pull request's diff and asks for the
// review as a ```agent-bot-review block (workers/integrations/github/github.review.ts says why
// data, not a say-so); when the run succeeds, the block becomes one GitHub review. A block that
// is missing or invalid still posts the agent's text as the review's summary, so nothing is lost.
import { dashboardUrl } from "../../core/dashboard-url";
import { errorMessage } from "../../core/error-message";
import type { PullRequestHead, TaskSpec } from "../../core/task-types";
import type { Config } from "../../workers/config";
import { createReview, listPullRequestFiles } from "../../workers/integrations/github/github.pulls";
import {
  MAX_REVIEW_COMMENTS,
  parseReviewBlock,
  REVIEW_BLOCK,
  renderDiff,
  reviewFor,
} from "../../workers/integrations/github/github.review";
import { redact } from "../../workers/observability/log";
import { fence } from "./fence";
import type { PullRequestPrompt } from "./prompt-part";
import type { TaskLog } from "./thread-sync";

/** The diff shown in the prompt; the agent reads the rest in the checkout. */
const MAX_PROMPT_DIFF_CHARS = 40_000;

export async function reviewPrompt(spec: TaskSpec, config: Config, head: PullRequestHead): Promise<PullRequestPrompt> {
  const repository = spec.subject.repository!;
  const files = await listPullRequestFiles(config, repository, head.number).catch((error) => {
    throw new Error(`could not list the files of pull request #${head.number} of ${repository}: ${redact(errorMessage(error), config)}`);
  });
  return {
    fenced: true,
    lines: [
      `Mode: REVIEW of pull request #${head.number}${head.url ? ` ${head.url}` : ""} (head branch \`${head.headRef}\`, checked out).`,
      "Review its changes: correctness, tests, security, clarity. Read only: nothing you change is pushed.",
      "The files it changes, with their diffs as GitHub shows them:",
      fence(`pull request #${head.number}'s diff`, renderDiff(files, MAX_PROMPT_DIFF_CHARS)),
      "",
      `End your final message with your review as ONE fenced block tagged ${REVIEW_BLOCK}, holding JSON:`,
      `\`\`\`${REVIEW_BLOCK}`,
      '{"summary": "<the overall review, markdown>", "comments": [{"path": "<a file listed above>", "line": <line number in the new version of the file>, "body": "<the comment, markdown>"}]}',
      "```",
      `Comment only on lines the diff shows (added or context lines, numbered as in the new file); other`,
      `comments are dropped. At most ${MAX_REVIEW_COMMENTS} comments; put everything else in the summary.`,
      "",
    ],
    finish: [`Work in the current directory, reading only. End with the ${REVIEW_BLOCK} block.`],
  };
}

/**
 * Posts the agent's final message as one review of the task's pull request: inline comments only
 * on lines of the diff. Returns what the task's thread shows. Failures are logged and said there.
 */
export async function postTaskReview(spec: TaskSpec, config: Config, message: string, log: TaskLog): Promise<string> {
  const repository = spec.subject.repository;
  const number = spec.pullRequest?.number;
  if (!repository || number === undefined) return message;
  const parsed = parseReviewBlock(message);
  if (parsed.error) log("warn", `review without inline comments: ${parsed.error}`);
  const block = parsed.review ?? { summary: parsed.text || "(the agent gave no review)", comments: [] };
  const footer = `<sub>agent-bot task ${spec.id} · [live log](${dashboardUrl(config, spec.id)})</sub>`;
  try {
    const files = parsed.review?.comments.length ? await listPullRequestFiles(config, repository, number) : [];
    const { input, dropped } = reviewFor(block, files, footer);
    for (const d of dropped) log("warn", `review comment on ${d.path}:${d.line} dropped: ${d.why}`);
    const posted = await createReview(config, repository, number, input);
    log("info", `review posted with ${input.comments.length} inline comment(s): ${posted.url}`);
    const notes = [
      `${input.comments.length} inline comment${input.comments.length === 1 ? "" : "s"}`,
      dropped.length ? `${dropped.length} dropped: not on the diff or over the limit` : undefined,
    ].filter(Boolean);
    return `${block.summary}\n\n**Review:** ${posted.url} (${notes.join("; ")})`;
  } catch (error) {
    const why = redact(errorMessage(error), config);
    log("warn", `could not post the review: ${why}`);
    return `${block.summary}\n\n(Could not post this as a review of the pull request: ${why})`;
  }
}
