// Tasks in the graph: each task is an entity with a `task_for` edge to its subject,
// which is how a later event about the same problem — from any vendor — finds the
// open task it belongs to instead of starting a second one.
import type { Subject } from "../../core/agent-event";
import { keys } from "../../core/graph-types";
import type { TaskStatus } from "../../core/task-types";
import { entityId, upsertExtraction } from "./store";

/** The graph key of what an event is about, or undefined for a bare repository or an API task. */
export function subjectKeyFor(subject: Subject): string | undefined {
  const { repository } = subject;
  if (repository && subject.pullRequestNumber !== undefined) return keys.pullRequest(repository, subject.pullRequestNumber);
  if (repository && subject.issueNumber !== undefined) return keys.issue(repository, subject.issueNumber);
  if (subject.ticketKey) return keys.jiraIssue(subject.ticketKey);
  if (subject.sentryShortId) return keys.sentryIssue(subject.sentryShortId);
  if (subject.sentryIssueId) return keys.sentryIssueId(subject.sentryIssueId);
  if (subject.teamId && subject.channelId && subject.threadTs) return keys.slackThread(subject.teamId, subject.channelId, subject.threadTs);
  return undefined;
}

export interface TaskNode {
  taskId: string;
  /** The subject this link is for: the task's own, or that of an event that joined it. */
  subject: Subject;
  deliveryId: string;
  /** Set when the task is created; a join leaves the task's title and url alone. */
  title?: string;
  url?: string;
}

/** Records the task as an entity with a `task_for` edge to the subject; idempotent like every graph write. */
export async function recordTaskEntity(db: D1Database, node: TaskNode, at: number): Promise<void> {
  const task = keys.task(node.taskId);
  const subject = subjectKeyFor(node.subject);
  await upsertExtraction(
    db,
    {
      entities: [
        { key: task, type: "task", title: node.title, url: node.url, properties: { taskId: node.taskId } },
        // The subject already exists when the event's extraction ran first; this only moves last_seen.
        ...(subject ? [{ key: subject, type: subjectType(subject) }] : []),
      ],
      edges: subject ? [{ source: task, target: subject, type: "task_for" }] : [],
    },
    node.deliveryId,
    at,
  );
}

function subjectType(key: string) {
  if (key.startsWith("github:pr:")) return "pull_request" as const;
  if (key.startsWith("github:issue:")) return "issue" as const;
  if (key.startsWith("jira:issue:")) return "jira_issue" as const;
  if (key.startsWith("slack:thread:")) return "slack_thread" as const;
  return "sentry_issue" as const;
}

/**
 * Relations that say two things are about the same problem (not merely in the same repository).
 * `mentions` is not one: it points at people, and two requests to the same person (or the bot,
 * named in every Slack mention) are not one problem.
 */
export const LINK_EDGE_TYPES = ["references", "closes", "discussed_in", "same_as"] as const;
/**
 * The specific things a join may walk through: tickets, issues, PRs, commits, Sentry issues,
 * threads. Never people, channels, projects or repositories, which connect unrelated work.
 */
const LINK_ENTITY_TYPES = ["issue", "pull_request", "commit", "jira_issue", "sentry_issue", "slack_thread"] as const;
/** How many link hops apart two subjects may be: a Slack thread citing a ticket that cites the Sentry issue is 2. */
export const MAX_LINK_DEPTH = 2;

const OPEN_STATUSES: TaskStatus[] = ["queued", "preparing", "running"];

export interface LinkedTask {
  taskId: string;
  /** Natural key of the open task's subject, and how many link hops (≥ 1) away it is. */
  subjectKey: string;
  depth: number;
}

/**
 * The most recent open task whose subject is linked to `subjectKey` within MAX_LINK_DEPTH hops,
 * walking link edges in both directions. A task on the very same subject does not count: a new
 * request in a task's own thread is a new task, as before.
 */
export async function findOpenLinkedTask(db: D1Database, subjectKey: string): Promise<LinkedTask | undefined> {
  const types = LINK_EDGE_TYPES.map((t) => `'${t}'`).join(", ");
  const nodes = LINK_ENTITY_TYPES.map((t) => `'${t}'`).join(", ");
  const row = await db
    .prepare(
      `WITH RECURSIVE walk(id, depth) AS (
         SELECT ?1, 0
         UNION
         SELECT g.target_id, walk.depth + 1 FROM walk JOIN graph_edges g ON g.source_id = walk.id
           JOIN graph_entities n ON n.id = g.target_id AND n.type IN (${nodes})
           WHERE walk.depth < ?2 AND g.type IN (${types})
         UNION
         SELECT g.source_id, walk.depth + 1 FROM walk JOIN graph_edges g ON g.target_id = walk.id
           JOIN graph_entities n ON n.id = g.source_id AND n.type IN (${nodes})
           WHERE walk.depth < ?2 AND g.type IN (${types})
       ),
       nearest AS (SELECT id, MIN(depth) AS depth FROM walk GROUP BY id)
       SELECT t.id AS task_id, s.key AS subject_key, nearest.depth AS depth
       FROM nearest
       JOIN graph_edges tf ON tf.target_id = nearest.id AND tf.type = 'task_for'
       JOIN graph_entities te ON te.id = tf.source_id
       JOIN graph_entities s ON s.id = nearest.id
       JOIN tasks t ON t.id = json_extract(te.properties, '$.taskId')
       WHERE nearest.depth >= 1 AND t.status IN (${OPEN_STATUSES.map((s) => `'${s}'`).join(", ")})
       ORDER BY nearest.depth, t.created_at DESC
       LIMIT 1`,
    )
    .bind(await entityId(subjectKey), MAX_LINK_DEPTH)
    .first<{ task_id: string; subject_key: string; depth: number }>();
  return row ? { taskId: row.task_id, subjectKey: row.subject_key, depth: row.depth } : undefined;
}

/**
 * Tasks whose own subject is `subjectKey` or the same thing under another key (`same_as`: a
 * Sentry issue's numeric id and its short id), newest first: where an approval in a task's
 * thread looks for the task it approves.
 */
export async function tasksOnSubject(db: D1Database, subjectKey: string, limit = 5): Promise<string[]> {
  const { results } = await db
    .prepare(
      `WITH subject(id) AS (
         SELECT ?1
         UNION SELECT target_id FROM graph_edges WHERE source_id = ?1 AND type = 'same_as'
         UNION SELECT source_id FROM graph_edges WHERE target_id = ?1 AND type = 'same_as'
       )
       SELECT DISTINCT t.id AS task_id, t.created_at
       FROM subject
       JOIN graph_edges tf ON tf.target_id = subject.id AND tf.type = 'task_for'
       JOIN graph_entities te ON te.id = tf.source_id
       JOIN tasks t ON t.id = json_extract(te.properties, '$.taskId')
       ORDER BY t.created_at DESC
       LIMIT ?2`,
    )
    .bind(await entityId(subjectKey), limit)
    .all<{ task_id: string }>();
  return results.map((row) => row.task_id);
}
