// AgentEvent → entities + edges, as pure functions: no I/O, so every vendor's
// rules are unit-tested on the real samples and the store only has to upsert.
// Text references hang off the thing being discussed (the issue, PR, Jira issue,
// Slack thread or Sentry issue), not off the comment, so cross-vendor links meet there.
import type { AgentEvent } from "../../core/agent-event";
import {
  keys,
  MAX_ENTITY_TEXT,
  type EdgeInput,
  type EdgeType,
  type EntityInput,
  type Extraction,
  type GraphContext,
  type IdentityInput,
} from "../../core/graph-types";
import { findClosingReferences, findReferences, findSlackMentions } from "./references";

/** Collects an extraction, merging repeated entities and dropping repeated or self edges. */
class Builder {
  private readonly entities = new Map<string, EntityInput>();
  private readonly edges = new Map<string, EdgeInput>();

  entity(entity: EntityInput): string {
    const known = this.entities.get(entity.key);
    const text = entity.text?.trim() ? cut(entity.text.trim(), MAX_ENTITY_TEXT) : undefined;
    this.entities.set(
      entity.key,
      known
        ? {
            ...known,
            title: entity.title ?? known.title,
            url: entity.url ?? known.url,
            properties: { ...known.properties, ...entity.properties },
            text: text ?? known.text,
          }
        : { ...entity, text },
    );
    return entity.key;
  }

  edge(source: string, target: string, type: EdgeType, properties?: Record<string, unknown>): void {
    if (source === target) return;
    const id = `${source}\n${target}\n${type}`;
    if (!this.edges.has(id)) this.edges.set(id, { source, target, type, ...(properties ? { properties } : {}) });
  }

  /** Edges from `source` to everything `text` references, and `closes` for closing keywords. */
  references(source: string, text: string | undefined, repository?: string): void {
    for (const target of findReferences(text, { repository })) this.edge(source, this.entity(target), "references");
    for (const target of findClosingReferences(text, repository)) this.edge(source, this.entity(target), "closes");
  }

  /** Every entity `text` references, without the edges `references` adds. */
  referenced(text: string | undefined, repository?: string): string[] {
    return findReferences(text, { repository }).map((target) => this.entity(target));
  }

  list(): EntityInput[] {
    return [...this.entities.values()];
  }

  build(): Extraction {
    return { entities: this.list(), edges: [...this.edges.values()] };
  }
}

const cut = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

const firstLine = (text: string | undefined, max = 120) => {
  const line = text?.split("\n").find((l) => l.trim())?.trim();
  return line && line.length > max ? `${line.slice(0, max - 1)}…` : line;
};

/** The actor as a person entity, or nothing for a vendor's own automation. */
function person(b: Builder, vendor: string, event: AgentEvent, scope?: string): string | undefined {
  const actor = event.actor;
  if (!actor || (vendor === "sentry" && actor.isBot)) return undefined;
  const id = vendor === "github" ? (actor.login ?? actor.id) : scope ? `${scope}/${actor.id}` : actor.id;
  return b.entity({
    key: keys.person(vendor, id),
    type: "person",
    title: actor.name ?? actor.login ?? actor.id,
    properties: { vendor, vendorId: actor.id, isBot: actor.isBot, ...(actor.email ? { email: actor.email } : {}) },
    text: actor.email,
  });
}

/** `subject -assigned_to-> person` for each current assignee. */
function assignedTo(b: Builder, vendor: string, event: AgentEvent, subject: string): void {
  for (const assignee of event.assignees ?? []) {
    const who = person(b, vendor, { ...event, actor: assignee });
    if (who) b.edge(subject, who, "assigned_to");
  }
}

/** The event text of a push is `sha7 message` per commit (see github.events.ts); messages may span lines. */
function pushedCommits(text: string | undefined): { sha: string; message: string }[] {
  const commits: { sha: string; message: string }[] = [];
  for (const line of (text ?? "").split("\n")) {
    const start = /^([0-9a-f]{7}) (.*)$/.exec(line);
    if (start) commits.push({ sha: start[1]!, message: start[2]! });
    else if (commits.length) commits[commits.length - 1]!.message += `\n${line}`;
  }
  return commits;
}

/** A file of a repository, which belongs to it. */
function fileEntity(b: Builder, repo: string, path: string, repoKey = keys.repo(repo)): string {
  const key = keys.file(repo, path);
  const file = b.entity({ key, type: "file", title: key.slice(keys.file(repo, "").length), url: `https://github.com/${repo}/blob/HEAD/${path.replace(/^\.?\/+/, "")}` });
  b.edge(file, repoKey, "belongs_to");
  return file;
}

