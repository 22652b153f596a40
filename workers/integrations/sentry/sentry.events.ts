// Sentry integration-platform payloads → ParsedEvent. The resource comes from
// the Sentry-Hook-Resource header; the action from the body.
import { z } from "zod";
import { truncateText, type ParsedEvent } from "../../events/agent-event";
import { parseWith, unhandled } from "../parse";

const installation = z.object({ uuid: z.string() }).optional();
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
    }),
  }),
});
const eventAlertPayload = z.object({
  action: z.string(),
  installation,
  data: z.object({
    event: z.object({
      event_id: z.string().optional(),
      issue_id: z.union([z.string(), z.number()]).optional(),
      title: z.string(),
      culprit: z.string().nullish(),
      web_url: z.string().optional(),
      project: z.union([z.string(), z.number()]).optional(),
    }),
    triggered_rule: z.string().optional(),
  }),
});
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
        links: [issue.web_url ?? issue.permalink].filter((l): l is string => Boolean(l)),
      };
    }),
  event_alert: (payload) =>
    parseWith(eventAlertPayload, payload, (p) => ({
      handled: true,
      action: p.action,
      actor: toActor(undefined),
      subject: {
        sentryIssueId: p.data.event.issue_id === undefined ? undefined : String(p.data.event.issue_id),
        installationId: p.installation?.uuid,
      },
      title: p.data.event.title,
      text: truncateText([p.data.event.culprit, p.data.triggered_rule && `rule: ${p.data.triggered_rule}`].filter(Boolean).join("\n")),
      labels: [],
      assigneeIds: [],
      links: p.data.event.web_url ? [p.data.event.web_url] : [],
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
