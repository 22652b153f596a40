// The README's promise, checked for real: `npm run dev` (wrangler dev), a token
// issued through the API, and the official MCP SDK client in this Node process
// connecting to /mcp/github over HTTP, writing to the fake GitHub `npm run dev` starts (in App
// mode, on a repository its fake App is installed on);
// the same client through OAuth (its own auth(), the consent form posted as a browser
// would), and over the legacy HTTP+SSE transport.
import type { OAuthClientProvider } from "@modelcontextprotocol/sdk/client/auth.js";
import { UnauthorizedError } from "@modelcontextprotocol/sdk/client/auth.js";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { SSEClientTransport } from "@modelcontextprotocol/sdk/client/sse.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { OAuthClientInformationMixed, OAuthTokens } from "@modelcontextprotocol/sdk/shared/auth.js";
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
      arguments: { owner: "Codertocat", repo: "Hello-World", issue_number: 7, body: "Hello from MCP" },
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
        path: "/github/repos/Codertocat/Hello-World/issues/7/comments",
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

/** A client app's OAuth storage, in memory; the browser redirect is recorded for the test to follow. */
function memoryProvider(redirectUrl: string) {
  const state: { client?: OAuthClientInformationMixed; tokens?: OAuthTokens; verifier: string; authorizationUrl?: URL } = { verifier: "" };
  const provider: OAuthClientProvider = {
    redirectUrl,
    clientMetadata: { client_name: "Node Connector", redirect_uris: [redirectUrl], token_endpoint_auth_method: "none" },
    clientInformation: () => state.client,
    saveClientInformation: (client) => void (state.client = client),
    tokens: () => state.tokens,
    saveTokens: (tokens) => void (state.tokens = tokens),
    redirectToAuthorization: (url) => void (state.authorizationUrl = url),
    saveCodeVerifier: (verifier) => void (state.verifier = verifier),
    codeVerifier: () => state.verifier,
  };
  return { provider, state };
}

/** What a browser does on the consent page: load it, post the form with its cookie and the API token. */
async function approveInBrowser(authorizationUrl: URL, fields: Record<string, string>): Promise<string> {
  const page = await fetch(authorizationUrl);
  expect(page.status).toBe(200);
  const handle = /name="handle" value="([^"]+)"/.exec(await page.text())?.[1] ?? "";
  const cookie = page.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .join("; ");
  const approved = await fetch(new URL("/oauth/authorize", authorizationUrl), {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie },
    body: new URLSearchParams({ handle, decision: "approve", api_token: apiToken, ...fields }),
  });
  expect(approved.status).toBe(302);
  return new URL(approved.headers.get("location") ?? "").searchParams.get("code") ?? "";
}

describe("MCP OAuth and SSE against wrangler dev", { timeout: 60_000 }, () => {
  it("the SDK client's own OAuth flow: 401, discovery, registration, consent, PKCE, a write call", async () => {
    const { provider, state } = memoryProvider("http://127.0.0.1:9999/callback");
    const url = new URL(`${server.url}/mcp/github`);
    const first = new StreamableHTTPClientTransport(url, { authProvider: provider });
    await expect(new Client({ name: "node-oauth", version: "1.0.0" }).connect(first)).rejects.toThrow(UnauthorizedError);
    expect(state.authorizationUrl?.pathname).toBe("/oauth/authorize");
    await first.finishAuth(await approveInBrowser(state.authorizationUrl!, { access: "write" }));

    const client = new Client({ name: "node-oauth", version: "1.0.0" });
    await client.connect(new StreamableHTTPClientTransport(url, { authProvider: provider }));
    const result = await client.callTool({
      name: "create_issue_comment",
      arguments: { owner: "Codertocat", repo: "Hello-World", issue_number: 8, body: "Hello through OAuth" },
    });
    expect(result.isError).toBeFalsy();
    await client.close();
  });

  it("an SDK client lists and calls tools over the legacy HTTP+SSE transport", async () => {
    const { token } = await issue({ name: "sse-client", servers: ["github", "agent-bot"], access: "read" });
    const headers = { Authorization: `Bearer ${token}` };
    const client = new Client({ name: "node-sse", version: "1.0.0" });
    await client.connect(
      // requestInit's headers go on the stream's GET as well as on every POST.
      new SSEClientTransport(new URL(`${server.url}/github/sse`), { requestInit: { headers } }),
    );
    expect((await client.listTools()).tools.map((t) => t.name)).toContain("get_issue");
    const refused = await client.callTool({
      name: "add_labels",
      arguments: { owner: "acme", repo: "shop", issue_number: 8, labels: ["x"] },
    });
    expect(JSON.stringify(refused.content)).toContain("github:write");
    await client.close();
  });
});