function github(event: AgentEvent, b: Builder): void {
  const { subject } = event;
  if (event.type === "installation") {
    if (!subject.installationId) return;
    const installation = b.entity({
      key: keys.installation(subject.installationId),
      type: "github_installation",
      title: `installation ${subject.installationId}`,
      url: event.links[0],
      properties: { status: event.action },
    });
    if (subject.repository) b.edge(installation, b.entity({ key: keys.account(subject.repository), type: "github_account", title: subject.repository, url: `https://github.com/${subject.repository}` }), "belongs_to");
    const who = person(b, "github", event);
    if (who && event.action === "created") b.edge(installation, who, "installed_by");
    return;
  }
  const repo = subject.repository;
  if (!repo) return;
  const repoKey = b.entity({ key: keys.repo(repo), type: "repository", title: repo, url: `https://github.com/${repo}` });
  const who = person(b, "github", event);

  if (event.type === "push") {
    const ref = subject.ref ?? "";
    const branch = ref.startsWith("refs/heads/") ? ref.slice("refs/heads/".length) : undefined;
    const branchKey = branch ? b.entity({ key: keys.branch(repo, branch), type: "branch", title: branch, url: `https://github.com/${repo}/tree/${branch}` }) : undefined;
    if (branchKey) {
      b.edge(branchKey, repoKey, "belongs_to");
      b.references(branchKey, branch, undefined);
    }
    const commitEntity = (sha: string, message?: string) => {
      const commit = b.entity({
        key: keys.commit(repo, sha),
        type: "commit",
        title: firstLine(message),
        url: `https://github.com/${repo}/commit/${sha}`,
        text: message,
      });
      b.edge(commit, repoKey, "belongs_to");
      if (branchKey) b.edge(commit, branchKey, "on_branch");
      if (who) b.edge(commit, who, "pushed_by");
      return commit;
    };
    for (const { sha, message } of pushedCommits(event.text)) b.references(commitEntity(sha, message), message, repo);
    // A commit whose message was cut from the text still touches its files.
    for (const file of event.changedFiles ?? []) {
      if (file.commit) b.edge(commitEntity(file.commit), fileEntity(b, repo, file.path, repoKey), "touches", file.change ? { change: file.change } : undefined);
    }
    return;
  }

  const number = subject.pullRequestNumber ?? subject.issueNumber;
  if (number === undefined) return;
  const isPr = subject.pullRequestNumber !== undefined;
  const isComment = event.type === "issue_comment" || event.type === "pull_request_review_comment";
  const url = isComment ? undefined : event.links[0];
  const target = b.entity({
    key: isPr ? keys.pullRequest(repo, number) : keys.issue(repo, number),
    type: isPr ? "pull_request" : "issue",
    title: event.title,
    url: url ?? `https://github.com/${repo}/${isPr ? "pull" : "issues"}/${number}`,
    properties: isComment ? {} : { labels: event.labels, ...(event.action === "closed" ? { state: "closed" } : event.action === "opened" || event.action === "reopened" ? { state: "open" } : {}) },
    text: isComment ? undefined : event.text,
  });
  b.edge(target, repoKey, "belongs_to");
  assignedTo(b, "github", event, target);
  // A review comment is on one file of the pull request's diff.
  if (isPr) for (const file of event.changedFiles ?? []) b.edge(target, fileEntity(b, repo, file.path, repoKey), "touches", file.change ? { change: file.change } : undefined);
  if (who && isComment) b.edge(who, target, "comments_on", { url: event.links[0] });
  if (who && !isComment && event.action === "opened") b.edge(target, who, "opened_by");
  if (event.type === "pull_request" && subject.ref) {
    const branchKey = b.entity({ key: keys.branch(repo, subject.ref), type: "branch", title: subject.ref, url: `https://github.com/${repo}/tree/${subject.ref}` });
    b.edge(branchKey, repoKey, "belongs_to");
    b.edge(target, branchKey, "from_branch");
    b.references(branchKey, subject.ref, undefined);
  }
  if (subject.commitSha) {
    const commit = b.entity({ key: keys.commit(repo, subject.commitSha), type: "commit", url: `https://github.com/${repo}/commit/${subject.commitSha}`, properties: { sha: subject.commitSha } });
    b.edge(commit, repoKey, "belongs_to");
    b.edge(target, commit, "references");
  }
  b.references(target, [event.title, event.text].filter(Boolean).join("\n"), repo);
}

