// Read-only tasks and their approval. A task whose trigger has no permitted person behind it
// (REQUIRE_APPROVAL: a new Sentry issue, a bot's Slack mention…) runs read-only; a permitted
// person's `@agent-bot approve` in its thread, or APPROVAL_LABEL, lets the same task go on
// with a new attempt that may change code and push (docs/security.md#untrusted-input).
import { getAgentByName } from "agents";
import { describeSubject, type AgentEvent } from "../../core/agent-event";
import type { Config } from "../config";
import { subjectKeyFor, tasksOnSubject } from "../graph/task-link";
import { isPermittedGitHubUser } from "../integrations/github/github.trigger";
import { isPermittedJiraUser } from "../integrations/jira/jira.trigger";
import { escapeRegExp } from "../integrations/mentions";
import { integrations } from "../integrations/registry";
import { isPermittedSentryUser } from "../integrations/sentry/sentry.trigger";
import type { TriggerDecision } from "../integrations/types";

/** Whether tasks from this trigger (`sentry:new_issue`) run read-only until approved. */
export function requiresApproval(trigger: string | undefined, config: Pick<Config, "REQUIRE_APPROVAL">): boolean {
  if (!trigger) return false;
  const vendor = trigger.split(":")[0];
  return config.REQUIRE_APPROVAL.some((rule) => rule === "*" || rule === trigger || rule === `${vendor}:*`);
}

/** Events in which people type commands to the bot. */
const COMMAND_EVENTS = new Set(["issue_comment", "pull_request_review_comment", "comment_created", "app_mention", "comment"]);

/** `@agent-bot approve` at the start of a line; Slack and Jira write the mention as `<@U…>` and `[~accountid:…]`. */
function isApproveCommand(text: string | undefined, handle: string): boolean {
  if (!text) return false;
  const mention = `(?:${escapeRegExp(handle)}|<@[A-Z0-9]+>|\\[~accountid:[^\\]]+\\])`;
  // Tracking messages break the handle with a word joiner; a copied command still counts.
  return new RegExp(`(?:^|\\n)[ \\t>*_]*${mention}[\\s:,]+approve(?![\\w-])`, "i").test(text.replace(/\p{Cf}/gu, ""));
}

export interface ApprovalAsk {
  /** How it was asked: `GitHub comment`, `label "agent-bot:approve"`. */
  via: string;
  label: boolean;
}

/** Whether the event asks to approve a task, by command or by label. */
export function approvalAsked(event: AgentEvent, config: Config): ApprovalAsk | undefined {
  if (COMMAND_EVENTS.has(event.type) && event.action !== "edited" && isApproveCommand(event.text, config.BOT_HANDLE)) {
    return { via: `${integrations[event.vendor].displayName} comment`, label: false };
  }
  const labelled =
    ((event.type === "issues" || event.type === "pull_request") && event.action === "labeled") || event.type === "jira:issue_updated";
  if (labelled && event.labels.includes(config.APPROVAL_LABEL)) return { via: `label "${config.APPROVAL_LABEL}"`, label: true };
  return undefined;
}

/** Why the event's actor may not approve, or undefined when they may: the same people who may ask for work. */
function approverRefusal(event: AgentEvent, ask: ApprovalAsk, decision: TriggerDecision, config: Config): string | undefined {
  const actor = event.actor;
  const name = actor?.login ?? actor?.name ?? actor?.id ?? "an unknown actor";
  const refuse = (why: string) => `${name} may not approve: ${why}`;
  if (actor?.isBot) return refuse("a bot or app never approves");
  switch (event.vendor) {
    case "github":
      // Labelling needs triage access, which GitHub has checked.
      if (ask.label || isPermittedGitHubUser(actor, config)) return undefined;
      return refuse("not in GITHUB_PERMITTED_ASSOCIATIONS or GITHUB_ALLOWED_USERS");
    case "jira":
      if (!config.JIRA_ALLOWED_PROJECTS.includes(event.subject.projectKey ?? ""))
        return refuse("the project is not in JIRA_ALLOWED_PROJECTS");
      if (!isPermittedJiraUser(actor)) return refuse("not a licensed Jira account");
      if (config.JIRA_ALLOWED_USERS.length > 0 && !config.JIRA_ALLOWED_USERS.includes(actor?.id ?? "")) {
        return refuse("not in JIRA_ALLOWED_USERS");
      }
      return undefined;
    case "sentry":
      return isPermittedSentryUser(event, config) ? undefined : refuse("not a user of the Sentry installation");
    case "slack":
      // A mention a person of an allowed workspace and channel wrote: what starts work with write access.
      if (decision.decision !== "triggered") return refuse(decision.reason);
      return decision.untrusted?.request ? refuse(decision.untrusted.request) : undefined;
  }
}

export interface ApprovalOutcome extends TriggerDecision {
  taskId?: string;
}

/** Approves the newest read-only task on the event's subject, if the actor may; never starts a task. */
export async function approveFromEvent(
  event: AgentEvent,
  ask: ApprovalAsk,
  decision: TriggerDecision,
  env: Env,
  config: Config,
): Promise<ApprovalOutcome> {
  const refusal = approverRefusal(event, ask, decision, config);
  if (refusal) return { decision: "refused", reason: `approval refused: ${refusal}` };
  const by = event.actor?.login ?? event.actor?.name ?? event.actor?.id ?? "unknown";
  const subjectKey = subjectKeyFor(event.subject);
  const taskIds = subjectKey ? await tasksOnSubject(env.DB, subjectKey) : [];
  for (const taskId of taskIds) {
    const agent = await getAgentByName(env.TASK_AGENT, taskId);
    const result = await agent.approveTask({ by, via: ask.via, deliveryId: event.id });
    if (result.approved) return { decision: "triggered", reason: `approved by ${by} (${ask.via}): ${result.message}`, taskId };
  }
  return {
    decision: "not_triggered",
    reason: `${by} approved, but no read-only task is on ${describeSubject(event.subject) ?? "the event's subject"}`,
  };
}
