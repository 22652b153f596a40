// Sentry integration-platform payloads → ParsedEvent. The resource comes from
// the Sentry-Hook-Resource header; the action from the body.
import { z } from "zod";
import { boundFrames, truncateText, type ParsedEvent, type StackFrame } from "../../../core/agent-event";
import { parseWith, unhandled } from "../parse";

const installation = z.object({ uuid: z.string() }).optional();
/** A frame as Sentry sends it; a malformed stack trace is dropped, never the event. */
const frame = z.object({
  filename: z.string().nullish(),
  abs_path: z.string().nullish(),
  function: z.string().nullish(),
  lineno: z.number().nullish(),
  in_app: z.boolean().nullish(),
});
const exception = z
  .object({ values: z.array(z.object({ stacktrace: z.object({ frames: z.array(frame) }).nullish() })).nullish() })
  .nullish()
  .catch(undefined);
/** The event shape shared by event_alert (`data.event`) and error (`data.error`) payloads. */
const sentryEvent = z.object({
  event_id: z.string().optional(),
  issue_id: z.union([z.string(), z.number()]).optional(),
  title: z.string(),
  culprit: z.string().nullish(),
  web_url: z.string().optional(),
  url: z.string().optional(),
  project: z.union([z.string(), z.number()]).optional(),
  release: z.string().nullish(),
  exception,
});
const sentryActor = z.object({ type: z.string(), id: z.union([z.string(), z.number()]), name: z.string().optional() }).optional();

const issuePayload = z.object({
  action: z.string(),
  installation,
  actor: sentryActor,
  data: z.object({
    issue: z.object({
      id: z.union([z.string(), z.number()]),
      shortId: z.string().optional(),
      title: z.string(),
      culprit: z.string().nullish(),
      web_url: z.string().optional(),
      permalink: z.string().nullish(),
      project: z.object({ slug: z.string() }),
      metadata: z.object({ value: z.string().optional(), filename: z.string().optional() }).partial().optional(),
      assignedTo: z
        .object({
          type: z.string().optional(),
          id: z.union([z.string(), z.number()]),
          name: z.string().optional(),
          email: z.string().optional(),
        })
        .nullish()
        .catch(undefined),
    }),
  }),
});
const eventAlertPayload = z.object({
  action: z.string(),
  installation,
  data: z.object({ event: sentryEvent, triggered_rule: z.string().optional() }),
});
const errorPayload = z.object({ action: z.string(), installation, data: z.object({ error: sentryEvent }) });
const metricAlertPayload = z.object({
  action: z.string(),
  installation,
  data: z.object({
    description_title: z.string().optional(),
    description_text: z.string().optional(),
    web_url: z.string().optional(),
    metric_alert: z.object({ id: z.union([z.string(), z.number()]), title: z.string().optional() }).passthrough(),
  }),
});
const commentPayload = z.object({
  action: z.string(),
  installation,
  actor: sentryActor,
  data: z.object({ comment: z.string(), issue_id: z.union([z.string(), z.number()]), project_slug: z.string().optional() }),
});

type Actor = z.infer<typeof sentryActor>;
type SentryEvent = z.infer<typeof sentryEvent>;

/** A path from the project root: Sentry's `filename`, without the scheme or `~/` JS frames carry. */
const framePath = (f: z.infer<typeof frame>) =>
  (f.filename ?? f.abs_path ?? "").replace(/^(?:[a-z]+:\/\/\/?|~\/)/i, "").replace(/^\.?\/+/, "");

/** The in-app frames of every exception, innermost last. */
function inAppFrames(event: SentryEvent): StackFrame[] | undefined {
  const frames = (event.exception?.values ?? []).flatMap((v) => v.stacktrace?.frames ?? []);
  return boundFrames(
    frames
      .filter((f) => f.in_app && framePath(f))
      .map((f) => ({
        file: framePath(f),
        ...(f.function ? { function: f.function.slice(0, 200) } : {}),
        ...(typeof f.lineno === "number" ? { line: Math.trunc(f.lineno) } : {}),
      })),
  );
}

