// The prompt an agent CLI gets: what was asked, where, by whom, and how to answer.
import type { TaskSpec } from "../task-types";

export function buildPrompt(spec: TaskSpec, context?: string): string {
  const where = spec.subjectText ? ` on ${spec.subjectText}` : "";
  const lines = [
    `You are agent-bot, working on a task that came from ${spec.vendor} (${spec.eventType}${where}).`,
    spec.actor ? `Requested by: ${spec.actor}` : undefined,
    `Title: ${spec.title}`,
    spec.links.length ? `Links: ${spec.links.join(" ")}` : undefined,
    "",
    context ? "Thread context:" : undefined,
    context,
    context ? "" : undefined,
    "Request:",
    spec.prompt || spec.title,
    "",
    "Work in the current directory. When you change code, keep the change focused and run the",
    "project's tests if it has any. Finish with a short summary for the thread the request came from.",
  ];
  return lines.filter((line) => line !== undefined).join("\n");
}
