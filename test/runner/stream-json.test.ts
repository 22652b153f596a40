// The stream-json parsers on recorded lines of both CLIs (test/fixtures/fake-cli/traces),
// fed whole, byte by byte and in random chunks, with garbage mixed in.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseClaudeLine } from "../../containers/runner/cli-claude.stream";
import { parseCursorLine } from "../../containers/runner/cli-cursor.stream";
import { createStreamParser, type CliFinal } from "../../containers/runner/stream-json";
import { LineSplitter } from "../../core/line-splitter";
import type { RunnerEventInput } from "../../core/runner-protocol";

const TRACES = join(import.meta.dirname, "../fixtures/fake-cli/traces");

function traceText(name: string): string {
  const vars: Record<string, unknown> = { cwd: "/work/repo", session_id: "s-1", prompt: "the prompt", canary: "CANARY", mcp_servers: [] };
  const fill = (value: unknown): unknown => {
    if (typeof value === "string") {
      const whole = /^\{\{(\w+)\}\}$/.exec(value);
      if (whole?.[1] && typeof vars[whole[1]] !== "string" && vars[whole[1]] !== undefined) return vars[whole[1]];
      return value.replace(/\{\{(\w+)\}\}/g, (all, key: string) => (typeof vars[key] === "string" ? (vars[key] as string) : all));
    }
    if (Array.isArray(value)) return value.map(fill);
    if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fill(v)]));
    return value;
  };
  return readFileSync(join(TRACES, `${name}.jsonl`), "utf8")
    .split("\n")
    .filter((line) => line.trim())
    .map((line) => `${JSON.stringify(fill(JSON.parse(line)))}\n`)
    .join("");
}

const DIALECTS = { claude: parseClaudeLine, cursor: parseCursorLine };

function parseAll(format: keyof typeof DIALECTS, chunks: string[]): { events: RunnerEventInput[]; final?: CliFinal } {
  const parser = createStreamParser(DIALECTS[format]);
  const events: RunnerEventInput[] = [];
  let final: CliFinal | undefined;
  for (const chunk of [...chunks.map((c) => parser.push(c)), parser.end()]) {
    events.push(...chunk.events);
    if (chunk.final) final = chunk.final;
  }
  return { events, final };
}

function randomChunks(text: string, seed: number): string[] {
  const chunks: string[] = [];
  let state = seed;
  for (let i = 0; i < text.length; ) {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    const size = 1 + (state % 97);
    chunks.push(text.slice(i, i + size));
    i += size;
  }
  return chunks;
}

