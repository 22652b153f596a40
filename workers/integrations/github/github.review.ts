// Review mode: the agent returns its review as data, a fenced ```agent-bot-review JSON block at the
// end of its final message, and the platform decides what of it reaches GitHub. The agent is
// untrusted: the block is validated, comments on files or lines outside the pull request's diff
// are dropped, counts and lengths are capped, and mentions are broken so it notifies nobody.
import { z } from "zod";
import { neutralizeMentions } from "../../threads/progress";
import type { PullRequestFile, ReviewInput } from "./github.pulls";

export const REVIEW_BLOCK = "agent-bot-review";
export const MAX_REVIEW_COMMENTS = 30;
export const MAX_COMMENT_CHARS = 4_000;
export const MAX_SUMMARY_CHARS = 20_000;

/** What the agent may say: a summary and comments on lines of the new version of files. */
export const reviewBlockSchema = z.object({
  summary: z.string().trim().min(1),
  comments: z
    .array(
      z.object({
        path: z.string().min(1).max(500),
        line: z.number().int().positive(),
        body: z.string().trim().min(1),
      }),
    )
    .default([]),
});
export type ReviewBlock = z.infer<typeof reviewBlockSchema>;

const BLOCK = new RegExp(`\`\`\`${REVIEW_BLOCK}[ \\t]*\\n([\\s\\S]*?)\\n[ \\t]*\`\`\``, "g");

export interface ParsedReview {
  /** The valid block, or undefined (then `error` says why). */
  review?: ReviewBlock;
  error?: string;
  /** The final message without the block: the summary when the block is missing or invalid. */
  text: string;
}

/** The last review block of the agent's final message. */
export function parseReviewBlock(message: string): ParsedReview {
  const blocks = [...message.matchAll(BLOCK)];
  const text = message.replace(BLOCK, "").trim();
  const last = blocks.at(-1);
  if (!last) return { text, error: `no \`\`\`${REVIEW_BLOCK} block in the agent's final message` };
  let json: unknown;
  try {
    json = JSON.parse(last[1] ?? "");
  } catch (error) {
    return { text, error: `the ${REVIEW_BLOCK} block is not JSON: ${(error as Error).message}` };
  }
  const parsed = reviewBlockSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { text, error: `the ${REVIEW_BLOCK} block is invalid: ${issue?.path.join(".") || "(root)"}: ${issue?.message}` };
  }
  return { text, review: parsed.data };
}

/** Line numbers of the new version of the file that a unified diff shows (added and context lines): where GitHub takes a RIGHT comment. */
export function rightSideLines(patch: string): Set<number> {
  const lines = new Set<number>();
  let next = 0;
  let inHunk = false;
  for (const line of patch.split("\n")) {
    const header = /^@@ -\d+(?:,\d+)? \+(\d+)(?:,\d+)? @@/.exec(line);
    if (header) {
      next = Number(header[1]);
      inHunk = true;
      continue;
    }
    if (!inHunk || line.startsWith("\\")) continue;
    if (line.startsWith("-")) continue;
    if (line.startsWith("+") || line.startsWith(" ")) lines.add(next++);
  }
  return lines;
}

export interface DroppedComment {
  path: string;
  line: number;
  why: string;
}

const clip = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

/** The review GitHub gets: only comments on lines of the diff, capped, mentions broken. */
export function reviewFor(block: ReviewBlock, files: PullRequestFile[], footer: string): { input: ReviewInput; dropped: DroppedComment[] } {
  const diff = new Map(files.map((f) => [f.filename, f.patch ? rightSideLines(f.patch) : new Set<number>()]));
  const comments: ReviewInput["comments"] = [];
  const dropped: DroppedComment[] = [];
  for (const c of block.comments) {
    const lines = diff.get(c.path);
    const why = !lines
      ? "the file is not changed by the pull request"
      : !lines.has(c.line)
        ? "the line is not in the diff"
        : comments.length >= MAX_REVIEW_COMMENTS
          ? `more than ${MAX_REVIEW_COMMENTS} comments`
          : undefined;
    if (why) dropped.push({ path: c.path, line: c.line, why });
    else comments.push({ path: c.path, line: c.line, side: "RIGHT", body: neutralizeMentions(clip(c.body, MAX_COMMENT_CHARS)) });
  }
  const body = `${neutralizeMentions(clip(block.summary, MAX_SUMMARY_CHARS))}\n\n${footer}`;
  return { input: { body, comments }, dropped };
}

/** The changed files and their patches for the review prompt, as much as fits in `maxChars`. */
export function renderDiff(files: PullRequestFile[], maxChars: number): string {
  const parts: string[] = [];
  let size = 0;
  for (const file of files) {
    const part = `--- ${file.filename} (${file.status})\n${file.patch ?? "(no textual diff: binary or too large)"}`;
    if (size + part.length > maxChars) {
      parts.push(`… ${files.length - parts.length} more file(s) not shown; read them with git in the checkout.`);
      break;
    }
    parts.push(part);
    size += part.length + 1;
  }
  return parts.join("\n");
}
