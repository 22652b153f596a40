// Sentry tools, through the same fetch client (SENTRY_API_URL, SENTRY_AUTH_TOKEN)
// and error mapping agent-bot's Sentry thread reports use.
import type { McpServer } from "@modelcontextprotocol/server";
import { z } from "zod";
import { sentryRequest } from "../../workers/integrations/sentry/sentry.client";
import { registerTools, tool, type ToolContext } from "./define";
import { pathSegment } from "./path-args";
import { notWhenScoped, sentryIssue } from "./scope";

// biome-ignore lint/suspicious/noExplicitAny: vendor API JSON, narrowed field by field into the tool result
type Json = Record<string, any>;

const issueId = z.string().regex(/^\d+$/, "numeric Sentry issue id").describe("Sentry issue id (numeric)");
const slug = pathSegment;

function issueSummary(i: Json) {
  return {
    id: i.id,
    shortId: i.shortId,
    title: i.title,
    culprit: i.culprit,
    level: i.level,
    status: i.status,
    project: i.project?.slug ?? null,
    count: i.count,
    userCount: i.userCount,
    firstSeen: i.firstSeen,
    lastSeen: i.lastSeen,
    assignedTo: i.assignedTo ? (i.assignedTo.email ?? i.assignedTo.name ?? i.assignedTo.id) : null,
    url: i.permalink,
  };
}

/** The exception entries of an event, as `Type: value` plus frames, innermost last (Sentry's order). */
function stackTrace(event: Json) {
  const exception = (event.entries ?? []).find((e: Json) => e.type === "exception");
  return (exception?.data?.values ?? []).map((v: Json) => ({
    type: v.type,
    value: v.value,
    frames: (v.stacktrace?.frames ?? []).map((f: Json) => ({
      file: f.filename ?? f.absPath ?? f.module,
      function: f.function,
      line: f.lineNo,
      column: f.colNo,
      inApp: f.inApp,
      context: (f.context ?? []).map((c: [number, string]) => `${c[0]}: ${c[1]}`),
    })),
  }));
}

export const sentryTools = [
  tool({
    name: "get_issue",
    title: "Get issue",
    description: "A Sentry issue: title, culprit, level, status, counts, first and last seen, assignee.",
    input: z.object({ issue_id: issueId }),
    reaches: (a, scope) => sentryIssue(scope, a.issue_id),
    run: async (a, ctx) => issueSummary(await sentryRequest<Json>(ctx.config, "GET", `issues/${a.issue_id}/`)),
  }),
  tool({
    name: "list_issue_events",
    title: "List issue events",
    description: "The latest events of a Sentry issue (ids, times, messages, tags).",
    input: z.object({ issue_id: issueId }),
    reaches: (a, scope) => sentryIssue(scope, a.issue_id),
    run: async (a, ctx) =>
      (await sentryRequest<Json[]>(ctx.config, "GET", `issues/${a.issue_id}/events/`)).map((e) => ({
        eventId: e.eventID ?? e.id,
        dateCreated: e.dateCreated,
        message: e.message ?? e.title,
        tags: Object.fromEntries((e.tags ?? []).map((t: Json) => [t.key, t.value])),
      })),
  }),
  tool({
    name: "get_event",
    title: "Get event",
    description: "One event of a Sentry issue with its stack trace; event_id `latest` for the most recent.",
    input: z.object({
      issue_id: issueId,
      event_id: z
        .string()
        .regex(/^(latest|oldest|recommended|[0-9a-f]{32})$/)
        .default("latest"),
    }),
    reaches: (a, scope) => sentryIssue(scope, a.issue_id),
    run: async (a, ctx) => {
      const event = await sentryRequest<Json>(ctx.config, "GET", `issues/${a.issue_id}/events/${a.event_id}/`);
      return {
        eventId: event.eventID ?? event.id,
        title: event.title,
        message: event.message,
        dateCreated: event.dateCreated,
        platform: event.platform,
        release: event.release?.version ?? null,
        tags: Object.fromEntries((event.tags ?? []).map((t: Json) => [t.key, t.value])),
        exceptions: stackTrace(event),
      };
    },
  }),
  tool({
    name: "search_issues",
    title: "Search issues",
    description: "Search an organization's issues with Sentry's query syntax, e.g. `is:unresolved level:error`.",
    input: z.object({
      organization: slug.describe("Organization slug"),
      query: z.string().default("is:unresolved"),
      project: slug.optional().describe("Project slug"),
      limit: z.number().int().min(1).max(100).default(25),
    }),
    reaches: notWhenScoped("sentry", "search_issues"),
    run: async (a, ctx) => {
      const params = new URLSearchParams({ query: a.project ? `${a.query} project:${a.project}` : a.query, limit: String(a.limit) });
      return (await sentryRequest<Json[]>(ctx.config, "GET", `organizations/${a.organization}/issues/?${params}`)).map(issueSummary);
    },
  }),
  tool({
    name: "update_issue",
    title: "Update issue",
    description:
      "Resolve, unresolve or ignore a Sentry issue, and/or assign it (`user:<id>`, `team:<id>`, a username or email; empty to unassign).",
    write: true,
    input: z
      .object({
        issue_id: issueId,
        status: z.enum(["resolved", "unresolved", "ignored"]).optional(),
        assigned_to: z.string().max(200).optional(),
      })
      .refine((a) => a.status !== undefined || a.assigned_to !== undefined, "give status, assigned_to, or both"),
    reaches: (a, scope) => sentryIssue(scope, a.issue_id),
    run: async (a, ctx) => {
      const body = { ...(a.status && { status: a.status }), ...(a.assigned_to !== undefined && { assignedTo: a.assigned_to }) };
      return issueSummary(await sentryRequest<Json>(ctx.config, "PUT", `issues/${a.issue_id}/`, body));
    },
  }),
];

export function registerSentryTools(server: McpServer, ctx: ToolContext): void {
  registerTools(server, ctx, sentryTools);
}
