// The one event type every vendor's payload is parsed into. It travels on the
// EVENTS queue, so it is validated again by the consumer and kept well under
// the 128 KB message limit (long text is truncated; the full payload is in R2).
import { z } from "zod";
import { VENDORS } from "./names";

export const vendorSchema = z.enum(VENDORS);

/** Longest text carried on the queue; the raw payload keeps the rest. */
export const MAX_EVENT_TEXT = 16_000;
/**
 * UTF-8 bytes a serialised queue message may take (Cloudflare's limit is 128 KB), with headroom
 * for the queue's own framing. A raw body travels inside the message only when the whole message,
 * JSON-escaped and UTF-8 encoded, fits; otherwise it goes to R2 first (workers/webhooks/queue-message.ts).
 */
export const MAX_QUEUE_MESSAGE_BYTES = 112 * 1000;

export const actorSchema = z.object({
  id: z.string(),
  login: z.string().optional(),
  name: z.string().optional(),
  email: z.string().optional(),
  /** GitHub author_association, Jira account type, Sentry actor type... */
  association: z.string().optional(),
  isBot: z.boolean().default(false),
});

/** What the event is about; every field is optional because vendors differ. */
export const subjectSchema = z.object({
  repository: z.string().optional(),
  issueNumber: z.number().int().optional(),
  pullRequestNumber: z.number().int().optional(),
  commitSha: z.string().optional(),
  ref: z.string().optional(),
  ticketKey: z.string().optional(),
  projectKey: z.string().optional(),
  teamId: z.string().optional(),
  channelId: z.string().optional(),
  threadTs: z.string().optional(),
  sentryIssueId: z.string().optional(),
  sentryShortId: z.string().optional(),
  sentryProject: z.string().optional(),
  installationId: z.string().optional(),
});
export type Subject = z.infer<typeof subjectSchema>;

/**
 * Files an event names: per pushed commit (added/modified/removed), or the file a review comment
 * is on. Bounded in count and total path length so a 2 000-file push keeps the message small.
 */
export const MAX_EVENT_FILES = 200;
export const MAX_EVENT_FILE_CHARS = 12_000;
const MAX_PATH = 300;
export const changedFileSchema = z.object({
  path: z.string().min(1).max(MAX_PATH),
  change: z.enum(["added", "modified", "removed"]).optional(),
  /** The short sha of the commit that changed it (pushes). */
  commit: z.string().max(40).optional(),
});
export type ChangedFile = z.infer<typeof changedFileSchema>;

/** In-app stack frames of a Sentry event, innermost last, as paths from the project root. */
export const MAX_STACK_FRAMES = 20;
export const stackFrameSchema = z.object({
  file: z.string().min(1).max(MAX_PATH),
  function: z.string().max(200).optional(),
  line: z.number().int().optional(),
});
export type StackFrame = z.infer<typeof stackFrameSchema>;

export const MAX_EVENT_ASSIGNEES = 20;

/** Longest diff hunk of a review comment carried on the queue (GitHub's own hunks are a few lines). */
export const MAX_DIFF_HUNK = 4_000;

/**
 * The GitHub pull request an event is on. `issue_comment` payloads carry only its number and URL;
 * pull_request, pull_request_review and pull_request_review_comment also name its head branch and
 * the head's repository (another one for a fork), and a review comment its place in the diff.
 */
export const pullRequestRefSchema = z.object({
  number: z.number().int(),
  url: z.string().max(2_000).optional(),
  headRef: z.string().max(255).optional(),
  headRepository: z.string().max(200).optional(),
  /** A submitted review's state: `commented`, `changes_requested`, `approved`. */
  reviewState: z.string().max(40).optional(),
  /** The line a review comment was written on. */
  comment: z
    .object({
      path: z.string().min(1).max(MAX_PATH),
      line: z.number().int().optional(),
      side: z.string().max(10).optional(),
      diffHunk: z.string().max(MAX_DIFF_HUNK).optional(),
    })
    .optional(),
});
export type PullRequestRef = z.infer<typeof pullRequestRefSchema>;

