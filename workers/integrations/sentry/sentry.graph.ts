// Sentry events in the knowledge graph: issues (by short id and numeric id), projects, releases,
// alerts, the culprit files in the mapped repository (driver: workers/graph/extract.ts).
import type { AgentEvent } from "../../../core/agent-event";
import { keys, type GraphContext } from "../../../core/graph-types";
import { assignedTo, fileEntity, person, type Builder } from "../../graph/builder";

/** Sentry issues name at most this many culprit files, innermost first. */
const MAX_CULPRIT_FILES = 5;

/**
 * `issue -culprit_in-> file` for the in-app frames' files, in the repository PROJECT_REPOSITORIES
 * maps the Sentry project to. Without a mapping there is no file to name (a path alone would
 * never meet the commits and pull requests that touch it), so the innermost path is kept as the
 * issue's `culprit` property instead.
 */
function culprits(b: Builder, event: AgentEvent, issue: string, context: GraphContext): void {
  const frames = [...(event.stackFrames ?? [])].reverse();
  const innermost = frames[0];
  if (!innermost) return;
  const project = event.subject.sentryProject;
  const repo = project ? context.repositories?.[`sentry:${project}`] : undefined;
  if (!repo) {
    b.entity({ key: issue, type: "sentry_issue", properties: { culprit: innermost.file } });
    return;
  }
  const seen = new Set<string>();
  for (const frame of frames) {
    if (seen.size === MAX_CULPRIT_FILES) break;
    if (seen.has(frame.file)) continue;
    seen.add(frame.file);
    b.edge(issue, fileEntity(b, repo, frame.file), "culprit_in", {
      innermost: frame === innermost,
      ...(frame.function ? { function: frame.function } : {}),
      ...(frame.line !== undefined ? { line: frame.line } : {}),
    });
  }
}

export function sentryGraph(event: AgentEvent, b: Builder, context: GraphContext): void {
  const { sentryIssueId, sentryShortId, sentryProject } = event.subject;
  let issue: string | undefined;
  const issueUrl = event.links.find((l) => /\/issues\/\d+\/?$/.test(l)) ?? event.links[0]?.replace(/events\/[^/]+\/?$/, "");
  if (sentryShortId) {
    issue = b.entity({
      key: keys.sentryIssue(sentryShortId),
      type: "sentry_issue",
      title: event.title,
      url: issueUrl,
      properties: { ...(sentryIssueId ? { issueId: sentryIssueId } : {}), shortId: sentryShortId },
      text: event.type === "issue" ? event.text : undefined,
    });
    if (sentryIssueId)
      b.edge(
        b.entity({ key: keys.sentryIssueId(sentryIssueId), type: "sentry_issue", title: event.title, url: issueUrl }),
        issue,
        "same_as",
      );
  } else if (sentryIssueId) {
    issue = b.entity({
      key: keys.sentryIssueId(sentryIssueId),
      type: "sentry_issue",
      title: event.title,
      url: issueUrl,
      properties: { issueId: sentryIssueId },
      text: event.type === "issue" ? event.text : undefined,
    });
  }
  const project = sentryProject
    ? b.entity({ key: keys.sentryProject(sentryProject), type: "sentry_project", title: sentryProject })
    : undefined;
  if (issue && project) b.edge(issue, project, "belongs_to");
  if (issue) {
    assignedTo(b, "sentry", event, issue);
    culprits(b, event, issue, context);
    if (event.release && project && sentryProject) {
      const release = b.entity({ key: keys.sentryRelease(sentryProject, event.release), type: "sentry_release", title: event.release });
      b.edge(release, project, "belongs_to");
      b.edge(issue, release, "released_in");
    }
  }

  let source = issue;
  if (event.type === "metric_alert") {
    const id = /\/alerts\/(?:rules\/details\/)?(\d+)/.exec(event.links[0] ?? "")?.[1];
    if (id)
      source = b.entity({
        key: keys.sentryAlert(id),
        type: "sentry_alert",
        title: event.title,
        url: event.links[0],
        properties: { status: event.action },
        text: event.text,
      });
  }
  if (!source) return;
  const who = person(b, "sentry", event);
  if (who && event.type === "comment") b.edge(who, source, "comments_on");
  b.references(source, [event.title, event.text].filter(Boolean).join("\n"));
}
