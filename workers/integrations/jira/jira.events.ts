// Jira Cloud payloads → ParsedEvent.
import { z } from "zod";
import { truncateText, type ParsedEvent } from "../../../core/agent-event";
import { parseWith, unhandled } from "../parse";

const user = z.object({
  accountId: z.string(),
  displayName: z.string().optional(),
  emailAddress: z.string().optional(),
  accountType: z.string().optional(),
});
/** Plain text in webhook (v2) payloads, Atlassian Document Format elsewhere. */
const richText = z.union([z.string(), z.record(z.string(), z.unknown())]).nullish();
const issue = z.object({
  id: z.string(),
  key: z.string(),
  self: z.string(),
  fields: z.object({
    summary: z.string(),
    description: richText,
    project: z.object({ key: z.string() }),
    labels: z.array(z.string()).default([]),
    assignee: user.nullish(),
    reporter: user.nullish(),
  }),
});
const changelog = z
  .object({
    items: z.array(
      z.object({ field: z.string(), to: z.string().nullish(), toString: z.string().nullish(), fromString: z.string().nullish() }),
    ),
  })
  .optional();
const issuePayload = z.object({
  webhookEvent: z.string(),
  issue_event_type_name: z.string().optional(),
  user: user.optional(),
  issue,
  changelog,
});
const commentPayload = z.object({
  webhookEvent: z.string(),
  comment: z.object({ id: z.string(), body: richText, author: user }),
  issue,
});

function plainText(value: z.infer<typeof richText>): string | undefined {
  if (value == null) return undefined;
  if (typeof value === "string") return value;
  const parts: string[] = [];
  const walk = (node: unknown) => {
    if (!node || typeof node !== "object") return;
    const { text, content } = node as { text?: unknown; content?: unknown };
    if (typeof text === "string") parts.push(text);
    if (Array.isArray(content)) content.forEach(walk);
  };
  walk(value);
  return parts.join(" ");
}

type Issue = z.infer<typeof issue>;
type User = z.infer<typeof user>;

const toActor = (u?: User) =>
  u && { id: u.accountId, name: u.displayName, email: u.emailAddress, association: u.accountType, isBot: u.accountType === "app" };

/** The browse URL a person opens, derived from the REST `self` link. */
function browseUrl(i: Issue): string {
  const url = new URL(i.self);
  return `${url.origin}/browse/${i.key}`;
}

function issueFields(i: Issue) {
  return {
    subject: { ticketKey: i.key, projectKey: i.fields.project.key },
    // The reporter wrote the summary and description; webhooks without the field leave it unknown.
    author: toActor(i.fields.reporter ?? undefined),
    title: i.fields.summary,
    labels: i.fields.labels,
    assigneeIds: i.fields.assignee ? [i.fields.assignee.accountId] : [],
    // The current assignee, for the graph (assigneeIds is narrowed to new assignees on updates).
    assignees: i.fields.assignee ? [toActor(i.fields.assignee)!] : undefined,
    links: [browseUrl(i)],
  };
}

function parseIssueEvent(payload: unknown): ParsedEvent {
  return parseWith(issuePayload, payload, (p) => {
    const fields = issueFields(p.issue);
    // For updates, only the fields that changed in this delivery count as triggers.
    const changed = p.changelog?.items ?? [];
    const newLabels = changed
      .filter((item) => item.field === "labels")
      .flatMap((item) => {
        const before = new Set((item.fromString ?? "").split(" ").filter(Boolean));
        return (item.toString ?? "").split(" ").filter((l) => l && !before.has(l));
      });
    const newAssignees = changed.filter((item) => item.field === "assignee" && item.to).map((item) => item.to!);
    const isUpdate = p.webhookEvent === "jira:issue_updated";
    return {
      handled: true,
      action: p.issue_event_type_name,
      actor: toActor(p.user),
      ...fields,
      text: truncateText(plainText(p.issue.fields.description)),
      labels: isUpdate ? newLabels : fields.labels,
      assigneeIds: isUpdate ? newAssignees : fields.assigneeIds,
    };
  });
}

const parsers: Record<string, (payload: unknown) => ParsedEvent> = {
  "jira:issue_created": parseIssueEvent,
  "jira:issue_updated": parseIssueEvent,
  comment_created: (payload) =>
    parseWith(commentPayload, payload, (p) => ({
      handled: true,
      actor: toActor(p.comment.author),
      ...issueFields(p.issue),
      text: truncateText(plainText(p.comment.body)),
      labels: [],
      assigneeIds: [],
    })),
};

export function parseJiraEvent(type: string, payload: unknown): ParsedEvent {
  const parser = parsers[type];
  return parser ? parser(payload) : unhandled();
}
