// GitHub payloads → ParsedEvent, for the event types agent-bot understands.
import { z } from "zod";
import {
  boundFiles,
  MAX_DIFF_HUNK,
  MAX_EVENT_ASSIGNEES,
  truncateText,
  type ChangedFile,
  type ParsedEvent,
  type PullRequestRef,
} from "../../../core/agent-event";
import { parseWith, unhandled } from "../parse";

const user = z.object({ login: z.string(), id: z.number(), type: z.string().optional() });
const label = z.object({ name: z.string() });
const repository = z.object({ full_name: z.string(), html_url: z.string().optional() });
const installation = z.object({ id: z.number() }).optional();
const issue = z.object({
  number: z.number(),
  title: z.string(),
  body: z.string().nullish(),
  html_url: z.string(),
  user,
  author_association: z.string().optional(),
  labels: z.array(label).optional(),
  assignees: z.array(user).nullish(),
  pull_request: z.unknown().optional(),
});
const pullRequest = issue.extend({
  head: z
    .object({
      ref: z.string(),
      sha: z.string(),
      // null when the fork the pull request came from was deleted.
      repo: z.object({ full_name: z.string() }).nullish(),
    })
    .optional(),
});
const comment = z.object({
  id: z.number(),
  body: z.string().nullish(),
  html_url: z.string(),
  user,
  author_association: z.string().optional(),
  /** Set when an app posted the comment through a user's token: automation, whoever the user is. */
  performed_via_github_app: z.object({ id: z.number() }).nullish(),
});

const issuesPayload = z.object({ action: z.string(), issue, repository, sender: user, label: label.optional(), installation });
const issueCommentPayload = z.object({ action: z.string(), issue, comment, repository, sender: user, installation });
const pullRequestPayload = z.object({
  action: z.string(),
  pull_request: pullRequest,
  repository,
  sender: user,
  label: label.optional(),
  installation,
});
const reviewCommentPayload = z.object({
  action: z.string(),
  comment: comment.extend({
    path: z.string().optional(),
    commit_id: z.string().optional(),
    line: z.number().nullish(),
    original_line: z.number().nullish(),
    side: z.string().nullish(),
    diff_hunk: z.string().nullish(),
  }),
  pull_request: pullRequest,
  repository,
  sender: user,
  installation,
});
const reviewPayload = z.object({
  action: z.string(),
  review: comment.extend({ state: z.string(), commit_id: z.string().nullish(), html_url: z.string() }),
  pull_request: pullRequest,
  repository,
  sender: user,
  installation,
});
const pushPayload = z.object({
  ref: z.string(),
  after: z.string(),
  repository,
  sender: user,
  compare: z.string().optional(),
  commits: z
    .array(
      z.object({
        id: z.string(),
        message: z.string(),
        url: z.string(),
        added: z.array(z.string()).default([]),
        modified: z.array(z.string()).default([]),
        removed: z.array(z.string()).default([]),
      }),
    )
    .default([]),
  pusher: z.object({ name: z.string(), email: z.string().nullish() }).optional(),
  installation,
});
const installationPayload = z.object({
  action: z.string(),
  installation: z.object({ id: z.number(), account: z.object({ login: z.string() }).nullish(), html_url: z.string().optional() }),
  sender: user,
});

type User = z.infer<typeof user>;

function actor(who: User, association?: string, viaApp?: unknown) {
  return {
    id: String(who.id),
    login: who.login,
    association,
    isBot: who.type === "Bot" || who.login.endsWith("[bot]") || Boolean(viaApp),
  };
}

const names = (labels?: { name: string }[]) => (labels ?? []).map((l) => l.name);
const ids = (users?: User[] | null) => (users ?? []).map((u) => String(u.id));
const assignees = (users?: User[] | null) => (users ?? []).slice(0, MAX_EVENT_ASSIGNEES).map((u) => actor(u));

/** Every file each pushed commit added, modified or removed, bounded (see boundFiles). */
function pushedFiles(commits: z.infer<typeof pushPayload>["commits"]): ChangedFile[] | undefined {
  return boundFiles(
    commits.flatMap((c) => {
      const commit = c.id.slice(0, 7);
      return [
        ...c.added.map((path) => ({ path, change: "added" as const, commit })),
        ...c.modified.map((path) => ({ path, change: "modified" as const, commit })),
        ...c.removed.map((path) => ({ path, change: "removed" as const, commit })),
      ];
    }),
  );
}
const installationId = (i?: { id: number }) => (i ? String(i.id) : undefined);

type PullRequestPayload = z.infer<typeof pullRequest>;
/** The pull request as the task needs it: number, page, and its head when the payload names it. */
function pullRequestRef(pr: PullRequestPayload, extra: Partial<PullRequestRef> = {}): PullRequestRef {
  return {
    number: pr.number,
    url: pr.html_url,
    ...(pr.head ? { headRef: pr.head.ref } : {}),
    ...(pr.head?.repo ? { headRepository: pr.head.repo.full_name } : {}),
    ...extra,
  };
}

/** A review comment's file, line and diff hunk (the hunk's tail, where the commented line is, when it is long). */
function reviewCommentPlace(c: z.infer<typeof reviewCommentPayload>["comment"]): PullRequestRef["comment"] {
  if (!c.path) return undefined;
  const line = c.line ?? c.original_line ?? undefined;
  const hunk = c.diff_hunk ?? undefined;
  return {
    path: c.path.slice(0, 300),
    ...(line ? { line } : {}),
    ...(c.side ? { side: c.side.slice(0, 10) } : {}),
    ...(hunk ? { diffHunk: hunk.length > MAX_DIFF_HUNK ? hunk.slice(-MAX_DIFF_HUNK) : hunk } : {}),
  };
}

