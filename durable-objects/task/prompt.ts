// The prompt an agent CLI gets: what was asked, where, by whom, what the knowledge
// graph knows around it, and how to answer.
import type { RelatedEntity } from "../../core/graph-types";
import type { JoinedThread, TaskSpec } from "../../core/task-types";

/** The related-entities section stays small: the agent can ask the graph over MCP for more. */
const MAX_RELATED_CHARS = 3_000;

const oneLine = (text: string) => text.replace(/\s+/g, " ").trim();

/** `- pull_request github:pr:acme/api#7 "Fix rounding" <url> (touches … via commit)`. */
export function renderRelated(related: RelatedEntity[]): string | undefined {
  const lines: string[] = [];
  let size = 0;
  for (const entity of related) {
    const title = entity.title ? ` "${oneLine(entity.title)}"` : "";
    const url = entity.url ? ` ${entity.url}` : "";
    const how = entity.depth === 1 ? `${entity.via.edge}` : `${entity.depth} hops, ${entity.via.edge} ${entity.via.from}`;
    const line = `- ${entity.type} ${entity.key}${title}${url} (${how})`;
    if (size + line.length > MAX_RELATED_CHARS) break;
    lines.push(line);
    size += line.length + 1;
  }
  return lines.length ? lines.join("\n") : undefined;
}

function renderJoined(joined: JoinedThread[]): string | undefined {
  if (!joined.length) return undefined;
  return joined
    .map(
      (j) =>
        `- ${j.vendor} ${j.eventType}${j.subjectText ? ` on ${j.subjectText}` : ""}: ${oneLine(j.title)}${j.links[0] ? ` ${j.links[0]}` : ""}`,
    )
    .join("\n");
}

export function buildPrompt(spec: TaskSpec, context?: string, joined: JoinedThread[] = []): string {
  const where = spec.subjectText ? ` on ${spec.subjectText}` : "";
  const related = renderRelated(spec.related ?? []);
  const reports = renderJoined(joined);
  const lines = [
    `You are agent-bot, working on a task that came from ${spec.vendor} (${spec.eventType}${where}).`,
    spec.actor ? `Requested by: ${spec.actor}` : undefined,
    `Title: ${spec.title}`,
    spec.links.length ? `Links: ${spec.links.join(" ")}` : undefined,
    "",
    context ? "Thread context:" : undefined,
    context,
    context ? "" : undefined,
    related ? "Related (from agent-bot's knowledge graph; nearest first):" : undefined,
    related,
    related ? "" : undefined,
    reports ? "The same problem was also reported in:" : undefined,
    reports,
    reports ? "" : undefined,
    "Request:",
    spec.prompt || spec.title,
    "",
    "Work in the current directory. When you change code, keep the change focused and run the",
    "project's tests if it has any. Finish with a short summary for the thread the request came from.",
  ];
  return lines.filter((line) => line !== undefined).join("\n");
}
