// Jira events in the knowledge graph: the issue, its project, assignees and commenters, and what its
// text references (driver: workers/graph/extract.ts).
import type { AgentEvent } from "../../../core/agent-event";
import { keys } from "../../../core/graph-types";
import { assignedTo, person, type Builder } from "../../graph/builder";

export function jiraGraph(event: AgentEvent, b: Builder): void {
  const { ticketKey, projectKey } = event.subject;
  if (!ticketKey) return;
  const isComment = event.type === "comment_created";
  const issue = b.entity({
    key: keys.jiraIssue(ticketKey),
    type: "jira_issue",
    title: event.title,
    url: event.links[0],
    properties: isComment ? {} : { labels: event.labels },
    text: isComment ? undefined : event.text,
  });
  assignedTo(b, "jira", event, issue);
  if (projectKey) b.edge(issue, b.entity({ key: keys.jiraProject(projectKey), type: "jira_project", title: projectKey }), "belongs_to");
  const who = person(b, "jira", event);
  if (who && event.type === "comment_created") b.edge(who, issue, "comments_on");
  if (who && event.type === "jira:issue_created") b.edge(issue, who, "opened_by");
  b.references(issue, [event.title, event.text].filter(Boolean).join("\n"));
}