describe("Claude Code stream-json", () => {
  const text = traceText("claude");

  it("turns assistant text, tool_use and tool_result into events, and the result line into cost, tokens and duration", () => {
    const { events, final } = parseAll("claude", [text]);
    expect(events).toEqual([
      { type: "log", level: "info", message: "claude session started; session s-1; model claude-sonnet-4-5-20250929" },
      { type: "assistant_text", text: "I'll start by looking at what is in the working directory." },
      {
        type: "tool_call",
        id: "toolu_01HqJ3kLmN5pQ7rS9tU1vW3x",
        name: "Bash",
        input: { command: "ls -la", description: "List files in the working directory" },
      },
      { type: "tool_result", id: "toolu_01HqJ3kLmN5pQ7rS9tU1vW3x", output: expect.stringContaining("README.md"), isError: false },
      { type: "assistant_text", text: "The repository holds a single README. Nothing needs to change for this request." },
    ]);
    expect(final).toEqual({
      isError: false,
      subtype: "success",
      summary: "The repository holds a single README. Nothing needs to change for this request.",
      costUsd: 0.0421,
      // input_tokens + cache_creation_input_tokens + cache_read_input_tokens of the result line.
      inputTokens: 13730,
      outputTokens: 310,
      durationMs: 8123,
      // The session the next turn resumes.
      sessionId: "s-1",
    });
  });

  it("names the session from the init line, and drops a session id that could not be a file name", () => {
    const init = (id: string) => JSON.stringify({ type: "system", subtype: "init", session_id: id, model: "m" });
    const parser = createStreamParser(parseClaudeLine);
    expect(parser.push(`${init("0b4c2f4e-1d2a-4c7b-9e3f-5a6b7c8d9e0f")}\n`).sessionId).toBe("0b4c2f4e-1d2a-4c7b-9e3f-5a6b7c8d9e0f");
    expect(parseClaudeLine(init("../../etc/passwd")).sessionId).toBeUndefined();
    const result = JSON.stringify({ type: "result", subtype: "success", result: "ok", session_id: "a/b" });
    expect(parseClaudeLine(result).final?.sessionId).toBeUndefined();
  });

  it("gives the same events whatever the chunking (partial lines are buffered)", () => {
    const whole = parseAll("claude", [text]);
    expect(parseAll("claude", [...text])).toEqual(whole);
    for (const seed of [1, 7, 42]) expect(parseAll("claude", randomChunks(text, seed))).toEqual(whole);
  });

  it("reads tool results given as text blocks, and an is_error result as a failure", () => {
    const write = parseAll("claude", [traceText("claude-write")]);
    expect(write.events.filter((e) => e.type === "tool_result").map((e) => e.type === "tool_result" && e.output)).toEqual([
      "File created successfully at: /work/repo/agent-notes.md",
      "The file /work/repo/README.md has been updated.",
    ]);
    const fail = parseAll("claude", [traceText("claude-fail")]);
    expect(fail.final).toMatchObject({ isError: true, summary: expect.stringContaining("API Error: 529"), costUsd: 0.0034 });
  });

  it("reads an error subtype without result text", () => {
    const line = JSON.stringify({
      type: "result",
      subtype: "error_max_turns",
      is_error: true,
      duration_ms: 10,
      num_turns: 5,
      total_cost_usd: 0.5,
      usage: { input_tokens: 3, output_tokens: 4 },
    });
    expect(parseClaudeLine(line).final).toEqual({
      isError: true,
      subtype: "error_max_turns",
      summary: "error_max_turns",
      costUsd: 0.5,
      inputTokens: 3,
      outputTokens: 4,
      durationMs: 10,
    });
  });

  it("surfaces non-JSON lines as logs, skips unknown types and never throws on garbage", () => {
    const garbage = [
      "Warning: something on stdout\n",
      "{not json\n",
      "42\n",
      "null\n",
      '{"type":"stream_event","event":{}}\n',
      '{"type":"assistant","message":{"content":"just a string"}}\n',
      '{"type":"assistant","message":{"content":[{"type":"thinking","thinking":"hm"},{"type":"tool_use"}]}}\n',
      '{"type":"user","message":{"content":[{"type":"tool_result","tool_use_id":"t1","content":[{"type":"text","text":"a"},{"type":"image","source":{}}]}]}}\n',
      '{"type":"result"}\n',
      "\n\r\n",
    ];
    const { events, final } = parseAll("claude", garbage);
    expect(events).toEqual([
      { type: "log", level: "info", message: "Warning: something on stdout" },
      { type: "log", level: "info", message: "{not json" },
      { type: "log", level: "info", message: "42" },
      { type: "log", level: "info", message: "null" },
      { type: "tool_result", id: "t1", output: "a\n[image]", isError: false },
    ]);
    expect(final).toEqual({
      isError: false,
      summary: "",
      subtype: undefined,
      costUsd: undefined,
      inputTokens: undefined,
      outputTokens: undefined,
      durationMs: undefined,
    });
  });

  it("keeps an unterminated last line and reports it at the end", () => {
    const parser = createStreamParser(parseClaudeLine);
    expect(parser.push('{"type":"assistant","message":{"content":[{"type":"text","text":"hi"}]}}').events).toEqual([]);
    expect(parser.end().events).toEqual([{ type: "assistant_text", text: "hi" }]);
    const crash = createStreamParser(parseClaudeLine);
    crash.push('{"type":"assistant","mess');
    expect(crash.end().events).toEqual([{ type: "log", level: "info", message: '{"type":"assistant","mess' }]);
  });
});

