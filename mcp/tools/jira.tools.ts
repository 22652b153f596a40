// Jira tools, through the same jira.js transport (JIRA_BASE_URL, JIRA_EMAIL,
// JIRA_API_TOKEN) and error mapping agent-bot's Jira thread reports use. REST
// API v2 throughout, so text fields are plain wiki markup on Cloud and Data Center.
import type { McpServer } from "@modelcontextprotocol/server";
import { z } from "zod";
import { createJiraClient, jiraCall } from "../../workers/integrations/jira/jira.client";
import { VendorApiError } from "../../workers/threads/types";
import { registerTools, tool, type ToolContext } from "./define";
import { inJiraProjects, jiraProjectIssue, jiraTicket, notWhenScoped, outOfScope } from "./scope";

// biome-ignore lint/suspicious/noExplicitAny: vendor API JSON, narrowed field by field into the tool result
type Json = Record<string, any>;

const issueKey = z
  .string()
  .regex(/^[A-Z][A-Z0-9_]+-\d+$/, "an issue key such as PAY-123")
  .describe("Issue key, e.g. PAY-123");
const FIELDS = "summary,status,assignee,reporter,priority,issuetype,labels,project,created,updated";

function request<T>(
  ctx: ToolContext,
  method: "GET" | "POST",
  url: string,
  options: { body?: unknown; searchParams?: Record<string, unknown> } = {},
) {
  return jiraCall(ctx.config, `${method} ${url}`, () => createJiraClient(ctx.config).sendRequest<T>({ url, method, ...options }));
}

function issueSummary(i: Json) {
  const f = i.fields ?? {};
  return {
    key: i.key,
    summary: f.summary,
    status: f.status?.name ?? null,
    type: f.issuetype?.name ?? null,
    priority: f.priority?.name ?? null,
    assignee: f.assignee?.displayName ?? null,
    reporter: f.reporter?.displayName ?? null,
    labels: f.labels ?? [],
    project: f.project?.key ?? null,
    created: f.created,
    updated: f.updated,
  };
}

export const jiraTools = [
  tool({
    name: "get_issue",
    title: "Get issue",
    description: "A Jira issue: summary, description, status, type, priority, people and labels.",
    input: z.object({ issue_key: issueKey }),
    reaches: (a, scope) => jiraProjectIssue(scope, a.issue_key),
    run: async (a, ctx) => {
      const issue = await request<Json>(ctx, "GET", `/rest/api/2/issue/${a.issue_key}`, {
        searchParams: { fields: `${FIELDS},description` },
      });
      return { ...issueSummary(issue), description: issue.fields?.description ?? "" };
    },
  }),
  tool({
    name: "search_issues",
    title: "Search issues (JQL)",
    description: 'Issues matching a JQL query, e.g. `project = PAY AND status = "To Do" ORDER BY created DESC`.',
    input: z.object({
      jql: z.string().min(1),
      max_results: z.number().int().min(1).max(100).default(25),
      next_page_token: z.string().optional(),
    }),
    reaches: (_a, scope) => (scope.jiraProjects.length ? undefined : outOfScope(scope, "jira")),
    run: async (a, ctx) => {
      const searchParams = {
        jql: a.jql,
        maxResults: a.max_results,
        fields: FIELDS,
        ...(a.next_page_token && { nextPageToken: a.next_page_token }),
      };
      let data: Json;
      try {
        // Jira Cloud's search endpoint; Data Center has only the classic one.
        data = await request<Json>(ctx, "GET", "/rest/api/2/search/jql", { searchParams });
      } catch (error) {
        if (!(error instanceof VendorApiError) || error.status !== 404) throw error;
        data = await request<Json>(ctx, "GET", "/rest/api/2/search", {
          searchParams: { jql: a.jql, maxResults: a.max_results, fields: FIELDS },
        });
      }
      // JQL cannot be safely narrowed by rewriting it, so a scoped token's answer is filtered instead.
      const scope = ctx.principal.scope;
      const issues: Json[] = (data.issues ?? []).filter((i: Json) => !scope || inJiraProjects(scope, String(i.key)));
      return { issues: issues.map(issueSummary), nextPageToken: data.nextPageToken ?? null };
    },
  }),
  tool({
    name: "get_transitions",
    title: "Get transitions",
    description: "The workflow transitions available on an issue now (ids for transition_issue).",
    input: z.object({ issue_key: issueKey }),
    reaches: (a, scope) => jiraProjectIssue(scope, a.issue_key),
    run: async (a, ctx) => {
      const data = await request<Json>(ctx, "GET", `/rest/api/2/issue/${a.issue_key}/transitions`);
      return (data.transitions ?? []).map((t: Json) => ({ id: t.id, name: t.name, to: t.to?.name ?? null }));
    },
  }),
  tool({
    name: "add_comment",
    title: "Add comment",
    description: "Comment on a Jira issue (wiki markup).",
    write: true,
    input: z.object({ issue_key: issueKey, body: z.string().min(1).max(32_000) }),
    reaches: (a, scope) => jiraTicket(scope, a.issue_key),
    run: async (a, ctx) => {
      const created = await request<Json>(ctx, "POST", `/rest/api/2/issue/${a.issue_key}/comment`, { body: { body: a.body } });
      return { id: created.id, issueKey: a.issue_key };
    },
  }),
  tool({
    name: "transition_issue",
    title: "Transition issue",
    description: "Move an issue through its workflow (a transition id from get_transitions), optionally with a comment.",
    write: true,
    input: z.object({ issue_key: issueKey, transition_id: z.string().regex(/^\d+$/), comment: z.string().min(1).max(32_000).optional() }),
    reaches: (a, scope) => jiraTicket(scope, a.issue_key),
    run: async (a, ctx) => {
      const body = { transition: { id: a.transition_id }, ...(a.comment && { update: { comment: [{ add: { body: a.comment } }] } }) };
      await request(ctx, "POST", `/rest/api/2/issue/${a.issue_key}/transitions`, { body });
      return { issueKey: a.issue_key, transitionId: a.transition_id };
    },
  }),
  tool({
    name: "create_issue",
    title: "Create issue",
    description: "Create a Jira issue in a project.",
    write: true,
    input: z.object({
      project_key: z.string().regex(/^[A-Z][A-Z0-9_]+$/),
      summary: z.string().min(1).max(255),
      issue_type: z.string().min(1).default("Task").describe("Issue type name, e.g. Task, Bug, Story"),
      description: z.string().max(32_000).optional(),
      labels: z.array(z.string().regex(/^\S+$/)).optional(),
    }),
    reaches: notWhenScoped("jira", "create_issue"),
    run: async (a, ctx) => {
      const fields = {
        project: { key: a.project_key },
        summary: a.summary,
        issuetype: { name: a.issue_type },
        ...(a.description && { description: a.description }),
        ...(a.labels && { labels: a.labels }),
      };
      const created = await request<Json>(ctx, "POST", "/rest/api/2/issue", { body: { fields } });
      return { id: created.id, key: created.key };
    },
  }),
];

export function registerJiraTools(server: McpServer, ctx: ToolContext): void {
  registerTools(server, ctx, jiraTools);
}
