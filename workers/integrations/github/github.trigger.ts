// When a GitHub event asks for agent work, whether its actor may ask, and which of its
// text a permitted person wrote (the rest is fenced in the prompt).
import type { AgentEvent } from "../../../core/agent-event";
import type { UntrustedParts } from "../../../core/task-types";
import type { Config } from "../../config";
import { escapeRegExp, mentionsHandle } from "../mentions";
import type { TriggerDecision } from "../types";

const MENTION_EVENTS: Record<string, string[]> = {
  issue_comment: ["created"],
  pull_request_review_comment: ["created"],
  issues: ["opened"],
  pull_request: ["opened"],
  pull_request_review: ["submitted"],
};
/** Events whose text is a comment: only the comment asks, never the issue's title someone else wrote. */
const COMMENT_EVENTS = new Set(["issue_comment", "pull_request_review_comment", "pull_request_review"]);
const LABEL_EVENTS = new Set(["issues", "pull_request"]);

type Actor = AgentEvent["actor"];

/** An association in GITHUB_PERMITTED_ASSOCIATIONS or a login in GITHUB_ALLOWED_USERS. */
export function isPermittedGitHubUser(actor: Actor, config: Config): boolean {
  if (!actor || actor.isBot || config.GITHUB_BOT_USER_IDS.includes(actor.id)) return false;
  if (actor.login && config.GITHUB_ALLOWED_USERS.includes(actor.login)) return true;
  return Boolean(actor.association && config.GITHUB_PERMITTED_ASSOCIATIONS.includes(actor.association));
}

const describeUser = (actor: Actor) => `@${actor?.login ?? "unknown"} (${actor?.association ?? "no association"})`;

/** The issue or PR's title and body are untrusted unless their author is the actor or permitted. */
function untrustedSubject(event: AgentEvent, config: Config): string | undefined {
  const author = event.author;
  if (!author || author.id === event.actor?.id || isPermittedGitHubUser(author, config)) return undefined;
  const kind = event.subject.pullRequestNumber === undefined ? "issue" : "pull request";
  return `GitHub ${kind} by ${describeUser(author)}, who is not a permitted user`;
}

/** The text a permitted actor wrote in this event: a comment's body, or a new issue or PR's title and body. */
function requestText(event: AgentEvent): string[] {
  return COMMENT_EVENTS.has(event.type) ? [event.text ?? ""] : [event.title ?? "", event.text ?? ""];
}

/** `@agent-bot review` at the start of a line of the request: a review of the pull request, not a change to it. */
export function isReviewCommand(text: string | undefined, handle: string): boolean {
  if (!text) return false;
  return new RegExp(`(?:^|\\n)[ \\t>*_]*${escapeRegExp(handle)}[\\s:,]+review(?![\\w-])`, "i").test(text.replace(/\p{Cf}/gu, ""));
}

/** A review asked for on a pull request: by command in the request's text, or by REVIEW_LABEL. */
function reviewAsked(event: AgentEvent, config: Config, labelled: boolean): boolean {
  if (event.subject.pullRequestNumber === undefined) return false;
  if (labelled) return event.labels.includes(config.REVIEW_LABEL) && !event.labels.includes(config.TRIGGER_LABEL);
  return requestText(event).some((text) => isReviewCommand(text, config.BOT_HANDLE));
}

export function decideGitHub(event: AgentEvent, config: Config): TriggerDecision {
  const decision = decideWork(event, config);
  if (decision.decision !== "triggered") return decision;
  const labelled = decision.trigger === "github:label";
  return reviewAsked(event, config, labelled) ? { ...decision, mode: "review" } : decision;
}

function decideWork(event: AgentEvent, config: Config): TriggerDecision {
  const actor = event.actor;
  if (actor?.isBot) return { decision: "not_triggered", reason: `actor ${actor.login} is a bot` };
  // A user token's account is no Bot to GitHub; its tracking comments name the handle.
  if (actor && config.GITHUB_BOT_USER_IDS.includes(actor.id)) {
    return { decision: "not_triggered", reason: `actor ${actor.login} is agent-bot's own account (GITHUB_BOT_USER_IDS)` };
  }

  const label = [config.TRIGGER_LABEL, ...(event.type === "pull_request" ? [config.REVIEW_LABEL] : [])].find((name) =>
    event.labels.includes(name),
  );
  const labelled = LABEL_EVENTS.has(event.type) && event.action === "labeled" && label !== undefined;
  const mentioned =
    (MENTION_EVENTS[event.type] ?? []).includes(event.action ?? "") &&
    requestText(event).some((text) => mentionsHandle(text, config.BOT_HANDLE));
  if (!labelled && !mentioned) {
    return { decision: "not_triggered", reason: `no ${config.BOT_HANDLE} mention or "${config.TRIGGER_LABEL}" label` };
  }
  // A review's body asks for work only when the review requests changes.
  if (!labelled && event.type === "pull_request_review" && event.pullRequest?.reviewState !== "changes_requested") {
    return {
      decision: "not_triggered",
      reason: `a ${event.pullRequest?.reviewState ?? "submitted"} review; only one requesting changes asks for work`,
    };
  }

  const subject = untrustedSubject(event, config);
  // Only users with triage access can add labels, so GitHub has already checked a labeller.
  // The request is then the issue's own text, as trusted as its author.
  if (labelled) {
    const untrusted: UntrustedParts | undefined = subject ? { subject, request: subject } : undefined;
    return { decision: "triggered", reason: `labelled "${label}" by ${actor?.login}`, trigger: "github:label", untrusted };
  }

  const untrusted = subject ? { subject } : undefined;
  if (actor?.login && config.GITHUB_ALLOWED_USERS.includes(actor.login)) {
    return { decision: "triggered", reason: `${actor.login} is in GITHUB_ALLOWED_USERS`, trigger: "github:mention", untrusted };
  }
  if (isPermittedGitHubUser(actor, config)) {
    return { decision: "triggered", reason: `mentioned by ${actor?.login} (${actor?.association})`, trigger: "github:mention", untrusted };
  }
  return {
    decision: "refused",
    reason: `${actor?.login ?? "unknown actor"} (${actor?.association ?? "no association"}) is not permitted: not in GITHUB_PERMITTED_ASSOCIATIONS or GITHUB_ALLOWED_USERS`,
  };
}
