// OAuth 2.1 for MCP connectors, end to end in workerd: discovery from the 401, metadata,
// registration, the consent page (signed in with the API token), code + PKCE S256, the MCP
// SDK client with the access token, refresh rotation, revocation, grants in the API.
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { authorizationServerFor, verifyOAuthToken } from "../../mcp/oauth/authorization-server";
import { GRANT_USER_ID } from "../../mcp/oauth/grant-scopes";
import { api } from "./support";
import {
  ORIGIN,
  REDIRECT_URI,
  authorizeCode,
  authorizeUrl,
  call,
  openConsent,
  pkce,
  postConsent,
  registerClient,
  token,
} from "./oauth-flow";

async function connect(server: string, accessToken: string, path = `/mcp/${server}`): Promise<Client> {
  const client = new Client({ name: "oauth-test", version: "1.0.0" });
  await client.connect(
    new StreamableHTTPClientTransport(new URL(path, ORIGIN), {
      // The MCP handler checks Host on a loopback address (DNS rebinding), as a real client sends it.
      requestInit: { headers: { authorization: `Bearer ${accessToken}`, host: new URL(ORIGIN).host } },
      fetch: (url, init) => exports.default.fetch(url, init),
    }),
  );
  return client;
}

const mcpStatus = async (server: string, accessToken: string) =>
  (
    await call(`/mcp/${server}`, {
      method: "POST",
      headers: {
        host: new URL(ORIGIN).host,
        authorization: `Bearer ${accessToken}`,
        "content-type": "application/json",
        accept: "application/json, text/event-stream",
      },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "ping" }),
    })
  ).status;

async function exchange(clientId: string, code: string, verifier: string) {
  return token({ grant_type: "authorization_code", code, redirect_uri: REDIRECT_URI, client_id: clientId, code_verifier: verifier });
}

