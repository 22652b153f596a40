// Shared by the MCP vendor tests: a client connected to one server through the
// same createMcpHandler the McpHost serves with (settings of the test's own), and
// readers for tool results.
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { createMcpHandler } from "agents/mcp/server";
import { env } from "cloudflare:workers";
import { afterEach, beforeEach, expect, vi } from "vitest";
import type { McpPrincipal, McpServerName } from "../../core/mcp-scopes";
import { buildServer } from "../../mcp/servers";
import { getConfig, type Config } from "../../workers/config";

export async function connectMcp(
  server: McpServerName,
  access: "read" | "write",
  settings: Partial<Config>,
  /** A task token's fields (`taskId`, `scope`); unscoped unless given. */
  overrides: Partial<McpPrincipal> = {},
): Promise<Client> {
  const principal: McpPrincipal = {
    tokenId: "mtk_test",
    name: "test",
    servers: [server],
    access,
    expiresAt: Date.now() + 60_000,
    taskId: null,
    scope: null,
    ...overrides,
  };
  const config = { ...getConfig(env), ...settings };
  const handler = createMcpHandler(() => buildServer({ env, config, principal, server }), { route: `/mcp/${server}` });
  const client = new Client({ name: `${server}-test`, version: "1.0.0" });
  await client.connect(
    new StreamableHTTPClientTransport(new URL(`http://agent-bot.test/mcp/${server}`), {
      fetch: (url, init) => handler.fetch(new Request(url, init)),
    }),
  );
  return client;
}

export const text = (result: unknown) => (result as { content: { text: string }[] }).content.map((c) => c.text).join("");
export const json = (result: unknown) => JSON.parse(text(result));

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  body: unknown;
}

export interface FakeAnswer {
  status?: number;
  /** JSON body; without one the answer is empty (204 unless `status` says otherwise). */
  body?: unknown;
}

/**
 * A vendor API at `host` for one test file: every request is recorded, answered from
 * `answers` ("METHOD /path"), and any request it was not told to expect fails the test.
 * Registers its own beforeEach/afterEach, so call it at the top level of the file.
 */
export function fakeVendorApi(host: string, name: string) {
  const fake = { calls: [] as RecordedRequest[], answers: new Map<string, FakeAnswer>(), unexpected: [] as string[] };
  beforeEach(() => {
    fake.calls.length = 0;
    fake.answers.clear();
    fake.unexpected.length = 0;
    vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
      const request = new Request(input, init);
      const url = new URL(request.url);
      if (url.host !== host) throw new TypeError(`unexpected request in test: ${request.method} ${request.url}`);
      const raw = request.method === "GET" ? "" : await request.text();
      fake.calls.push({
        method: request.method,
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        headers: Object.fromEntries(request.headers),
        body: raw ? JSON.parse(raw) : undefined,
      });
      const answer = fake.answers.get(`${request.method} ${url.pathname}`);
      if (!answer) {
        fake.unexpected.push(`${request.method} ${url.pathname}`);
        throw new TypeError(`unexpected request to the fake ${name}: ${request.method} ${url.pathname}`);
      }
      if (answer.body === undefined) return new Response(null, { status: answer.status ?? 204 });
      return Response.json(answer.body, { status: answer.status ?? 200 });
    });
  });
  afterEach(() => {
    expect(fake.unexpected).toEqual([]);
    vi.restoreAllMocks();
  });
  return fake;
}
