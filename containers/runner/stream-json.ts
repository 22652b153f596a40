// Normalizes the CLIs' `--output-format stream-json` output (NDJSON, one
// object a line) into protocol events. Parsing is tolerant: a line that is
// not JSON becomes a `log` event, and an unknown `type` is skipped, so a new
// CLI release that adds events does not break a run.
//
// Claude Code (`claude -p --output-format stream-json --verbose`), from the
// headless-mode / Agent SDK docs (docs.anthropic.com/en/docs/claude-code/sdk,
// "Streaming JSON output"; SDKMessage types):
//   {"type":"system","subtype":"init","session_id","model","cwd","tools":[…],"mcp_servers":[{"name","status"}],"permissionMode"}
//   {"type":"assistant","message":{"content":[{"type":"text","text"} | {"type":"tool_use","id","name","input"} | {"type":"thinking",…}]},"parent_tool_use_id","session_id"}
//   {"type":"user","message":{"content":[{"type":"tool_result","tool_use_id","content": string | [{"type":"text","text"}],"is_error"}]}}
//   {"type":"result","subtype":"success" | "error_max_turns" | "error_during_execution","is_error","result","duration_ms",
//    "num_turns","total_cost_usd","usage":{"input_tokens","output_tokens",…},"session_id"}
//
// Cursor (`cursor-agent -p --output-format stream-json`), from Cursor's CLI
// "Output format" reference (cursor.com/docs/cli/reference/output-format):
//   {"type":"system","subtype":"init","apiKeySource","cwd","session_id","model","permissionMode"}
//   {"type":"user","message":{"role":"user","content":[{"type":"text","text"}]}}
//   {"type":"assistant","message":{"role":"assistant","content":[{"type":"text","text"}]},"session_id"}   one line per message
//   {"type":"tool_call","subtype":"started","call_id","tool_call":{"readToolCall":{"args":{"path"}}}}
//   {"type":"tool_call","subtype":"completed","call_id","tool_call":{"readToolCall":{"args":{…},"result":{"success":{"content",…}}}}}
//     other tools: writeToolCall, shellToolCall, lsToolCall, …, or {"function":{"name","arguments"}}
//   {"type":"result","subtype":"success","is_error","duration_ms","duration_api_ms","result","session_id"}
//   On failure Cursor exits non-zero and writes to stderr, possibly with no result line.
import { z } from "zod";
import { LineSplitter } from "../../core/line-splitter";
import type { RunnerEventInput } from "../../core/runner-protocol";

export type StreamFormat = "claude" | "cursor";

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
};

export type Parsed = { events: RunnerEventInput[]; final?: CliFinal };

const block = z.looseObject({ type: z.string() });
const textBlock = z.object({ type: z.literal("text"), text: z.string() });
const toolUseBlock = z.object({ type: z.literal("tool_use"), id: z.string().optional(), name: z.string(), input: z.unknown() });
const toolResultBlock = z.object({
  type: z.literal("tool_result"),
  tool_use_id: z.string().optional(),
  content: z.unknown(),
  is_error: z.boolean().optional(),
});
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
const messageLine = z.looseObject({ type: z.enum(["assistant", "user"]), message });
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
  usage,
});
const cursorToolLine = z.looseObject({
  type: z.literal("tool_call"),
  subtype: z.string(),
  call_id: z.string().optional(),
  tool_call: z.record(z.string(), z.looseObject({ args: z.unknown().optional(), result: z.unknown().optional() })),
});
const cursorFunction = z.looseObject({ name: z.string(), arguments: z.unknown().optional() });
const cursorOutcome = z.looseObject({
  success: z.unknown().optional(),
  error: z.unknown().optional(),
  rejected: z.unknown().optional(),
  failure: z.unknown().optional(),
});

/** Streams stdout chunks in and events out; the parser keeps partial lines between chunks. */
export function createStreamParser(format: StreamFormat) {
  const splitter = new LineSplitter();
  const parseLine = format === "claude" ? parseClaudeLine : parseCursorLine;
  const collect = (lines: string[]): Parsed => {
    const out: Parsed = { events: [] };
    for (const line of lines) {
      const parsed = parseLine(line);
      out.events.push(...parsed.events);
      if (parsed.final) out.final = parsed.final;
    }
    return out;
  };
  return {
    push: (chunk: string) => collect(splitter.push(chunk)),
    end: () => collect(splitter.end()),
  };
}

function decode(line: string): { value: unknown } | { events: RunnerEventInput[] } {
  const trimmed = line.trim();
  if (trimmed === "") return { events: [] };
  try {
    return { value: JSON.parse(trimmed) as unknown };
  } catch {
    return { events: [{ type: "log", level: "info", message: trimmed }] };
  }
}

function typeOf(value: unknown): string | undefined {
  return value && typeof value === "object" && "type" in value && typeof value.type === "string" ? value.type : undefined;
}

export function parseClaudeLine(line: string): Parsed {
  const decoded = decode(line);
  if ("events" in decoded) return decoded;
  const value = decoded.value;
  switch (typeOf(value)) {
    case "system":
      return { events: systemEvents("claude", value) };
    case "assistant":
    case "user":
      return { events: claudeMessageEvents(value) };
    case "result":
      return resultOf(value);
    case undefined:
      return { events: [{ type: "log", level: "info", message: line.trim() }] };
    default:
      return { events: [] };
  }
}