describe("MCP OAuth", () => {
  it("is discoverable from the 401 of any MCP server", async () => {
    const res = await call("/mcp/github", { method: "POST" });
    expect(res.status).toBe(401);
    const challenge = res.headers.get("www-authenticate")!;
    expect(challenge).toContain(`resource_metadata="${ORIGIN}/.well-known/oauth-protected-resource/mcp/github"`);

    const resource = (await (await call("/.well-known/oauth-protected-resource/mcp/github")).json()) as Record<string, unknown>;
    expect(resource).toMatchObject({
      resource: `${ORIGIN}/mcp/github`,
      authorization_servers: [ORIGIN],
      scopes_supported: ["github:read", "github:write"],
    });
    const root = (await (await call("/.well-known/oauth-protected-resource")).json()) as Record<string, unknown>;
    expect(root).toMatchObject({ resource: ORIGIN, authorization_servers: [ORIGIN] });
    expect((await call("/.well-known/oauth-protected-resource/mcp/gitlab")).status).toBe(404);
    // Browser clients preflight discovery and must be able to read the 401's challenge.
    const preflight = await call("/.well-known/oauth-protected-resource/mcp/github", { method: "OPTIONS" });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get("access-control-allow-origin")).toBe("*");
    expect(res.headers.get("access-control-expose-headers")).toContain("WWW-Authenticate");

    const metadata = (await (await call("/.well-known/oauth-authorization-server")).json()) as Record<string, unknown>;
    expect(metadata).toMatchObject({
      issuer: ORIGIN,
      authorization_endpoint: `${ORIGIN}/oauth/authorize`,
      token_endpoint: `${ORIGIN}/oauth/token`,
      registration_endpoint: `${ORIGIN}/oauth/register`,
      code_challenge_methods_supported: ["S256"],
    });
    expect(metadata.revocation_endpoint).toEqual(expect.any(String));
  });

  it("shows a consent page that needs the platform's sign-in", async () => {
    const clientId = await registerClient("Claude <script>");
    const { challenge } = await pkce();
    const consent = await openConsent(authorizeUrl({ clientId, challenge, scope: "github:read github:write" }));
    expect(consent.html).toContain("Claude &lt;script&gt;");
    expect(consent.html).not.toContain("<script>");
    expect(consent.html).toContain(REDIRECT_URI);
    expect(consent.html).toContain("Server: <strong>github</strong>");
    expect(consent.html).toMatch(/value="write" checked/);
    expect(consent.headers.get("x-frame-options")).toBe("DENY");

    const wrong = await postConsent(consent, { decision: "approve", api_token: "not-the-token" });
    expect(wrong.status).toBe(401);
    expect((await postConsent(consent, { decision: "approve", api_token: env.API_TOKEN, expires_days: "5" })).status).toBe(400);
    // The handle survives a failed sign-in; denying sends the client access_denied.
    const denied = await postConsent(consent, { decision: "deny" });
    expect(denied.status).toBe(302);
    expect(new URL(denied.headers.get("location")!).searchParams.get("error")).toBe("access_denied");
  });

  it("refuses plain PKCE, an unregistered redirect URI, a wrong verifier and a reused code", async () => {
    const clientId = await registerClient();
    const { verifier, challenge } = await pkce();
    const plain = await call(authorizeUrl({ clientId, challenge: verifier, method: "plain" }), { redirect: "manual" });
    expect(plain.status === 400 || new URL(plain.headers.get("location") ?? ORIGIN).searchParams.get("error") === "invalid_request").toBe(
      true,
    );
    expect(
      (await call(authorizeUrl({ clientId, challenge, redirectUri: "http://127.0.0.1:9999/elsewhere" }), { redirect: "manual" })).status,
    ).toBe(400);

    // For the origin the person picks the servers; none picked grants nothing.
    const noServers = await openConsent(authorizeUrl({ clientId, challenge, resource: ORIGIN }));
    expect(noServers.html).toContain('name="servers" value="agent-bot"');
    expect((await postConsent(noServers, { decision: "approve", api_token: env.API_TOKEN })).status).toBe(400);

    const code = await authorizeCode({ clientId, challenge });
    const wrong = await exchange(clientId, code, (await pkce()).verifier);
    expect(wrong.status).toBe(400);
    expect(wrong.body.error).toBe("invalid_grant");

    const fresh = await authorizeCode({ clientId, challenge });
    expect((await exchange(clientId, fresh, verifier)).status).toBe(200);
    const reused = await exchange(clientId, fresh, verifier);
    expect(reused.status).toBe(400);
    expect(reused.body.error).toBe("invalid_grant");
  });

  it("issues tokens that the MCP servers take as the grant's scopes, rotates refresh tokens and revokes", async () => {
    const clientId = await registerClient();
    const { verifier, challenge } = await pkce();
    const code = await authorizeCode({ clientId, challenge, scope: "github:read github:write" }, { access: "read" });
    const issued = await exchange(clientId, code, verifier);
    expect(issued.status).toBe(200);
    expect(issued.body).toMatchObject({ token_type: expect.stringMatching(/bearer/i), scope: "github:read" });

    const client = await connect("github", issued.body.access_token!);
    const names = (await client.listTools()).tools.map((t) => t.name);
    expect(names).toContain("get_issue");
    const write = await client.callTool({ name: "add_labels", arguments: { owner: "acme", repo: "api", issue_number: 1, labels: ["x"] } });
    expect(write.isError).toBe(true);
    expect(JSON.stringify(write.content)).toContain("github:write");
    await client.close();
    // The grant is for the github resource: another server refuses it.
    expect(await mcpStatus("jira", issued.body.access_token!)).toBe(401);

    const refreshed = await token({ grant_type: "refresh_token", refresh_token: issued.body.refresh_token!, client_id: clientId });
    expect(refreshed.status).toBe(200);
    expect(refreshed.body.refresh_token).not.toBe(issued.body.refresh_token);
    const again = await token({ grant_type: "refresh_token", refresh_token: refreshed.body.refresh_token!, client_id: clientId });
    expect(again.status).toBe(200);
    const stale = await token({ grant_type: "refresh_token", refresh_token: issued.body.refresh_token!, client_id: clientId });
    expect(stale.status).toBe(400);
    expect(stale.body.error).toBe("invalid_grant");

    const accessToken = again.body.access_token!;
    expect(await mcpStatus("github", accessToken)).toBe(200);
    const revoked = await call("/oauth/token", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ token: accessToken, client_id: clientId }),
    });
    expect(revoked.status).toBe(200);
    expect(await mcpStatus("github", accessToken)).toBe(401);
  });

  it("lists grants in the API and revokes one there", async () => {
    const clientId = await registerClient("Grant Lister");
    const { verifier, challenge } = await pkce();
    const code = await authorizeCode(
      { clientId, challenge, resource: ORIGIN },
      { servers: ["github", "jira"], access: "write", expires_days: "1" },
    );
    const issued = await exchange(clientId, code, verifier);
    expect(Number(issued.body.expires_in)).toBeLessThanOrEqual(3600);
    expect(await mcpStatus("jira", issued.body.access_token!)).toBe(200);
    expect(await mcpStatus("slack", issued.body.access_token!)).toBe(403);
    // Past the expiry chosen on the consent page the grant's tokens are refused.
    const principal = await verifyOAuthToken(env, ORIGIN, "jira", issued.body.access_token!);
    expect(principal).toMatchObject({ servers: ["github", "jira"], access: "write", scope: null });
    expect(await verifyOAuthToken(env, ORIGIN, "jira", issued.body.access_token!, Date.now() + 2 * 86_400_000)).toBeNull();

    const { items } = (await (await api("/api/oauth-grants")).json()) as { items: Record<string, unknown>[] };
    const grant = items.find((g) => g.clientId === clientId)!;
    expect(grant).toMatchObject({ name: "Grant Lister", servers: ["github", "jira"], access: "write", approvedBy: "API token" });
    expect(Math.abs((grant.expiresAt as number) - (Date.now() + 86_400_000))).toBeLessThan(60_000);
    // The library's own record ends then too: its refresh token cannot outlive the consent.
    const stored = await authorizationServerFor(ORIGIN)!.getOAuthApi(env).listUserGrants(GRANT_USER_ID);
    const record = stored.items.find((g) => g.id === grant.id)!;
    expect(Math.abs(record.expiresAt! * 1000 - (Date.now() + 86_400_000))).toBeLessThan(60_000);
    expect((await api(`/api/oauth-grants/${grant.id}`, { method: "DELETE" })).status).toBe(200);
    expect(await mcpStatus("jira", issued.body.access_token!)).toBe(401);
    expect((await api("/api/oauth-grants/nope", { method: "DELETE" })).status).toBe(404);
    expect((await api("/api/oauth-grants", { token: null })).status).toBe(401);
  });

  it("keeps serving mcp_ tokens and answers on /<server>/mcp", async () => {
    const res = await api("/api/mcp-tokens", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ name: "bearer", servers: ["github"], rateLimitPerSecond: 100 }),
    });
    const { token: bearer } = (await res.json()) as { token: string };
    const client = await connect("github", bearer, "/github/mcp");
    expect((await client.listTools()).tools.map((t) => t.name)).toContain("get_issue");
    await client.close();
  });
});
