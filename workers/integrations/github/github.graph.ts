// GitHub events in the knowledge graph: repositories, issues, pull requests, branches, commits and
// the files they touch, installations, and the people who act on them (driver: workers/graph/extract.ts).
import type { AgentEvent } from "../../../core/agent-event";
import { keys } from "../../../core/graph-types";
import { assignedTo, fileEntity, firstLine, person, type Builder } from "../../graph/builder";

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

export function githubGraph(event: AgentEvent, b: Builder): void {
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
    if (subject.repository)
      b.edge(
        installation,
        b.entity({
          key: keys.account(subject.repository),
          type: "github_account",
          title: subject.repository,
          url: `https://github.com/${subject.repository}`,
        }),
        "belongs_to",
      );
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
    const branchKey = branch
      ? b.entity({ key: keys.branch(repo, branch), type: "branch", title: branch, url: `https://github.com/${repo}/tree/${branch}` })
      : undefined;
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
      if (file.commit)
        b.edge(
          commitEntity(file.commit),
          fileEntity(b, repo, file.path, repoKey),
          "touches",
          file.change ? { change: file.change } : undefined,
        );
    }
    return;
  }

  const number = subject.pullRequestNumber ?? subject.issueNumber;
  if (number === undefined) return;
  const isPr = subject.pullRequestNumber !== undefined;
  // A review's body is a comment too: it says nothing about the pull request's own text or labels.
  const isComment = ["issue_comment", "pull_request_review_comment", "pull_request_review"].includes(event.type);
  const url = isComment ? undefined : event.links[0];
  const target = b.entity({
    key: isPr ? keys.pullRequest(repo, number) : keys.issue(repo, number),
    type: isPr ? "pull_request" : "issue",
    title: event.title,
    url: url ?? `https://github.com/${repo}/${isPr ? "pull" : "issues"}/${number}`,
    properties: isComment
      ? {}
      : {
          labels: event.labels,
          ...(event.action === "closed"
            ? { state: "closed" }
            : event.action === "opened" || event.action === "reopened"
              ? { state: "open" }
              : {}),
        },
    text: isComment ? undefined : event.text,
  });
  b.edge(target, repoKey, "belongs_to");
  assignedTo(b, "github", event, target);
  // A review comment is on one file of the pull request's diff.
  if (isPr)
    for (const file of event.changedFiles ?? [])
      b.edge(target, fileEntity(b, repo, file.path, repoKey), "touches", file.change ? { change: file.change } : undefined);
  if (who && isComment) b.edge(who, target, "comments_on", { url: event.links[0] });
  if (who && !isComment && event.action === "opened") b.edge(target, who, "opened_by");
  if (event.type === "pull_request" && subject.ref) {
    const branchKey = b.entity({
      key: keys.branch(repo, subject.ref),
      type: "branch",
      title: subject.ref,
      url: `https://github.com/${repo}/tree/${subject.ref}`,
    });
    b.edge(branchKey, repoKey, "belongs_to");
    b.edge(target, branchKey, "from_branch");
    b.references(branchKey, subject.ref, undefined);
  }
  if (subject.commitSha) {
    const commit = b.entity({
      key: keys.commit(repo, subject.commitSha),
      type: "commit",
      url: `https://github.com/${repo}/commit/${subject.commitSha}`,
      properties: { sha: subject.commitSha },
    });
    b.edge(commit, repoKey, "belongs_to");
    b.edge(target, commit, "references");
  }
  b.references(target, [event.title, event.text].filter(Boolean).join("\n"), repo);
}
