// The one event type every vendor's payload is parsed into. It travels on the
// EVENTS queue, so it is validated again by the consumer and kept well under
// the 128 KB message limit (long text is truncated; the full payload is in R2).
import { z } from "zod";

export const VENDORS = ["github", "jira", "slack", "sentry"] as const;
export const vendorSchema = z.enum(VENDORS);
export type Vendor = z.infer<typeof vendorSchema>;

/** Longest text carried on the queue; the raw payload keeps the rest. */
export const MAX_EVENT_TEXT = 16_000;
/** Raw bodies up to this size travel inside the queue message (limit 128 KB) and are stored by the consumer. */
export const MAX_INLINE_PAYLOAD = 64 * 1024;

export const actorSchema = z.object({
  id: z.string(),
  login: z.string().optional(),
  name: z.string().optional(),
  email: z.string().optional(),
  /** GitHub author_association, Jira account type, Sentry actor type... */
  association: z.string().optional(),
  isBot: z.boolean().default(false),
});
export type Actor = z.infer<typeof actorSchema>;

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
  subject: subjectSchema,
  title: z.string().optional(),
  text: z.string().max(MAX_EVENT_TEXT).optional(),
  labels: z.array(z.string()).default([]),
  assigneeIds: z.array(z.string()).default([]),
  links: z.array(z.string()).default([]),
  /** R2 key of the raw body, for whoever needs more than the typed fields. */
  payloadRef: z.string(),
  /** The raw body itself while on the queue, when small enough; the consumer moves it to R2. */
  inlinePayload: z.string().max(MAX_INLINE_PAYLOAD).optional(),
  receivedAt: z.number().int(),
});
export type AgentEvent = z.infer<typeof agentEventSchema>;

/** The fields a vendor parser fills in; the ingest route adds the rest. */
export type ParsedEvent = Omit<AgentEvent, "id" | "vendor" | "deliveryKey" | "type" | "payloadRef" | "inlinePayload" | "receivedAt">;

export function truncateText(text: string | null | undefined): string | undefined {
  if (!text) return undefined;
  return text.length > MAX_EVENT_TEXT ? text.slice(0, MAX_EVENT_TEXT - 1) + "…" : text;
}

/** Human-readable one-line subject, for ledgers and logs. */
export function describeSubject(subject: Subject): string | undefined {
  if (subject.repository && subject.pullRequestNumber !== undefined)
    return `${subject.repository}#${subject.pullRequestNumber}`;
  if (subject.repository && subject.issueNumber !== undefined) return `${subject.repository}#${subject.issueNumber}`;
  if (subject.ticketKey) return subject.ticketKey;
  if (subject.sentryShortId ?? subject.sentryIssueId) return `sentry:${subject.sentryShortId ?? subject.sentryIssueId}`;
  if (subject.channelId) return `slack:${subject.channelId}${subject.threadTs ? `/${subject.threadTs}` : ""}`;
  if (subject.repository) return subject.repository + (subject.ref ? `@${subject.ref}` : "");
  return undefined;
}