export const agentEventSchema = z.object({
  /** Stable id of the delivery: the same vendor delivery always gets the same id. */
  id: z.string(),
  vendor: vendorSchema,
  /** The vendor's own delivery identifier (header or event id). */
  deliveryKey: z.string(),
  /** Vendor event name, e.g. `issue_comment`, `jira:issue_updated`, `app_mention`, `issue`. */
  type: z.string(),
  action: z.string().optional(),
  /** Whether this type is one agent-bot understands; others are recorded as ignored. */
  handled: z.boolean(),
  /** Why an event of a handled type was still not understood (shape mismatch). */
  note: z.string().optional(),
  actor: actorSchema.optional(),
  /** Who wrote the subject's title and description (issue author, Jira reporter), when the vendor says. */
  author: actorSchema.optional(),
  subject: subjectSchema,
  title: z.string().optional(),
  text: z.string().max(MAX_EVENT_TEXT).optional(),
  labels: z.array(z.string()).default([]),
  assigneeIds: z.array(z.string()).default([]),
  links: z.array(z.string()).default([]),
  /** Who the subject is assigned to now (GitHub assignees, Jira assignee, Sentry assignedTo); `assigneeIds` stays what the trigger reads. */
  assignees: z.array(actorSchema).max(MAX_EVENT_ASSIGNEES).optional(),
  changedFiles: z
    .array(changedFileSchema)
    .max(MAX_EVENT_FILES)
    .refine((files) => files.reduce((n, f) => n + f.path.length, 0) <= MAX_EVENT_FILE_CHARS, "changedFiles too long")
    .optional(),
  stackFrames: z.array(stackFrameSchema).max(MAX_STACK_FRAMES).optional(),
  pullRequest: pullRequestRefSchema.optional(),
  /** The release (Sentry `release`, e.g. `backend@2025.03.14-1`) the event happened in. */
  release: z.string().max(200).optional(),
  /** R2 key of the raw body, for whoever needs more than the typed fields. */
  payloadRef: z.string(),
  /** The raw body itself while on the queue, when small enough; the consumer moves it to R2. */
  inlinePayload: z.string().max(MAX_QUEUE_MESSAGE_BYTES).optional(),
  receivedAt: z.number().int(),
  /** Set when the delivery matched the previous secret of a rotation; the ledger records it. */
  signedWith: z.literal("previous").optional(),
});
export type AgentEvent = z.infer<typeof agentEventSchema>;

/** The fields a vendor parser fills in; the ingest route adds the rest. */
export type ParsedEvent = Omit<
  AgentEvent,
  "id" | "vendor" | "deliveryKey" | "type" | "payloadRef" | "inlinePayload" | "receivedAt" | "signedWith"
>;

export function truncateText(text: string | null | undefined): string | undefined {
  if (!text) return undefined;
  return text.length > MAX_EVENT_TEXT ? `${text.slice(0, MAX_EVENT_TEXT - 1)}…` : text;
}

/** Human-readable one-line subject, for ledgers and logs. */
export function describeSubject(subject: Subject): string | undefined {
  if (subject.repository && subject.pullRequestNumber !== undefined) return `${subject.repository}#${subject.pullRequestNumber}`;
  if (subject.repository && subject.issueNumber !== undefined) return `${subject.repository}#${subject.issueNumber}`;
  if (subject.ticketKey) return subject.ticketKey;
  if (subject.sentryShortId ?? subject.sentryIssueId) return `sentry:${subject.sentryShortId ?? subject.sentryIssueId}`;
  if (subject.channelId) return `slack:${subject.channelId}${subject.threadTs ? `/${subject.threadTs}` : ""}`;
  if (subject.repository) return subject.repository + (subject.ref ? `@${subject.ref}` : "");
  return undefined;
}

/** Keeps the first files that fit MAX_EVENT_FILES and MAX_EVENT_FILE_CHARS; over-long paths are dropped. */
export function boundFiles(files: ChangedFile[]): ChangedFile[] | undefined {
  const kept: ChangedFile[] = [];
  let chars = 0;
  for (const file of files) {
    if (file.path.length > MAX_PATH) continue;
    if (kept.length === MAX_EVENT_FILES || chars + file.path.length > MAX_EVENT_FILE_CHARS) break;
    kept.push(file);
    chars += file.path.length;
  }
  return kept.length ? kept : undefined;
}

/** The innermost MAX_STACK_FRAMES frames (Sentry lists frames oldest first). */
export function boundFrames(frames: StackFrame[]): StackFrame[] | undefined {
  const kept = frames.filter((f) => f.file.length <= MAX_PATH).slice(-MAX_STACK_FRAMES);
  return kept.length ? kept : undefined;
}
