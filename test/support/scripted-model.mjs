// A scripted stand-in for the Anthropic Messages API, for running the real Claude Code CLI
// without a model (ANTHROPIC_BASE_URL=<url>). It answers what the CLI sends:
//   POST /v1/messages                streaming (SSE) or not
//   POST /v1/messages/count_tokens   a token estimate
// and records every request so a test can assert what the model received (in process, or from
// another one with GET /_requests; DELETE /_requests forgets them).
//
// The wire format follows Anthropic's Messages API reference, "Streaming messages": an SSE
// stream of `message_start`, then per content block `content_block_start` / `content_block_delta`
// (`text_delta` for text, `input_json_delta` for tool_use input) / `content_block_stop`, then
// `message_delta` (stop_reason, usage) and `message_stop`; errors are
// `{"type":"error","error":{"type":…,"message":…}}` with 429 (rate_limit_error, retry-after),
// 500 (api_error) or 529 (overloaded_error).
//
// A script decides the answers. `script(request)` returns a list of turns, or undefined for
// requests it does not own (the CLI's side requests: titles, summaries); the answer to the
// main conversation is turn[k], where k is the number of assistant messages since its latest
// prompt (a resumed session's request carries the earlier turns first) — so a retried request gets the same turn, and concurrent runs (each with its own
// script, picked by a prompt marker or the `Primary working directory: …` the CLI states)
// never mix. A turn:
//   { text: "…" }                                     answer, stop_reason end_turn
//   { tool: "Bash", input: { command: "ls" } }        call a tool, stop_reason tool_use
//   { tools: [{ tool, input }, …], text? }            several calls in one message
//   { error: 529 | 429 | 500, times?: n, retryAfter? } answer with an API error (n times, then
//                                                      fall through to `then`, or for ever)
//   { hang: true }                                    start the stream and never finish it
//   { blocks: [{ text }…], intervalMs }               text blocks sent intervalMs apart
//   { repeat: turn }                                  answer every later request with `turn`
//   (request) => turn                                 a turn made from the request it answers
//                                                      (say, from the tool result it carries)
// Any turn may carry `usage: { input_tokens, output_tokens }` (else an estimate from the
// request's size) and `delayMs` before it answers. Past the last turn the answer is "Done.".
// In streamed text, `{{emitted_at}}` becomes the moment the block is sent (Date.now()).
import { createServer } from "node:http";

const MAIN_MARKER = /Primary working directory/;

/**
 * @param {{ port?: number, script?: (request: ModelRequest) => Turn[] | undefined, sideAnswer?: string }} [options]
 */
export async function startScriptedModel({ port = 0, script = () => undefined, sideAnswer = "ok" } = {}) {
  /** @type {ModelRequest[]} */
  const requests = [];
  const errorsServed = new Map();
  const open = new Set();
  let currentScript = script;

  const server = createServer(async (req, res) => {
    const chunks = [];
    for await (const chunk of req) chunks.push(chunk);
    const raw = Buffer.concat(chunks).toString("utf8");
    let body;
    try {
      body = raw ? JSON.parse(raw) : undefined;
    } catch {
      return sendError(res, 400, "invalid_request_error", "request body is not JSON");
    }
    const url = new URL(req.url ?? "/", "http://model.local");
    // For another process (an end-to-end test of `npm run dev`): what the model has received.
    if (url.pathname === "/_requests") {
      if (req.method === "DELETE") requests.length = 0;
      return sendJson(res, 200, req.method === "DELETE" ? { cleared: true } : requests);
    }
    /** @type {ModelRequest} */
    const request = { method: req.method ?? "GET", path: url.pathname, headers: req.headers, body, receivedAt: Date.now() };
    requests.push(request);

    if (req.method === "POST" && url.pathname === "/v1/messages/count_tokens") {
      return sendJson(res, 200, { input_tokens: estimateTokens(raw) });
    }
    if (req.method !== "POST" || url.pathname !== "/v1/messages") {
      return sendError(res, 404, "not_found_error", `the scripted model does not serve ${req.method} ${url.pathname}`);
    }

    const turns = isMainConversation(body) ? currentScript(request) : undefined;
    const index = (body?.messages ?? []).slice(promptIndex(body)).filter((m) => m.role === "assistant").length;
    request.turn = turns ? index : undefined;
    let turn = turns ? pickTurn(turns, index) : { text: sideAnswer };
    if (typeof turn === "function") turn = turn(request);

    if (turn.error) {
      const key = `${turnKey(body)}#${index}`;
      const served = errorsServed.get(key) ?? 0;
      if (turn.times === undefined || served < turn.times) {
        errorsServed.set(key, served + 1);
        return sendApiError(res, turn);
      }
      turn = turn.then ?? { text: "Done." };
    }
    if (turn.delayMs) await sleep(turn.delayMs);
    const message = messageOf(turn, body, raw);
    request.answer = message;
    if (!body?.stream) return sendJson(res, 200, message);
    open.add(res);
    res.on("close", () => open.delete(res));
    await stream(res, message, turn);
  });

  await new Promise((resolve) => server.listen(port, "127.0.0.1", resolve));
  const address = server.address();
  const url = `http://127.0.0.1:${typeof address === "object" && address ? address.port : port}`;
  return {
    url,
    requests,
    /** The requests of the main conversation (those a script answered), in order. */
    conversation: () => requests.filter((r) => r.turn !== undefined),
    setScript(next) {
      currentScript = next;
    },
    clear() {
      requests.length = 0;
      errorsServed.clear();
    },
    async stop() {
      for (const res of open) res.destroy();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(() => resolve(undefined)));
    },
  };
}