describe("Cursor stream-json", () => {
  const text = traceText("cursor");

  it("maps assistant lines, tool_call started/completed and the result; skips user echo and thinking", () => {
    const { events, final } = parseAll("cursor", [text]);
    expect(events).toEqual([
      { type: "log", level: "info", message: "cursor session started; session s-1; model Claude 4.5 Sonnet" },
      { type: "assistant_text", text: "I'll read the README first." },
      { type: "tool_call", id: "toolu_vrtx_01AbCdEfGh", name: "read", input: { path: "README.md" } },
      { type: "tool_result", id: "toolu_vrtx_01AbCdEfGh", output: "# demo\n\nA repository for tests.\n", isError: false },
      { type: "tool_call", id: "toolu_vrtx_02IjKlMnOp", name: "shell", input: expect.objectContaining({ command: "ls -a" }) },
      { type: "tool_result", id: "toolu_vrtx_02IjKlMnOp", output: ".\n..\n.git\nREADME.md\n\n(exit 0)", isError: false },
      { type: "assistant_text", text: "The repository holds a single README. Nothing needs to change for this request." },
    ]);
    expect(final).toEqual({
      isError: false,
      subtype: "success",
      summary: "I'll read the README first.The repository holds a single README. Nothing needs to change for this request.",
      costUsd: undefined,
      inputTokens: undefined,
      outputTokens: undefined,
      durationMs: 5230,
      sessionId: "s-1",
    });
  });

  it("gives the same events whatever the chunking", () => {
    const whole = parseAll("cursor", [text]);
    expect(parseAll("cursor", [...text])).toEqual(whole);
    for (const seed of [3, 11]) expect(parseAll("cursor", randomChunks(text, seed))).toEqual(whole);
  });

  it("reads write results, function tool calls, MCP calls and errors", () => {
    const write = parseAll("cursor", [traceText("cursor-write")]);
    const writeResult = write.events.find((e) => e.type === "tool_result");
    expect(writeResult).toEqual({
      type: "tool_result",
      id: "toolu_vrtx_03QrStUvWx",
      output: '{"path":"/work/repo/agent-notes.md","linesCreated":3,"fileSize":31}',
      isError: false,
    });

    const fn = parseCursorLine(
      JSON.stringify({
        type: "tool_call",
        subtype: "started",
        call_id: "c1",
        tool_call: { function: { name: "grep", arguments: '{"pattern":"x"}' } },
      }),
    );
    expect(fn.events).toEqual([{ type: "tool_call", id: "c1", name: "grep", input: { pattern: "x" } }]);
    const mcp = parseCursorLine(
      JSON.stringify({
        type: "tool_call",
        subtype: "started",
        call_id: "c2",
        tool_call: { mcpToolCall: { args: { toolName: "get_issue", providerIdentifier: "github", args: { n: 1 } } } },
      }),
    );
    expect(mcp.events).toEqual([
      {
        type: "tool_call",
        id: "c2",
        name: "mcp:github/get_issue",
        input: { toolName: "get_issue", providerIdentifier: "github", args: { n: 1 } },
      },
    ]);
    const failed = parseCursorLine(
      JSON.stringify({
        type: "tool_call",
        subtype: "completed",
        call_id: "c3",
        tool_call: { readToolCall: { args: { path: "nope" }, result: { error: { errorMessage: "File not found" } } } },
      }),
    );
    expect(failed.events).toEqual([{ type: "tool_result", id: "c3", output: '{"errorMessage":"File not found"}', isError: true }]);
  });

  it("has no result line when Cursor fails, and survives garbage", () => {
    expect(parseAll("cursor", [traceText("cursor-fail")]).final).toBeUndefined();
    const { events } = parseAll("cursor", [
      "oops\n",
      '{"type":"tool_call","subtype":"started"}\n',
      '{"type":"tool_call","subtype":"completed","tool_call":{}}\n',
      "[1,2]\n",
    ]);
    expect(events).toEqual([
      { type: "log", level: "info", message: "oops" },
      { type: "log", level: "info", message: "[1,2]" },
    ]);
  });
});

describe("line splitter", () => {
  it("strips CR, keeps the tail and cuts a runaway line", () => {
    const splitter = new LineSplitter(10);
    expect(splitter.push("a\r\nb")).toEqual(["a"]);
    expect(splitter.push("c\n")).toEqual(["bc"]);
    expect(splitter.push("0123456789AB")).toEqual(["0123456789AB"]);
    expect(splitter.end()).toEqual([]);
  });
});