export function parseCursorLine(line: string): Parsed {
  const decoded = decode(line);
  if ("events" in decoded) return decoded;
  const value = decoded.value;
  switch (typeOf(value)) {
    case "system":
      return { events: systemEvents("cursor", value) };
    case "assistant": {
      const parsed = messageLine.safeParse(value);
      if (!parsed.success) return { events: [] };
      const text = textOf(parsed.data.message.content);
      return { events: text ? [{ type: "assistant_text", text }] : [] };
    }
    case "tool_call":
      return { events: cursorToolEvents(value) };
    case "result":
      return resultOf(value);
    case undefined:
      return { events: [{ type: "log", level: "info", message: line.trim() }] };
    default:
      // `user` echoes the prompt; `thinking` deltas are the model's scratchpad.
      return { events: [] };
  }
}

function systemEvents(cli: StreamFormat, value: unknown): RunnerEventInput[] {
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
  const attempt = line.attempt !== undefined ? ` (retry ${line.attempt}${line.max_retries !== undefined ? ` of ${line.max_retries}` : ""})` : "";
  const wait = line.retry_delay_ms !== undefined ? `, next try in ${Math.round(line.retry_delay_ms)} ms` : "";
  return { type: "log", level: "warn", message: `model API request failed: ${status}${attempt}${wait}` };
}

function claudeMessageEvents(value: unknown): RunnerEventInput[] {
  const parsed = messageLine.safeParse(value);
  if (!parsed.success || typeof parsed.data.message.content === "string") return [];
  const events: RunnerEventInput[] = [];
  for (const raw of parsed.data.message.content) {
    const text = textBlock.safeParse(raw);
    if (text.success && parsed.data.type === "assistant") {
      if (text.data.text.trim()) events.push({ type: "assistant_text", text: text.data.text });
      continue;
    }
    const use = toolUseBlock.safeParse(raw);
    if (use.success) {
      events.push({ type: "tool_call", id: use.data.id, name: use.data.name, input: use.data.input ?? {} });
      continue;
    }
    const result = toolResultBlock.safeParse(raw);
    if (result.success) {
      events.push({
        type: "tool_result",
        id: result.data.tool_use_id,
        output: stringifyContent(result.data.content),
        isError: result.data.is_error ?? false,
      });
    }
  }
  return events;
}

function cursorToolEvents(value: unknown): RunnerEventInput[] {
  const parsed = cursorToolLine.safeParse(value);
  if (!parsed.success) return [];
  const entry = Object.entries(parsed.data.tool_call)[0];
  if (!entry) return [];
  const [key, call] = entry;
  const id = parsed.data.call_id;
  const fn = key === "function" ? cursorFunction.safeParse(call) : undefined;
  const name = fn?.success ? fn.data.name : cursorToolName(key, call.args);
  if (parsed.data.subtype === "started") {
    const input = fn?.success ? parseMaybeJson(fn.data.arguments) : (call.args ?? {});
    return [{ type: "tool_call", id, name, input }];
  }
  if (parsed.data.subtype === "completed") {
    const outcome = cursorOutcome.safeParse(call.result);
    if (!outcome.success) return [{ type: "tool_result", id, output: stringifyContent(call.result), isError: false }];
    const { success, error, rejected, failure } = outcome.data;
    if (success !== undefined) return [{ type: "tool_result", id, output: cursorSuccessText(success), isError: false }];
    return [{ type: "tool_result", id, output: stringifyContent(error ?? rejected ?? failure ?? outcome.data), isError: true }];
  }
  return [];
}

/** `readToolCall` → `read`; MCP calls are named after their server and tool. */
function cursorToolName(key: string, args: unknown): string {
  if (key === "mcpToolCall" && args && typeof args === "object") {
    const a = args as Record<string, unknown>;
    const tool = typeof a.toolName === "string" ? a.toolName : typeof a.name === "string" ? a.name : undefined;
    const server = typeof a.providerIdentifier === "string" ? a.providerIdentifier : undefined;
    if (tool) return server ? `mcp:${server}/${tool}` : `mcp:${tool}`;
  }
  return key.endsWith("ToolCall") ? key.slice(0, -"ToolCall".length) : key;
}

function cursorSuccessText(success: unknown): string {
  if (success && typeof success === "object") {
    const s = success as Record<string, unknown>;
    if (typeof s.content === "string") return s.content;
    if (typeof s.stdout === "string" || typeof s.stderr === "string") {
      const out = [s.stdout, s.stderr].filter((part) => typeof part === "string" && part !== "").join("\n");
      return typeof s.exitCode === "number" ? `${out}${out ? "\n" : ""}(exit ${s.exitCode})` : out;
    }
  }
  return stringifyContent(success);
}

function resultOf(value: unknown): Parsed {
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
    },
  };
}

/** Every input token the model read: fresh, written to the prompt cache, and read from it. */
function inputTokens(usage: z.infer<typeof resultLine>["usage"]): number | undefined {
  const fresh = usage?.input_tokens ?? usage?.inputTokens;
  if (fresh === undefined) return undefined;
  return fresh + (usage?.cache_creation_input_tokens ?? 0) + (usage?.cache_read_input_tokens ?? 0);
}

function textOf(content: string | z.infer<typeof block>[]): string {
  if (typeof content === "string") return content;
  return content
    .map((b) => textBlock.safeParse(b))
    .filter((b) => b.success)
    .map((b) => b.data.text)
    .join("");
}

/** Tool output as text: strings as they are, text blocks joined, anything else as JSON. */
function stringifyContent(content: unknown): string {
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

function parseMaybeJson(value: unknown): unknown {
  if (typeof value !== "string") return value ?? {};
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return value;
  }
}