/**
 * The CLI's agent loop states its working directory (in a `system` turn of the messages, in
 * Claude Code 2.1) and offers tools; its side requests do neither.
 */
export function isMainConversation(body) {
  return Array.isArray(body?.tools) && body.tools.length > 0 && MAIN_MARKER.test(`${systemText(body)}\n${messagesText(body)}`);
}

export function systemText(body) {
  const system = body?.system;
  if (typeof system === "string") return system;
  if (Array.isArray(system)) return system.map((block) => block?.text ?? "").join("\n");
  return "";
}

/** All text of the request's messages (user prompts, tool results), for matching markers. */
export function messagesText(body) {
  const parts = [];
  const walk = (value) => {
    if (typeof value === "string") parts.push(value);
    else if (Array.isArray(value)) value.forEach(walk);
    else if (value && typeof value === "object") {
      if (typeof value.text === "string") parts.push(value.text);
      if (value.content !== undefined) walk(value.content);
    }
  };
  for (const message of body?.messages ?? []) walk(message.content);
  return parts.join("\n");
}

/**
 * Where the current prompt is among the messages: the last user message of its own (no tool
 * results) that names a `[fake:…]` switch, else the first user message. A first turn has one
 * prompt; a resumed session's request carries the earlier turns' messages before the new one.
 */
