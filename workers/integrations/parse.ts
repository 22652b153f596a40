// Shared helper for vendor parsers: a known event type whose payload does not
// have the expected shape is still recorded, as not handled, with the reason.
import type { z } from "zod";
import type { ParsedEvent } from "../../core/agent-event";

export function unhandled(note?: string): ParsedEvent {
  return { handled: false, note, subject: {}, labels: [], assigneeIds: [], links: [] };
}

export function parseWith<S extends z.ZodType>(schema: S, payload: unknown, build: (data: z.infer<S>) => ParsedEvent): ParsedEvent {
  const result = schema.safeParse(payload);
  if (!result.success) {
    const issue = result.error.issues[0];
    return unhandled(`payload does not match schema at ${issue?.path.join(".") || "(root)"}: ${issue?.message}`);
  }
  return build(result.data);
}
