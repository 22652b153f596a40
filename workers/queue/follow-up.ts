// A permitted person's message in a thread a task tracks — a GitHub comment on its issue or pull
// request, a mention in its Slack thread, a comment on its Jira ticket or Sentry issue, in its own
// thread or one that joined it — continues that task as its next turn, even after the task ended.
// `@agent-bot new …` starts a new task instead (docs/conversations.md).
import { getAgentByName } from "agents";
import { describeSubject, type AgentEvent } from "../../core/agent-event";
import type { Config } from "../config";
import { subjectKeyFor, tasksOnSubject } from "../graph/task-link";
import { escapeRegExp, mentionsHandle } from "../integrations/mentions";
import { isPermittedSentryUser } from "../integrations/sentry/sentry.trigger";
import type { TriggerDecision } from "../integrations/types";
import type { Increment } from "../observability/metrics";
import { taskIdFor } from "./task-spec";

/** Messages people write in a thread. Review comments on a PR's lines are the PR flow's (review mode). */
const MESSAGE_EVENTS = new Set(["issue_comment", "comment_created", "app_mention", "comment"]);

/** `@agent-bot new …`: the person asks for another task, not a turn of the one in the thread. */
export function asksForNewTask(text: string | undefined, handle: string): boolean {
  if (!text) return false;
  const mention = `(?:${escapeRegExp(handle)}|<@[A-Z0-9]+>|\\[~accountid:[^\\]]+\\])`;
  return new RegExp(`(?:^|\\n)[ \\t>*_]*${mention}[\\s:,]+new(?![\\w-])`, "i").test(text.replace(/\p{Cf}/gu, ""));
}

/** Whether a message may continue a task: what its vendor's rules trigger on, or a Sentry user's comment naming the bot. */
function followUpDecision(event: AgentEvent, decision: TriggerDecision, config: Config): TriggerDecision | undefined {
  if (!MESSAGE_EVENTS.has(event.type) || event.action === "edited") return undefined;
  if (decision.decision === "triggered") return decision;
  if (event.vendor === "sentry" && mentionsHandle(event.text, config.BOT_HANDLE) && isPermittedSentryUser(event, config)) {
    return { decision: "triggered", reason: `mentioned by ${event.actor?.name ?? event.actor?.id} (a Sentry user)` };
  }
  return undefined;
}

export interface FollowUpOutcome {
  taskId: string;
  decision: TriggerDecision;
  increments: Increment[];
}

/** Hands the message to the newest task on its thread as a turn; undefined when it starts or joins a task as before. */
export async function continueTask(
  event: AgentEvent,
  decision: TriggerDecision,
  env: Env,
  config: Config,
): Promise<FollowUpOutcome | undefined> {
  const asked = followUpDecision(event, decision, config);
  if (!asked || asksForNewTask(event.text, config.BOT_HANDLE)) return undefined;
  const subjectKey = subjectKeyFor(event.subject);
  const taskIds = subjectKey ? await tasksOnSubject(env.DB, subjectKey) : [];
  // A retried delivery that created a task finds that task: creating it again is idempotent.
  if (taskIds.includes(taskIdFor(event.id))) return undefined;
  for (const taskId of taskIds) {
    const agent = await getAgentByName(env.TASK_AGENT, taskId);
    const result = await agent.addTurn({
      deliveryId: event.id,
      vendor: event.vendor,
      eventType: event.type,
      subject: event.subject,
      subjectText: describeSubject(event.subject),
      message: event.text ?? event.title ?? "",
      by: event.actor?.login ?? event.actor?.name ?? event.actor?.id,
      ...(asked.untrusted?.request ? { untrusted: asked.untrusted.request } : {}),
    });
    if (result.decision === "no_task") continue;
    return {
      taskId,
      decision: {
        decision: result.decision === "refused" ? "refused" : "triggered",
        reason: `${asked.reason}; ${result.message} (task ${taskId})`,
      },
      increments: [{ name: "agentbot_task_turns_total", labels: { vendor: event.vendor, decision: result.decision } }],
    };
  }
  return undefined;
}
