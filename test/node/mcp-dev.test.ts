// The README's promise, checked for real: `npm run dev` (wrangler dev), a token
// issued through the API, and the official MCP SDK client in this Node process
// connecting to /mcp/github over HTTP, writing to the fake GitHub `npm run dev` starts.
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { devVars, freePort, startDevServer, type DevServer } from "../support/dev-server.mjs";

let server: DevServer;
let fakeVendors: string;
let apiToken: string;

beforeAll(async () => {
  const port = await freePort();
  fakeVendors = `http://127.0.0.1:${port}`;
  server = await startDevServer({ env: { FAKE_VENDORS_PORT: String(port) } });
  apiToken = devVars().API_TOKEN ?? "dev-api-token";
}, 120_000);

afterAll(async () => {
  await server?.stop();
}, 30_000);

async function issue(body: Record<string, unknown>): Promise<{ id: string; token: string }> {
  const res = await fetch(`${server.url}/api/mcp-tokens`, {
    method: "POST",
    headers: { authorization: `Bearer ${apiToken}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  expect(res.status).toBe(201);
  return (await res.json()) as { id: string; token: string };
}

describe("MCP against wrangler dev", { timeout: 60_000 }, () => {
  it("an SDK client connects with an issued token, lists tools and writes a comment", async () => {
    const { token } = await issue({ name: "node-client", servers: ["github"], access: "write" });
    const client = new Client({ name: "node-check", version: "1.0.0" });
    await client.connect(
      new StreamableHTTPClientTransport(new URL(`${server.url}/mcp/github`), {
        requestInit: { headers: { Authorization: `Bearer ${token}` } },
      }),
    );
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toContain("create_issue_comment");

    const result = await client.callTool({
      name: "create_issue_comment",
      arguments: { owner: "acme", repo: "shop", issue_number: 7, body: "Hello from MCP" },
    });
    expect(result.isError).toBeFalsy();
    const calls = (await (await fetch(`${fakeVendors}/_calls`)).json()) as {
      vendor: string;
      method: string;
      path: string;
      body: unknown;
    }[];
    expect(calls).toContainEqual(
      expect.objectContaining({
        vendor: "github",
        method: "POST",
        path: "/github/repos/acme/shop/issues/7/comments",
        body: { body: "Hello from MCP" },
      }),
    );
    await client.close();
  });

  it("without a token the server answers 401 with a Bearer challenge", async () => {
    const res = await fetch(`${server.url}/mcp/github`, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json, text/event-stream" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list" }),
    });
    expect(res.status).toBe(401);
    expect(res.headers.get("www-authenticate")).toContain("Bearer");
  });
});
