// Finds what a piece of text points at: Jira keys, GitHub `#N` and issue/PR URLs,
// Sentry short ids and issue URLs, GitHub closing keywords, Slack user mentions.
// Pure string functions, so every vendor's text goes through the same rules.
import { keys, type EntityInput } from "../../core/graph-types";

/**
 * `ABC-123`: an uppercase project key and a number. A suffix of digits and letters (`BACKEND-4Z`)
 * is a Sentry short id instead; an all-digit suffix is read as Jira, the common case in prose, so
 * `BACKEND-12` is a Jira key here. Hyphenated Sentry slugs (`MY-APP-4Z`) are not recognised.
 */
// Only letters and digits bound a key, so branch names like `feature/PAY-142-fix` count.
const JIRA_KEY = /(?<![A-Za-z0-9])([A-Z][A-Z0-9_]{1,9})-([1-9][0-9]{0,6})(?![A-Za-z0-9])/g;
const SENTRY_SHORT_ID = /(?<![A-Za-z0-9])([A-Z][A-Z0-9_]{1,29})-((?=[0-9A-Z]*[0-9])(?=[0-9A-Z]*[A-Z])[0-9A-Z]{2,8})(?![A-Za-z0-9])/g;
/** Prefixes that look like keys in ordinary technical prose (`UTF-8`, `SHA-256`). */
const NOT_KEYS = new Set(["UTF", "ISO", "SHA", "MD5", "RFC", "HTTP", "TLS", "SSL", "IPV4", "IPV6", "AES", "RSA", "GPT", "COVID", "CVE"]);
const GITHUB_URL = /https?:\/\/github\.com\/([\w.-]+\/[\w.-]+)\/(issues|pull)\/(\d+)/g;
const SENTRY_URL = /https?:\/\/[\w.-]*sentry\.io\/(?:organizations\/[\w.-]+\/)?issues\/(\d+)/g;
const HASH_NUMBER = /(?<![\w&/#])#(\d{1,7})\b/g;
const SLACK_USER = /<@([UW][A-Z0-9]+)(?:\|[^>]*)?>/g;
/** GitHub's closing keywords followed by `#N`, `owner/name#N` or an issue URL. */
const CLOSING =
  /\b(?:close[sd]?|fix(?:e[sd])?|resolve[sd]?)\b:?\s+(?:([\w.-]+\/[\w.-]+)?#(\d+)|https?:\/\/github\.com\/([\w.-]+\/[\w.-]+)\/issues\/(\d+))/gi;

/** Every entity the text references; `repository` resolves bare `#N` to that repository's issue. */
export function findReferences(text: string | undefined, context: { repository?: string } = {}): EntityInput[] {
  if (!text) return [];
  const found = new Map<string, EntityInput>();
  const add = (entity: EntityInput) => {
    if (!found.has(entity.key)) found.set(entity.key, entity);
  };
  // URLs first, and blanked out, so their path segments are not read again as keys or `#N`.
  let rest = text.replace(GITHUB_URL, (url, repo: string, kind: string, n: string) => {
    const number = Number(n);
    add(
      kind === "pull"
        ? { key: keys.pullRequest(repo, number), type: "pull_request", url }
        : { key: keys.issue(repo, number), type: "issue", url },
    );
    return " ";
  });
  rest = rest.replace(SENTRY_URL, (url, id: string) => {
    add({ key: keys.sentryIssueId(id), type: "sentry_issue", url: url.endsWith("/") ? url : `${url}/` });
    return " ";
  });
  rest = rest.replace(/https?:\/\/\S+/g, " ");
  for (const m of rest.matchAll(JIRA_KEY)) if (!NOT_KEYS.has(m[1]!)) add({ key: keys.jiraIssue(`${m[1]}-${m[2]}`), type: "jira_issue" });
  for (const m of rest.matchAll(SENTRY_SHORT_ID)) add({ key: keys.sentryIssue(`${m[1]}-${m[2]}`), type: "sentry_issue" });
  if (context.repository) {
    for (const m of rest.matchAll(HASH_NUMBER)) add({ key: keys.issue(context.repository, Number(m[1])), type: "issue" });
  }
  return [...found.values()];
}

/** Issues the text closes with a GitHub closing keyword (`fixes #12`, `closes owner/name#3`…). */
export function findClosingReferences(text: string | undefined, repository: string | undefined): EntityInput[] {
  if (!text) return [];
  const found = new Map<string, EntityInput>();
  for (const m of text.matchAll(CLOSING)) {
    const repo = m[1] ?? m[3] ?? repository;
    const number = Number(m[2] ?? m[4]);
    if (!repo) continue;
    const key = keys.issue(repo, number);
    if (!found.has(key)) found.set(key, { key, type: "issue" });
  }
  return [...found.values()];
}

/** Slack user ids mentioned as `<@U123>`. */
export function findSlackMentions(text: string | undefined): string[] {
  if (!text) return [];
  return [...new Set([...text.matchAll(SLACK_USER)].map((m) => m[1]!))];
}
