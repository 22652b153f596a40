// Claude Code's stream-json dialect → protocol events (shared line handling in stream-json.ts).
//
// Claude Code (`claude -p --output-format stream-json --verbose`), from the
// headless-mode / Agent SDK docs (docs.anthropic.com/en/docs/claude-code/sdk,
// "Streaming JSON output"; SDKMessage types):
//   {"type":"system","subtype":"init","session_id","model","cwd","tools":[…],"mcp_servers":[{"name","status"}],"permissionMode"}
//   {"type":"assistant","message":{"content":[{"type":"text","text"} | {"type":"tool_use","id","name","input"} | {"type":"thinking",…}]},"parent_tool_use_id","session_id"}
//   {"type":"user","message":{"content":[{"type":"tool_result","tool_use_id","content": string | [{"type":"text","text"}],"is_error"}]}}
//   {"type":"result","subtype":"success" | "error_max_turns" | "error_during_execution","is_error","result","duration_ms",
//    "num_turns","total_cost_usd","usage":{"input_tokens","output_tokens",…},"session_id"}
import { z } from "zod";
import type { RunnerEventInput } from "../../core/runner-protocol";
import { lineParser, messageLine, stringifyContent, textBlock } from "./stream-json";

const toolUseBlock = z.object({ type: z.literal("tool_use"), id: z.string().optional(), name: z.string(), input: z.unknown() });
const toolResultBlock = z.object({
  type: z.literal("tool_result"),
  tool_use_id: z.string().optional(),
  content: z.unknown(),
  is_error: z.boolean().optional(),
});

export const parseClaudeLine = lineParser("claude", (type, value) =>
  type === "assistant" || type === "user" ? claudeMessageEvents(value) : undefined,
);

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
