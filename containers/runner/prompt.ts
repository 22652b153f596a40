// What the CLI is told, and what the commit says. The preamble gives the
// agent the facts it cannot see from the prompt alone: where the task comes
// from, that the runner owns commit and push, and which skills were chosen.
import type { RunRequest } from "../../core/runner-protocol";
import type { WrittenAttachment } from "./attachments";

export type SelectedSkill = { name: string; source: "builtin" | "repository" };

export function buildPrompt(request: RunRequest, skills: SelectedSkill[], attachments: WrittenAttachment[] = []): string {
  const { vendor, eventType, title } = request.context;
  const lines = [
    `You are agent-bot, an unattended coding agent. Nobody can answer questions while you work.`,
    `This task comes from ${vendor} (${eventType})${title ? `: "${title}"` : ""}.`,
  ];
  if (request.repo) {
    lines.push(
      `The repository is checked out in the working directory on branch \`${request.repo.branch}\`.`,
      `Leave your changes in the working tree: when you finish, agent-bot commits them and pushes the branch. Do not push yourself.`,
    );
  } else {
    lines.push(`No repository is checked out; the working directory is empty scratch space.`);
  }
  if (skills.length) {
    lines.push(
      `Skills selected for this task: ${skills.map((s) => s.name).join(", ")}. Their instructions are installed where you read skills and rules; follow them.`,
    );
  }
  if (attachments.length) {
    lines.push(
      `Files attached to the request, outside the repository (read them; do not copy them into the repository unless asked):`,
      ...attachments.map((a) => `- ${a.path} (${a.contentType}, ${a.size} bytes)`),
    );
  }
  lines.push(`End with a short summary of what you did (or found) and anything left to do.`, "", "## Task", "", request.prompt);
  return lines.join("\n");
}

const SUBJECT_MAX = 72;

export function commitMessage(request: RunRequest): string {
  const headline =
    (request.context.title ?? request.prompt)
      .split("\n")
      .find((line) => line.trim())
      ?.trim() ?? "changes";
  const subject = `agent-bot: ${headline}`;
  const clipped = subject.length > SUBJECT_MAX ? `${subject.slice(0, SUBJECT_MAX - 1)}…` : subject;
  return `${clipped}\n\nTask ${request.taskId} (attempt ${request.attempt}) from ${request.context.vendor} ${request.context.eventType}.\n`;
}
