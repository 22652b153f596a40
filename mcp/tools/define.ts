// The shape every MCP tool module uses: a zod input schema, whether the tool
// writes, which resources its arguments reach, and a `run` that returns data or
// throws. `registerTools` adds the scope checks and turns every failure into a
// tool result the model can read (`isError: true`), so a vendor error never
// becomes a protocol error or a crash.
import type { CallToolResult, McpServer } from "@modelcontextprotocol/server";
import type { z } from "zod";
import { errorMessage } from "../../core/error-message";
import type { McpPrincipal, McpResourceScope, McpServerName } from "../../core/mcp-scopes";
import type { Config } from "../../workers/config";
import { logLine, redact } from "../../workers/observability/log";
import { VendorApiError } from "../../workers/threads/types";
import type { ScopeCheck } from "./scope";

export interface ToolContext {
  env: Env;
  config: Config;
  principal: McpPrincipal;
  server: McpServerName;
}

export interface ToolDefinition<S extends z.ZodObject = z.ZodObject> {
  name: string;
  title: string;
  description: string;
  input: S;
  /** Write tools need the token's `write` access. */
  write?: boolean;
  /**
   * Whether a scoped token (a task's) may make this call: undefined, or a refusal naming the
   * scope (helpers in ./scope.ts). Required, so that no tool forgets to decide.
   */
  reaches(args: z.output<S>, scope: McpResourceScope): ScopeCheck;
  /**
   * Gets the arguments as `input` parsed them. A method, so that a list of tools with
   * different schemas is a `ToolDefinition[]`; `tool()` types each one's arguments.
   */
  run(args: z.output<S>, ctx: ToolContext): Promise<unknown>;
}

/** Keeps each definition's argument type tied to its own schema. */
export function tool<S extends z.ZodObject>(definition: ToolDefinition<S>): ToolDefinition<S> {
  return definition;
}

/** A tool failure the caller can act on: a missing scope, an unknown id, a bad argument. */
export class ToolError extends Error {
  constructor(
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = "ToolError";
  }
}

function textResult(data: unknown): CallToolResult {
  return { content: [{ type: "text", text: typeof data === "string" ? data : JSON.stringify(data, null, 2) }] };
}

/** A failure as a tool result: a message for the model, and the same facts as structured content. */
export function errorResult(message: string, details: Record<string, unknown> = {}): CallToolResult {
  return { isError: true, content: [{ type: "text", text: message }], structuredContent: { error: { message, ...details } } };
}

export function toErrorResult(error: unknown, ctx: ToolContext, toolName: string): CallToolResult {
  if (error instanceof ToolError) return errorResult(error.message, error.details);
  if (error instanceof VendorApiError) {
    // 4xx is the vendor's final answer; 5xx, 429 and network failures may succeed when retried.
    const wait = error.retryAfterSeconds !== undefined ? ` Retry after ${error.retryAfterSeconds}s.` : "";
    const hint = error.retryable ? ` This is temporary; retrying may succeed.${wait}` : "";
    return errorResult(`${error.message}.${hint}`, {
      vendor: error.vendor,
      status: error.status,
      retryable: error.retryable,
      ...(error.retryAfterSeconds !== undefined && { retryAfterSeconds: error.retryAfterSeconds }),
    });
  }
  const message = redact(errorMessage(error), ctx.config);
  logLine("error", { kind: "mcp_tool_failed", server: ctx.server, tool: toolName, tokenId: ctx.principal.tokenId, error: message });
  return errorResult(`${toolName} failed: ${message}`, { retryable: false });
}

export function registerTools(server: McpServer, ctx: ToolContext, tools: readonly ToolDefinition[]): void {
  for (const definition of tools) registerTool(server, ctx, definition);
}

function registerTool(server: McpServer, ctx: ToolContext, definition: ToolDefinition): void {
  server.registerTool(
    definition.name,
    {
      title: definition.title,
      description: definition.write ? `${definition.description} Needs the "${ctx.server}:write" scope.` : definition.description,
      inputSchema: definition.input,
      annotations: { readOnlyHint: !definition.write, openWorldHint: ctx.server !== "agent-bot" },
    },
    async (args) => {
      if (definition.write && ctx.principal.access !== "write") {
        return errorResult(`${definition.name} needs the "${ctx.server}:write" scope; this token has "${ctx.server}:read" only.`, {
          requiredScope: `${ctx.server}:write`,
          retryable: false,
        });
      }
      const scope = ctx.principal.scope;
      const refusal = scope ? definition.reaches(args, scope) : undefined;
      if (refusal) return errorResult(refusal, { outOfScope: true, retryable: false });
      try {
        return textResult(await definition.run(args, ctx));
      } catch (error) {
        return toErrorResult(error, ctx, definition.name);
      }
    },
  );
}