const parsers: Record<string, (payload: unknown) => ParsedEvent> = {
  issues: (payload) =>
    parseWith(issuesPayload, payload, (p) => ({
      handled: true,
      action: p.action,
      // The actor of `labeled` is whoever added the label, not the author.
      actor: actor(p.sender, p.sender.id === p.issue.user.id ? p.issue.author_association : undefined),
      author: actor(p.issue.user, p.issue.author_association),
      subject: { repository: p.repository.full_name, issueNumber: p.issue.number, installationId: installationId(p.installation) },
      title: p.issue.title,
      text: truncateText(p.issue.body),
      labels: p.action === "labeled" && p.label ? [p.label.name] : names(p.issue.labels),
      assigneeIds: ids(p.issue.assignees),
      assignees: assignees(p.issue.assignees),
      links: [p.issue.html_url],
    })),
  issue_comment: (payload) =>
    parseWith(issueCommentPayload, payload, (p) => ({
      handled: true,
      action: p.action,
      actor: actor(p.comment.user, p.comment.author_association, p.comment.performed_via_github_app),
      author: actor(p.issue.user, p.issue.author_association),
      subject: {
        repository: p.repository.full_name,
        ...(p.issue.pull_request ? { pullRequestNumber: p.issue.number } : { issueNumber: p.issue.number }),
        installationId: installationId(p.installation),
      },
      title: p.issue.title,
      text: truncateText(p.comment.body),
      labels: names(p.issue.labels),
      assigneeIds: ids(p.issue.assignees),
      assignees: assignees(p.issue.assignees),
      // No head here: it is read from the pull request before the task runs.
      ...(p.issue.pull_request ? { pullRequest: { number: p.issue.number, url: p.issue.html_url } } : {}),
      links: [p.comment.html_url],
    })),
  pull_request: (payload) =>
    parseWith(pullRequestPayload, payload, (p) => ({
      handled: true,
      action: p.action,
      actor: actor(p.sender, p.sender.id === p.pull_request.user.id ? p.pull_request.author_association : undefined),
      author: actor(p.pull_request.user, p.pull_request.author_association),
      subject: {
        repository: p.repository.full_name,
        pullRequestNumber: p.pull_request.number,
        ref: p.pull_request.head?.ref,
        commitSha: p.pull_request.head?.sha,
        installationId: installationId(p.installation),
      },
      title: p.pull_request.title,
      text: truncateText(p.pull_request.body),
      labels: p.action === "labeled" && p.label ? [p.label.name] : names(p.pull_request.labels),
      assigneeIds: ids(p.pull_request.assignees),
      assignees: assignees(p.pull_request.assignees),
      pullRequest: pullRequestRef(p.pull_request),
      links: [p.pull_request.html_url],
    })),
  pull_request_review_comment: (payload) =>
    parseWith(reviewCommentPayload, payload, (p) => ({
      handled: true,
      action: p.action,
      actor: actor(p.comment.user, p.comment.author_association, p.comment.performed_via_github_app),
      author: actor(p.pull_request.user, p.pull_request.author_association),
      subject: {
        repository: p.repository.full_name,
        pullRequestNumber: p.pull_request.number,
        commitSha: p.comment.commit_id,
        installationId: installationId(p.installation),
      },
      title: p.pull_request.title,
      text: truncateText(p.comment.body),
      labels: names(p.pull_request.labels),
      assigneeIds: [],
      changedFiles: p.comment.path ? boundFiles([{ path: p.comment.path }]) : undefined,
      pullRequest: pullRequestRef(p.pull_request, { comment: reviewCommentPlace(p.comment) }),
      links: [p.comment.html_url],
    })),
  pull_request_review: (payload) =>
    parseWith(reviewPayload, payload, (p) => ({
      handled: true,
      action: p.action,
      actor: actor(p.review.user, p.review.author_association, p.review.performed_via_github_app),
      author: actor(p.pull_request.user, p.pull_request.author_association),
      subject: {
        repository: p.repository.full_name,
        pullRequestNumber: p.pull_request.number,
        commitSha: p.review.commit_id ?? undefined,
        installationId: installationId(p.installation),
      },
      title: p.pull_request.title,
      text: truncateText(p.review.body),
      labels: names(p.pull_request.labels),
      assigneeIds: [],
      pullRequest: pullRequestRef(p.pull_request, { reviewState: p.review.state.toLowerCase() }),
      links: [p.review.html_url],
    })),
  push: (payload) =>
    parseWith(pushPayload, payload, (p) => ({
      handled: true,
      // The pusher's email, when the pusher is the sender, lets the graph join them to other vendors' accounts.
      actor: { ...actor(p.sender), ...(p.pusher?.email && p.pusher.name === p.sender.login ? { email: p.pusher.email } : {}) },
      subject: {
        repository: p.repository.full_name,
        ref: p.ref,
        commitSha: p.after,
        installationId: installationId(p.installation),
      },
      title: `push to ${p.ref}`,
      text: truncateText(p.commits.map((c) => `${c.id.slice(0, 7)} ${c.message}`).join("\n")),
      labels: [],
      assigneeIds: [],
      changedFiles: pushedFiles(p.commits),
      links: p.compare ? [p.compare] : [],
    })),
  installation: (payload) =>
    parseWith(installationPayload, payload, (p) => ({
      handled: true,
      action: p.action,
      actor: actor(p.sender),
      subject: { installationId: String(p.installation.id), repository: p.installation.account?.login },
      title: `installation ${p.action}`,
      labels: [],
      assigneeIds: [],
      links: p.installation.html_url ? [p.installation.html_url] : [],
    })),
};

export function parseGitHubEvent(type: string, payload: unknown): ParsedEvent {
  const parser = parsers[type];
  return parser ? parser(payload) : unhandled();
}
