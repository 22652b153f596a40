// Normalizes the CLIs' `--output-format stream-json` output (NDJSON, one
// object a line) into protocol events. Parsing is tolerant: a line that is
// not JSON becomes a `log` event, and an unknown `type` is skipped, so a new
// CLI release that adds events does not break a run.
//
// This file holds what every dialect shares: line handling, the `system` and
// `result` lines both CLIs print, and content helpers. Each CLI's own dialect,
// and where it is documented, is beside its adapter: `cli-claude.stream.ts`,
// `cli-cursor.stream.ts`; the adapter carries it as `parseLine`.
import { z } from "zod";
import { LineSplitter } from "../../core/line-splitter";
import { type RunnerEventInput, sessionIdSchema } from "../../core/runner-protocol";

/** What the CLI's terminal `result` line says about the run. */
export type CliFinal = {
  isError: boolean;
  subtype?: string;
  /** Claude Code: why the run ended (`completed`, `budget_exhausted`, `api_error`, …). */
  terminalReason?: string;
  /** Claude Code: the model API's HTTP status when the run ended on an API error. */
  apiErrorStatus?: number;
  summary: string;
  costUsd?: number;
  inputTokens?: number;
  outputTokens?: number;
  durationMs?: number;
  /** The session the run used or created (`session_id`), for the next turn's resume. */
  sessionId?: string;
};

/** `sessionId`: the CLI named its session (its `init` line); the `result` line names it again in `final`. */
export type Parsed = { events: RunnerEventInput[]; final?: CliFinal; sessionId?: string };

/** One CLI's dialect: one stdout line (without its newline) → events, and the final result if it is the `result` line. */
export type LineParser = (line: string) => Parsed;

const block = z.looseObject({ type: z.string() });
export const textBlock = z.object({ type: z.literal("text"), text: z.string() });
const message = z.looseObject({ content: z.union([z.string(), z.array(block)]) });
const usage = z
  .looseObject({
    input_tokens: z.number().int().optional(),
    output_tokens: z.number().int().optional(),
    inputTokens: z.number().int().optional(),
    outputTokens: z.number().int().optional(),
    cache_creation_input_tokens: z.number().int().optional(),
    cache_read_input_tokens: z.number().int().optional(),
  })
  .optional();

const systemLine = z.looseObject({
  type: z.literal("system"),
  subtype: z.string().optional(),
  session_id: z.string().optional(),
  model: z.string().optional(),
  mcp_servers: z.array(z.looseObject({ name: z.string(), status: z.string().optional() })).optional(),
  // `api_retry`: Claude Code waits and retries a failed model request.
  attempt: z.number().optional(),
  max_retries: z.number().optional(),
  retry_delay_ms: z.number().optional(),
  error_status: z.number().nullable().optional(),
  error: z.string().optional(),
});
export const messageLine = z.looseObject({ type: z.enum(["assistant", "user"]), message });
const resultLine = z.looseObject({
  type: z.literal("result"),
  subtype: z.string().optional(),
  is_error: z.boolean().optional(),
  result: z.string().optional(),
  errors: z.array(z.unknown()).optional(),
  duration_ms: z.number().optional(),
  total_cost_usd: z.number().optional(),
  terminal_reason: z.string().optional(),
  api_error_status: z.number().nullable().optional(),
  session_id: z.string().optional(),
  usage,
});

/** Streams stdout chunks in and events out; the parser keeps partial lines between chunks. */
export function createStreamParser(parseLine: LineParser) {
  const splitter = new LineSplitter();
  const collect = (lines: string[]): Parsed => {
    const out: Parsed = { events: [] };
    for (const line of lines) {
      const parsed = parseLine(line);
      out.events.push(...parsed.events);
      if (parsed.final) out.final = parsed.final;
      if (parsed.sessionId) out.sessionId = parsed.sessionId;
    }
    return out;
  };
  return {
    push: (chunk: string) => collect(splitter.push(chunk)),
    end: () => collect(splitter.end()),
  };
}

/**
 * A CLI's line parser from what its dialect adds: the lines every CLI shares (not JSON, no
 * `type`, `system`, `result`) are handled here; `other` gets the rest, and a type it does not
 * know (undefined) yields no events, so a new CLI release that adds events does not break a run.
 */
export function lineParser(cli: string, other: (type: string, value: unknown) => RunnerEventInput[] | undefined): LineParser {
  return (line) => {
    const decoded = decode(line);
    if ("events" in decoded) return decoded;
    const value = decoded.value;
    const type = typeOf(value);
    if (type === undefined) return { events: [{ type: "log", level: "info", message: line.trim() }] };
    if (type === "system") return { events: systemEvents(cli, value), ...sessionOf(value) };
    if (type === "result") return resultOf(value);
    return { events: other(type, value) ?? [] };
  };
}