function jira(event: AgentEvent, b: Builder): void {
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

function slack(event: AgentEvent, b: Builder): void {
  const { teamId, channelId, threadTs } = event.subject;
  if (!teamId || !channelId) return;
  const channel = b.entity({ key: keys.slackChannel(teamId, channelId), type: "slack_channel", title: channelId });
  if (!threadTs) return;
  const thread = b.entity({
    key: keys.slackThread(teamId, channelId, threadTs),
    type: "slack_thread",
    // Only a mention starts a thread agent-bot tracks; replies leave its title alone.
    title: event.type === "app_mention" ? firstLine(event.text?.replace(/<@[A-Z0-9]+(?:\|[^>]*)?>\s*/g, "")) : undefined,
    url: event.links[0],
    text: event.type === "app_mention" ? event.text : undefined,
  });
  b.edge(thread, channel, "belongs_to");
  const who = person(b, "slack", event, teamId);
  if (who) b.edge(who, thread, "comments_on");
  for (const user of findSlackMentions(event.text)) {
    b.edge(thread, b.entity({ key: keys.person("slack", `${teamId}/${user}`), type: "person", title: user, properties: { vendor: "slack", vendorId: user } }), "mentions");
  }
  // Slack wraps links as <url|label>; the brackets and labels are not part of the reference.
  const text = event.text?.replace(/<(https?:\/\/[^|>]+)(?:\|[^>]*)?>/g, " $1 ");
  b.references(thread, text);
  // The other direction too: anything a thread names was discussed there (the edge its own page shows).
  for (const target of b.referenced(text)) b.edge(target, thread, "discussed_in");
}

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

function sentry(event: AgentEvent, b: Builder, context: GraphContext): void {
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
    if (sentryIssueId) b.edge(b.entity({ key: keys.sentryIssueId(sentryIssueId), type: "sentry_issue", title: event.title, url: issueUrl }), issue, "same_as");
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
  const project = sentryProject ? b.entity({ key: keys.sentryProject(sentryProject), type: "sentry_project", title: sentryProject }) : undefined;
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
    if (id) source = b.entity({ key: keys.sentryAlert(id), type: "sentry_alert", title: event.title, url: event.links[0], properties: { status: event.action }, text: event.text });
  }
  if (!source) return;
  const who = person(b, "sentry", event);
  if (who && event.type === "comment") b.edge(who, source, "comments_on");
  b.references(source, [event.title, event.text].filter(Boolean).join("\n"));
}

const extractors: Record<AgentEvent["vendor"], (event: AgentEvent, b: Builder, context: GraphContext) => void> = { github, jira, slack, sentry };

/** Identities of the extraction's persons: their email, and the name GRAPH_PERSON_IDENTITIES gives them. */
function identities(entities: EntityInput[], context: GraphContext): IdentityInput[] {
  const found: IdentityInput[] = [];
  for (const entity of entities) {
    if (entity.type !== "person") continue;
    const email = typeof entity.properties?.email === "string" ? entity.properties.email.trim().toLowerCase() : undefined;
    if (email && email.includes("@")) found.push({ person: entity.key, identity: `email:${email}`, source: "email" });
    const name = context.identities?.[entity.key] ?? (email ? context.identities?.[`email:${email}`] : undefined);
    if (name) found.push({ person: entity.key, identity: `name:${name}`, source: "config" });
  }
  return found;
}

/** `github issue_comment.created by octocat: Fix the typo`, ≤ 200 chars. */
function summary(event: AgentEvent): string {
  const who = event.actor && !event.actor.isBot ? ` by ${event.actor.name ?? event.actor.login ?? event.actor.id}` : "";
  const what = event.title ?? firstLine(event.text);
  return cut(`${event.vendor} ${event.type}${event.action ? `.${event.action}` : ""}${who}${what ? `: ${what}` : ""}`, 200);
}

/**
 * The entities and relations one event states, the identities of the people in it, and the
 * timeline row it adds to each entity. Unhandled events state nothing.
 */
export function extractGraph(event: AgentEvent, context: GraphContext = {}): Extraction {
  const b = new Builder();
  if (!event.handled) return b.build();
  extractors[event.vendor](event, b, context);
  const extraction = b.build();
  if (extraction.entities.length === 0) return extraction;
  return {
    ...extraction,
    identities: identities(extraction.entities, context),
    timeline: { vendor: event.vendor, eventType: event.type, action: event.action, summary: summary(event), url: event.links[0] },
  };
}
