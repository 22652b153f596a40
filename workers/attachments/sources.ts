// Where each vendor's triggering message keeps its files, and which hosts may serve them:
//   GitHub  images and attachment links in the comment or issue body (github.com/user-attachments,
//           user-images / private-user-images.githubusercontent.com, or the configured GitHub hosts)
//   Slack   the message's `files` (url_private, fetched with the bot token)
//   Jira    the ticket's attachments (REST, with Jira's auth); a comment takes those it names
//   Sentry  its webhooks carry no attachment, so there is nothing to fetch
// An image from any other host is still a candidate: it is refused by host, with a note.
import type { AgentEvent } from "../../core/agent-event";
import type { Config } from "../config";
import type { HostRule } from "./fetch";

export interface Candidate {
  url: string;
  /** The name the message gives it (alt text, file name); may be empty. */
  name: string;
}

// biome-ignore lint/suspicious/noExplicitAny: a stored vendor payload, read field by field with typeof checks
type Payload = Record<string, any>;

const originOf = (url: string | undefined) => {
  try {
    return url ? new URL(url).origin : undefined;
  } catch {
    return undefined;
  }
};
const present = (values: (string | undefined)[]) => [...new Set(values.filter((v): v is string => Boolean(v)))];

export function hostRule(vendor: AgentEvent["vendor"], config: Config): HostRule {
  switch (vendor) {
    case "github": {
      const api = originOf(config.GITHUB_API_URL);
      return {
        vendor: "GitHub",
        origins: present([
          "https://github.com",
          "https://*.githubusercontent.com",
          api,
          // GitHub Enterprise serves attachments from its web host, where repositories are cloned from.
          originOf(config.GIT_CLONE_BASE_URL),
        ]),
        authOrigins: present([api]),
        headers: config.GITHUB_TOKEN ? { authorization: `Bearer ${config.GITHUB_TOKEN}` } : {},
      };
    }
    case "slack": {
      const api = originOf(config.SLACK_API_URL);
      return {
        vendor: "Slack",
        origins: present(["https://files.slack.com", api]),
        authOrigins: present(["https://files.slack.com", api]),
        headers: config.SLACK_BOT_TOKEN ? { authorization: `Bearer ${config.SLACK_BOT_TOKEN}` } : {},
      };
    }
    case "jira": {
      const site = originOf(config.JIRA_BASE_URL);
      const basic = config.JIRA_EMAIL && config.JIRA_API_TOKEN ? btoa(`${config.JIRA_EMAIL}:${config.JIRA_API_TOKEN}`) : undefined;
      return {
        vendor: "Jira",
        // Jira Cloud answers an attachment's content with a redirect to its media service.
        origins: present([site, "https://api.media.atlassian.com"]),
        authOrigins: present([site]),
        headers: basic ? { authorization: `Basic ${basic}` } : {},
      };
    }
    case "sentry":
      return { vendor: "Sentry", origins: present([originOf(config.SENTRY_API_URL)]), authOrigins: [], headers: {} };
  }
}

const MARKDOWN_IMAGE = /!\[([^\]]*)\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g;
const HTML_IMAGE = /<img\b[^>]*?\bsrc\s*=\s*["']([^"']+)["'][^>]*>/gi;
const MARKDOWN_LINK = /(?<!!)\[([^\]]*)\]\(\s*<?([^)\s>]+)>?\s*\)/g;
const BARE_URL = /https?:\/\/[^\s<>"'()[\]]+/g;

/** A file GitHub stores for issues and comments (drag-and-drop uploads). */
function isGitHubUpload(url: string, rule: HostRule): boolean {
  try {
    const parsed = new URL(url);
    if (/^(private-)?user-images\.githubusercontent\.com$/.test(parsed.hostname)) return true;
    return parsed.pathname.includes("/user-attachments/") && rule.origins.includes(parsed.origin);
  } catch {
    return false;
  }
}

function githubCandidates(text: string, rule: HostRule): Candidate[] {
  const found: Candidate[] = [];
  for (const [, alt, url] of text.matchAll(MARKDOWN_IMAGE)) found.push({ url: url!, name: alt ?? "" });
  for (const [tag, url] of text.matchAll(HTML_IMAGE)) found.push({ url: url!, name: /\balt\s*=\s*["']([^"']*)["']/i.exec(tag)?.[1] ?? "" });
  // Links and bare URLs count only when they are GitHub uploads; other links are just links.
  for (const [, label, url] of text.matchAll(MARKDOWN_LINK)) if (isGitHubUpload(url!, rule)) found.push({ url: url!, name: label ?? "" });
  for (const [url] of text.matchAll(BARE_URL)) if (isGitHubUpload(url, rule)) found.push({ url, name: "" });
  return found;
}

function slackCandidates(payload: Payload): Candidate[] {
  const files: unknown = payload.event?.files;
  if (!Array.isArray(files)) return [];
  return files.flatMap((f: Payload) => {
    const url = f?.url_private_download ?? f?.url_private;
    return typeof url === "string" ? [{ url, name: typeof f.name === "string" ? f.name : "" }] : [];
  });
}

function jiraCandidates(event: AgentEvent, payload: Payload): Candidate[] {
  const files: unknown = payload.issue?.fields?.attachment;
  if (!Array.isArray(files)) return [];
  const all = files.flatMap((f: Payload) =>
    typeof f?.content === "string" ? [{ url: f.content, name: typeof f.filename === "string" ? f.filename : "" }] : [],
  );
  // A comment brings the files it names (`!shot.png!`, `[^log.txt]`), not every file on the ticket.
  if (event.type === "comment_created") return all.filter((f) => f.name && event.text?.includes(f.name));
  return all;
}

/** The files the triggering message carries, first to last, each URL once. */
export function candidatesFor(event: AgentEvent, payload: Payload, rule: HostRule): Candidate[] {
  const found =
    event.vendor === "github"
      ? githubCandidates(event.text ?? "", rule)
      : event.vendor === "slack"
        ? slackCandidates(payload)
        : event.vendor === "jira"
          ? jiraCandidates(event, payload)
          : [];
  const seen = new Set<string>();
  return found.filter((c) => !seen.has(c.url) && seen.add(c.url));
}
