import type { IncomingHttpHeaders } from "node:http";

/** One request the scripted model received. */
export interface ModelRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  // The Messages API request body as the CLI sent it.
  body: any;
  receivedAt: number;
  /** The turn a script answered with; undefined for side requests and other endpoints. */
  turn?: number;
  /** The message it answered with (errors and hung streams have none). */
  answer?: {
    content: { type: string; [key: string]: unknown }[];
    usage: { input_tokens: number; output_tokens: number };
    stop_reason: string;
  };
}

export type ToolCall = { tool: string; input?: unknown };

export type Turn =
  | { text: string; usage?: Usage; delayMs?: number }
  | { tool: string; input?: unknown; usage?: Usage; delayMs?: number }
  | { tools: ToolCall[]; text?: string; usage?: Usage; delayMs?: number }
  | { error: 429 | 500 | 529; times?: number; retryAfter?: number; message?: string; then?: Turn }
  | { hang: true }
  | { blocks: { text: string }[]; intervalMs?: number; usage?: Usage }
  | { repeat: Turn }
  | ((request: ModelRequest) => Turn);

export type Usage = { input_tokens?: number; output_tokens?: number };

export type Script = (request: ModelRequest) => Turn[] | undefined;

export interface ScriptedModel {
  /** http://127.0.0.1:<port>: the CLI's ANTHROPIC_BASE_URL. */
  url: string;
  requests: ModelRequest[];
  /** The requests of the main conversation (those a script answered), in order. */
  conversation(): ModelRequest[];
  setScript(script: Script): void;
  clear(): void;
  stop(): Promise<void>;
}

export function startScriptedModel(options?: { port?: number; script?: Script; sideAnswer?: string }): Promise<ScriptedModel>;
export function isMainConversation(body: any): boolean;
export function systemText(body: any): string;
export function messagesText(body: any): string;
export function promptText(body: any): string;
export function workingDirectory(body: any): string | undefined;
export function lastToolResults(body: any): { type: "tool_result"; tool_use_id: string; content: unknown; is_error?: boolean }[];