export function decode(line: string): { value: unknown } | { events: RunnerEventInput[] } {
  const trimmed = line.trim();
  if (trimmed === "") return { events: [] };
  try {
    return { value: JSON.parse(trimmed) as unknown };
  } catch {
    return { events: [{ type: "log", level: "info", message: trimmed }] };
  }
}

export function typeOf(value: unknown): string | undefined {
  return value && typeof value === "object" && "type" in value && typeof value.type === "string" ? value.type : undefined;
}

export function systemEvents(cli: string, value: unknown): RunnerEventInput[] {
  const parsed = systemLine.safeParse(value);
  if (parsed.success && parsed.data.subtype === "api_retry") return [apiRetryEvent(parsed.data)];
  if (!parsed.success || parsed.data.subtype !== "init") return [];
  const { model, session_id: session, mcp_servers: servers } = parsed.data;
  const parts = [`${cli} session started`];
  if (session) parts.push(`session ${session}`);
  if (model) parts.push(`model ${model}`);
  if (servers?.length) parts.push(`MCP ${servers.map((s) => `${s.name} (${s.status ?? "unknown"})`).join(", ")}`);
  return [{ type: "log", level: "info", message: parts.join("; ") }];
}

/** A model request failed and the CLI retries it: worth a line in the task log while it waits. */
function apiRetryEvent(line: z.infer<typeof systemLine>): RunnerEventInput {
  const status = line.error_status ? `${line.error_status}${line.error ? ` ${line.error}` : ""}` : (line.error ?? "no response");
  const attempt =
    line.attempt !== undefined ? ` (retry ${line.attempt}${line.max_retries !== undefined ? ` of ${line.max_retries}` : ""})` : "";
  const wait = line.retry_delay_ms !== undefined ? `, next try in ${Math.round(line.retry_delay_ms)} ms` : "";
  return { type: "log", level: "warn", message: `model API request failed: ${status}${attempt}${wait}` };
}

export function resultOf(value: unknown): Parsed {
  const parsed = resultLine.safeParse(value);
  if (!parsed.success) return { events: [{ type: "log", level: "warn", message: "unreadable result line from the CLI" }] };
  const r = parsed.data;
  const isError = r.is_error ?? (r.subtype !== undefined && r.subtype !== "success");
  const errors = (r.errors ?? []).map((e) => (typeof e === "string" ? e : JSON.stringify(e))).join("; ");
  return {
    events: [],
    final: {
      isError,
      subtype: r.subtype,
      summary: r.result ?? (errors || r.subtype || ""),
      ...(r.terminal_reason ? { terminalReason: r.terminal_reason } : {}),
      ...(r.api_error_status ? { apiErrorStatus: r.api_error_status } : {}),
      costUsd: r.total_cost_usd,
      inputTokens: inputTokens(r.usage),
      outputTokens: r.usage?.output_tokens ?? r.usage?.outputTokens,
      durationMs: r.duration_ms === undefined ? undefined : Math.round(r.duration_ms),
      ...sessionOf(r),
    },
  };
}

/**
 * The session id a line names, if it is one the runner can use as a file name; anything else
 * (the CLI's output is the agent's to shape) is no session at all.
 */
function sessionOf(value: unknown): { sessionId?: string } {
  const id = value && typeof value === "object" && "session_id" in value ? value.session_id : undefined;
  const parsed = sessionIdSchema.safeParse(id);
  return parsed.success ? { sessionId: parsed.data } : {};
}

/** Every input token the model read: fresh, written to the prompt cache, and read from it. */
function inputTokens(usage: z.infer<typeof resultLine>["usage"]): number | undefined {
  const fresh = usage?.input_tokens ?? usage?.inputTokens;
  if (fresh === undefined) return undefined;
  return fresh + (usage?.cache_creation_input_tokens ?? 0) + (usage?.cache_read_input_tokens ?? 0);
}

export function textOf(content: string | z.infer<typeof block>[]): string {
  if (typeof content === "string") return content;
  return content
    .map((b) => textBlock.safeParse(b))
    .filter((b) => b.success)
    .map((b) => b.data.text)
    .join("");
}

/** Tool output as text: strings as they are, text blocks joined, anything else as JSON. */
export function stringifyContent(content: unknown): string {
  if (typeof content === "string") return content;
  if (Array.isArray(content)) {
    return content
      .map((item) => {
        const text = textBlock.safeParse(item);
        if (text.success) return text.data.text;
        return typeOf(item) === "image" ? "[image]" : JSON.stringify(item);
      })
      .join("\n");
  }
  if (content === undefined || content === null) return "";
  return JSON.stringify(content);
}

export function parseMaybeJson(value: unknown): unknown {
  if (typeof value !== "string") return value ?? {};
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return value;
  }
}