/** The project slug from the event's API URL (`…/projects/<org>/<slug>/events/…`): `project` itself is a numeric id. */
const projectSlug = (event: SentryEvent) => /\/projects\/[^/]+\/([^/]+)\/events\//.exec(event.url ?? "")?.[1];

/** What event_alert and error deliveries share: the issue, its project, release and stack frames. */
function eventFields(event: SentryEvent, installationId?: string) {
  return {
    subject: {
      sentryIssueId: event.issue_id === undefined ? undefined : String(event.issue_id),
      sentryProject: projectSlug(event),
      installationId,
    },
    title: event.title,
    links: event.web_url ? [event.web_url] : [],
    stackFrames: inAppFrames(event),
    release: event.release ? event.release.slice(0, 200) : undefined,
  };
}
const toActor = (a: Actor, fallback = "sentry") =>
  a ? { id: String(a.id), name: a.name, association: a.type, isBot: a.type !== "user" } : { id: fallback, isBot: true };

const parsers: Record<string, (payload: unknown) => ParsedEvent> = {
  issue: (payload) =>
    parseWith(issuePayload, payload, (p) => {
      const issue = p.data.issue;
      return {
        handled: true,
        action: p.action,
        actor: toActor(p.actor),
        subject: {
          sentryIssueId: String(issue.id),
          sentryShortId: issue.shortId,
          sentryProject: issue.project.slug,
          installationId: p.installation?.uuid,
        },
        title: issue.title,
        text: truncateText([issue.culprit, issue.metadata?.value, issue.metadata?.filename].filter(Boolean).join("\n")),
        labels: [],
        assigneeIds: [],
        // Teams are not people; a user assignee is the same Sentry user id actors carry.
        assignees:
          issue.assignedTo && (issue.assignedTo.type ?? "user") === "user"
            ? [{ id: String(issue.assignedTo.id), name: issue.assignedTo.name, email: issue.assignedTo.email, isBot: false }]
            : undefined,
        // The issue payload has no stack trace; metadata names the culprit's file.
        stackFrames: issue.metadata?.filename ? boundFrames([{ file: issue.metadata.filename.replace(/^\.?\/+/, "") }]) : undefined,
        links: [issue.web_url ?? issue.permalink].filter((l): l is string => Boolean(l)),
      };
    }),
  event_alert: (payload) =>
    parseWith(eventAlertPayload, payload, (p) => ({
      handled: true,
      action: p.action,
      actor: toActor(undefined),
      ...eventFields(p.data.event, p.installation?.uuid),
      text: truncateText([p.data.event.culprit, p.data.triggered_rule && `rule: ${p.data.triggered_rule}`].filter(Boolean).join("\n")),
      labels: [],
      assigneeIds: [],
    })),
  // An error event (Sentry-Hook-Resource: error): recorded for its stack frames and release.
  error: (payload) =>
    parseWith(errorPayload, payload, (p) => ({
      handled: true,
      action: p.action,
      actor: toActor(undefined),
      ...eventFields(p.data.error, p.installation?.uuid),
      text: truncateText(p.data.error.culprit),
      labels: [],
      assigneeIds: [],
    })),
  metric_alert: (payload) =>
    parseWith(metricAlertPayload, payload, (p) => ({
      handled: true,
      action: p.action,
      actor: toActor(undefined),
      subject: { installationId: p.installation?.uuid },
      title: p.data.description_title ?? p.data.metric_alert.title ?? `metric alert ${p.data.metric_alert.id}`,
      text: truncateText(p.data.description_text),
      labels: [],
      assigneeIds: [],
      links: p.data.web_url ? [p.data.web_url] : [],
    })),
  comment: (payload) =>
    parseWith(commentPayload, payload, (p) => ({
      handled: true,
      action: p.action,
      actor: toActor(p.actor),
      subject: { sentryIssueId: String(p.data.issue_id), sentryProject: p.data.project_slug, installationId: p.installation?.uuid },
      text: truncateText(p.data.comment),
      labels: [],
      assigneeIds: [],
      links: [],
    })),
};

export function parseSentryEvent(type: string, payload: unknown): ParsedEvent {
  const parser = parsers[type];
  return parser ? parser(payload) : unhandled();
}
