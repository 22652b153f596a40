// The official MCP SDK client's own OAuth support against the Worker: a transport with an
// OAuthClientProvider hits the 401, discovers, registers and sends the person to the consent
// page (driven here as a browser would), exchanges the code with PKCE, lists the tools, and
// refreshes on its own when the access token stops working.
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { type OAuthClientProvider, UnauthorizedError } from "@modelcontextprotocol/sdk/client/auth.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { OAuthClientInformationMixed, OAuthTokens } from "@modelcontextprotocol/sdk/shared/auth.js";
import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { ORIGIN, REDIRECT_URI, openConsent, postConsent } from "./oauth-flow";

/** An MCP client app's storage, in memory; the "browser redirect" is recorded for the test to follow. */
class MemoryProvider implements OAuthClientProvider {
  authorizationUrl: URL | undefined;
  client: OAuthClientInformationMixed | undefined;
  saved: OAuthTokens | undefined;
  private verifier = "";
  readonly redirectUrl = REDIRECT_URI;
  readonly clientMetadata = {
    client_name: "SDK Connector",
    redirect_uris: [REDIRECT_URI],
    grant_types: ["authorization_code", "refresh_token"],
    response_types: ["code"],
    token_endpoint_auth_method: "none",
  };
  clientInformation = () => this.client;
  saveClientInformation = (info: OAuthClientInformationMixed) => void (this.client = info);
  tokens = () => this.saved;
  saveTokens = (tokens: OAuthTokens) => void (this.saved = tokens);
  redirectToAuthorization = (url: URL) => void (this.authorizationUrl = url);
  saveCodeVerifier = (verifier: string) => void (this.verifier = verifier);
  codeVerifier = () => this.verifier;
}

// The MCP handler checks Host on a loopback address (DNS rebinding protection); a real client sends it.
const fetchWorker = (url: string | URL, init?: RequestInit) => {
  const headers = new Headers(init?.headers);
  headers.set("host", new URL(ORIGIN).host);
  return exports.default.fetch(url, { ...init, headers });
};

const transportFor = (provider: OAuthClientProvider, path = "/mcp/github") =>
  new StreamableHTTPClientTransport(new URL(path, ORIGIN), { authProvider: provider, fetch: fetchWorker });

describe("MCP OAuth with the SDK client's auth()", () => {
  it("discovers, registers, authorizes with consent, calls tools, and refreshes", async () => {
    const provider = new MemoryProvider();
    const first = transportFor(provider);
    await expect(new Client({ name: "sdk", version: "1.0.0" }).connect(first)).rejects.toThrow(UnauthorizedError);
    expect(provider.client?.client_id).toBeTruthy();
    const authorizationUrl = provider.authorizationUrl!;
    expect(authorizationUrl.origin + authorizationUrl.pathname).toBe(`${ORIGIN}/oauth/authorize`);
    expect(authorizationUrl.searchParams.get("code_challenge_method")).toBe("S256");
    expect(authorizationUrl.searchParams.get("resource")).toBe(`${ORIGIN}/mcp/github`);

    const consent = await openConsent(authorizationUrl.href);
    expect(consent.html).toContain("SDK Connector");
    const approved = await postConsent(consent, { decision: "approve", api_token: env.API_TOKEN, access: "read" });
    const code = new URL(approved.headers.get("location")!).searchParams.get("code")!;
    await first.finishAuth(code);
    expect(provider.saved?.access_token).toBeTruthy();

    const client = new Client({ name: "sdk", version: "1.0.0" });
    await client.connect(transportFor(provider));
    expect((await client.listTools()).tools.map((t) => t.name)).toEqual(expect.arrayContaining(["get_issue", "add_labels"]));
    const write = await client.callTool({ name: "create_issue_comment", arguments: { owner: "a", repo: "b", issue_number: 1, body: "x" } });
    expect(write.isError).toBe(true);
    expect(JSON.stringify(write.content)).toContain('needs the \\"github:write\\" scope');
    await client.close();

    // An access token that no longer works: the SDK refreshes with its refresh token, which rotates.
    const before = provider.saved!;
    provider.saved = { ...before, access_token: "agent-bot:nope:nope" };
    const again = new Client({ name: "sdk", version: "1.0.0" });
    await again.connect(transportFor(provider));
    expect((await again.listTools()).tools.length).toBeGreaterThan(0);
    expect(provider.saved.refresh_token).toBeTruthy();
    expect(provider.saved.refresh_token).not.toBe(before.refresh_token);
    await again.close();
  });

  it("on an alias path (/github/mcp) asks for the origin, where the consent page picks the servers", async () => {
    const provider = new MemoryProvider();
    const first = transportFor(provider, "/github/mcp");
    await expect(new Client({ name: "sdk", version: "1.0.0" }).connect(first)).rejects.toThrow(UnauthorizedError);
    expect(provider.authorizationUrl!.searchParams.get("resource")).toBe(ORIGIN);
    const consent = await openConsent(provider.authorizationUrl!.href);
    const approved = await postConsent(consent, { decision: "approve", api_token: env.API_TOKEN, servers: ["github", "sentry"] });
    await first.finishAuth(new URL(approved.headers.get("location")!).searchParams.get("code")!);

    for (const path of ["/github/mcp", "/mcp/sentry"]) {
      const client = new Client({ name: "sdk", version: "1.0.0" });
      await client.connect(transportFor(provider, path));
      expect((await client.listTools()).tools.length, path).toBeGreaterThan(0);
      await client.close();
    }
    await expect(new Client({ name: "sdk", version: "1.0.0" }).connect(transportFor(provider, "/mcp/jira"))).rejects.toThrow();
  });
});
