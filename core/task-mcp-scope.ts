// The resources a task's MCP token reaches: what its subject and every joined thread name.
// The agent CLI reads untrusted text, so its token stops at the task's own repository,
// issues, channels, tickets and errors (docs/mcp.md#tokens-for-tasks).
import type { Subject } from "./agent-event";
import type { McpResourceScope } from "./mcp-scopes";
import type { JoinedThread, TaskSpec } from "./task-types";

const unique = (items: (string | undefined)[]) => [...new Set(items.filter((i): i is string => Boolean(i)))];

export function taskMcpScope(
  spec: Pick<TaskSpec, "id" | "subject">,
  joined: readonly Pick<JoinedThread, "subject">[] = [],
): McpResourceScope {
  const subjects: Subject[] = [spec.subject, ...joined.map((j) => j.subject)];
  const repositories = unique(subjects.map((s) => (s.repository?.includes("/") ? s.repository : undefined)));
  const slack = new Map<string, { channel: string; threadTs: string | null }>();
  for (const s of subjects) {
    if (s.channelId) slack.set(`${s.channelId} ${s.threadTs ?? ""}`, { channel: s.channelId, threadTs: s.threadTs ?? null });
  }
  return {
    taskId: spec.id,
    repositories,
    issues: unique(
      subjects.flatMap((s) =>
        s.repository?.includes("/")
          ? [s.issueNumber, s.pullRequestNumber].map((n) => (n === undefined ? undefined : `${s.repository}#${n}`))
          : [],
      ),
    ),
    slack: [...slack.values()],
    jiraProjects: unique(subjects.flatMap((s) => [s.projectKey, s.ticketKey?.replace(/-\d+$/, "")])),
    jiraIssues: unique(subjects.map((s) => s.ticketKey)),
    sentryIssues: unique(subjects.map((s) => (s.sentryIssueId && /^\d+$/.test(s.sentryIssueId) ? s.sentryIssueId : undefined))),
  };
}
