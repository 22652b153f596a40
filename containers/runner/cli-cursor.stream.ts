// The Cursor CLI's stream-json dialect → protocol events (shared line handling in stream-json.ts).
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
import type { RunnerEventInput } from "../../core/runner-protocol";
import { lineParser, messageLine, parseMaybeJson, stringifyContent, textOf } from "./stream-json";

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

export const parseCursorLine = lineParser("cursor", (type, value) => {
  if (type === "assistant") {
    const parsed = messageLine.safeParse(value);
    if (!parsed.success) return [];
    const text = textOf(parsed.data.message.content);
    return text ? [{ type: "assistant_text", text }] : [];
  }
  if (type === "tool_call") return cursorToolEvents(value);
  // `user` echoes the prompt; `thinking` deltas are the model's scratchpad.
  return undefined;
});

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