function promptIndex(body) {
  const messages = body?.messages ?? [];
  const ownText = (m) =>
    m.role === "user" &&
    !(Array.isArray(m.content) && m.content.some((b) => b?.type === "tool_result")) &&
    /\[fake:/.test(messagesText({ messages: [m] }));
  const named = messages.findLastIndex(ownText);
  return named >= 0
    ? named
    : Math.max(
        0,
        messages.findIndex((m) => m.role === "user"),
      );
}

/** The text of the current prompt: the task's prompt (after the CLI's own reminders), or a resumed session's new one. */
export function promptText(body) {
  const prompt = (body?.messages ?? [])[promptIndex(body)];
  return prompt?.role === "user" ? messagesText({ messages: [prompt] }) : "";
}

/** The working directory the CLI states in its system prompt. */
export function workingDirectory(body) {
  return /Primary working directory:\s*(\S+)/.exec(`${systemText(body)}\n${messagesText(body)}`)?.[1];
}

/** The tool_result blocks in the request's last user message (a `system` turn may follow it). */
export function lastToolResults(body) {
  const last = (body?.messages ?? []).findLast((m) => m.role === "user");
  if (!last || !Array.isArray(last.content)) return [];
  return last.content.filter((block) => block?.type === "tool_result");
}

function pickTurn(turns, index) {
  for (let i = 0; i < turns.length && i <= index; i++) {
    if (turns[i].repeat) return turns[i].repeat;
  }
  return turns[index] ?? { text: "Done." };
}

/** Errors are counted per conversation (its first user message) and turn, so retries see the same script. */
function turnKey(body) {
  return `${promptText(body).slice(0, 500)}|${workingDirectory(body)}`;
}

let ids = 0;
function nextId(prefix) {
  ids += 1;
  return `${prefix}_scripted${String(ids).padStart(12, "0")}`;
}

function messageOf(turn, body, raw) {
  const content = [];
  if (turn.blocks) content.push(...turn.blocks.map((block) => ({ type: "text", text: block.text })));
  if (turn.text !== undefined && !turn.tool && !turn.tools) content.push({ type: "text", text: turn.text });
  if (turn.tools && turn.text) content.push({ type: "text", text: turn.text });
  const calls = turn.tools ?? (turn.tool ? [{ tool: turn.tool, input: turn.input }] : []);
  for (const call of calls) content.push({ type: "tool_use", id: nextId("toolu"), name: call.tool, input: call.input ?? {} });
  if (content.length === 0) content.push({ type: "text", text: "Done." });
  const usage = { input_tokens: estimateTokens(raw), output_tokens: Math.max(1, estimateTokens(JSON.stringify(content))), ...turn.usage };
  return {
    id: nextId("msg"),
    type: "message",
    role: "assistant",
    model: body?.model ?? "claude-scripted",
    content,
    stop_reason: calls.length ? "tool_use" : "end_turn",
    stop_sequence: null,
    usage,
  };
}

async function stream(res, message, turn) {
  res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache", "request-id": nextId("req") });
  const send = (event, data) => res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  const { usage } = message;
  send("message_start", {
    type: "message_start",
    message: { ...message, content: [], stop_reason: null, usage: { input_tokens: usage.input_tokens, output_tokens: 1 } },
  });
  if (turn.hang) {
    send("ping", { type: "ping" });
    return; // The stream stays open until the client goes away.
  }
  for (const [index, block] of message.content.entries()) {
    if (index > 0 && turn.intervalMs) await sleep(turn.intervalMs);
    if (block.type === "text") {
      const text = block.text.replaceAll("{{emitted_at}}", String(Date.now()));
      send("content_block_start", { type: "content_block_start", index, content_block: { type: "text", text: "" } });
      send("content_block_delta", { type: "content_block_delta", index, delta: { type: "text_delta", text } });
    } else {
      send("content_block_start", {
        type: "content_block_start",
        index,
        content_block: { type: "tool_use", id: block.id, name: block.name, input: {} },
      });
      const json = JSON.stringify(block.input);
      // Two deltas, as the API splits input JSON at arbitrary points.
      const cut = Math.floor(json.length / 2);
      send("content_block_delta", {
        type: "content_block_delta",
        index,
        delta: { type: "input_json_delta", partial_json: json.slice(0, cut) },
      });
      send("content_block_delta", {
        type: "content_block_delta",
        index,
        delta: { type: "input_json_delta", partial_json: json.slice(cut) },
      });
    }
    send("content_block_stop", { type: "content_block_stop", index });
  }
  send("message_delta", {
    type: "message_delta",
    delta: { stop_reason: message.stop_reason, stop_sequence: null },
    usage: { output_tokens: usage.output_tokens },
  });
  send("message_stop", { type: "message_stop" });
  res.end();
}

const API_ERRORS = {
  429: { type: "rate_limit_error", message: "Number of request tokens has exceeded your per-minute rate limit" },
  500: { type: "api_error", message: "Internal server error" },
  529: { type: "overloaded_error", message: "Overloaded" },
};

function sendApiError(res, turn) {
  const known = API_ERRORS[turn.error] ?? API_ERRORS[500];
  const headers = turn.error === 429 ? { "retry-after": String(turn.retryAfter ?? 1) } : {};
  sendError(res, turn.error, known.type, turn.message ?? known.message, headers);
}

function sendError(res, status, type, message, headers = {}) {
  sendJson(res, status, { type: "error", error: { type, message } }, headers);
}

function sendJson(res, status, value, headers = {}) {
  const text = JSON.stringify(value);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text), ...headers });
  res.end(text);
}

/** About four characters a token: deterministic, and in the range real requests have. */
function estimateTokens(text) {
  return Math.max(1, Math.ceil(Buffer.byteLength(text ?? "") / 4));
}

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * @typedef {{ method: string, path: string, headers: import("node:http").IncomingHttpHeaders, body: any, receivedAt: number, turn?: number, answer?: any }} ModelRequest
 * @typedef {Record<string, any>} Turn
 */
