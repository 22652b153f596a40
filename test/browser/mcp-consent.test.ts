// The MCP OAuth consent page in Chromium against the real `npm run dev`: a client registers,
// the browser opens its authorization URL, the person signs in with the API token and
// approves, and lands back at the client's redirect URI with a code that the client then
// exchanges (with its PKCE verifier) for tokens an MCP server accepts.
import { createHash, randomBytes } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { devVars, startDevServer, type DevServer } from "../support/dev-server.mjs";
import { LAPTOP, launchChromium, newPage, screenshot } from "./support";

let server: DevServer;
let browser: Browser;
let context: BrowserContext;
let page: Page;
/** The client app's redirect URI: a local server, as a desktop MCP client runs one. */
let clientApp: Server;
let REDIRECT_URI: string;

beforeAll(async () => {
  server = await startDevServer({ snapshot: true });
  browser = await launchChromium();
  ({ context, page } = await newPage(browser, LAPTOP));
  clientApp = createServer((_req, res) => res.end("client got the code"));
  await new Promise<void>((resolve) => clientApp.listen(0, "127.0.0.1", resolve));
  REDIRECT_URI = `http://127.0.0.1:${(clientApp.address() as AddressInfo).port}/callback`;
});

afterAll(async () => {
  await context?.close().catch(() => undefined);
  await browser?.close().catch(() => undefined);
  await server?.stop();
  clientApp?.close();
});

const base64url = (bytes: Buffer) => bytes.toString("base64url");

describe("MCP OAuth consent in Chromium", () => {
  it("signs in with the API token, approves, and lands at the client's redirect with a code", async () => {
    const registered = await fetch(`${server.url}/oauth/register`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ client_name: "Claude", redirect_uris: [REDIRECT_URI], token_endpoint_auth_method: "none" }),
    });
    expect(registered.status).toBe(201);
    const { client_id: clientId } = (await registered.json()) as { client_id: string };
    const verifier = base64url(randomBytes(32));
    const query = new URLSearchParams({
      response_type: "code",
      client_id: clientId,
      redirect_uri: REDIRECT_URI,
      code_challenge: base64url(createHash("sha256").update(verifier).digest()),
      code_challenge_method: "S256",
      state: "browser-state",
      resource: `${server.url}/mcp/github`,
      scope: "github:read github:write",
    });

    await page.goto(`${server.url}/oauth/authorize?${query}`);
    await page.getByRole("heading", { name: /Connect Claude to agent-bot/ }).waitFor();
    expect(await page.getByText(REDIRECT_URI).isVisible()).toBe(true);
    await screenshot(page, "mcp-consent-laptop");

    await page.getByLabel(/API token/).fill(devVars().API_TOKEN ?? "dev-api-token");
    await page.getByLabel("Read only").check();
    await Promise.all([page.waitForURL(`${REDIRECT_URI}**`), page.getByRole("button", { name: "Approve" }).click()]);
    const landed = new URL(page.url());
    expect(landed.searchParams.get("state")).toBe("browser-state");
    const code = landed.searchParams.get("code");
    expect(code).toBeTruthy();

    const tokens = await fetch(`${server.url}/oauth/token`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({
        grant_type: "authorization_code",
        code: code!,
        redirect_uri: REDIRECT_URI,
        client_id: clientId,
        code_verifier: verifier,
      }),
    });
    expect(tokens.status).toBe(200);
    const { access_token: accessToken, scope } = (await tokens.json()) as { access_token: string; scope: string };
    expect(scope).toBe("github:read");
    const ping = await fetch(`${server.url}/mcp/github`, {
      method: "POST",
      headers: {
        authorization: `Bearer ${accessToken}`,
        "content-type": "application/json",
        accept: "application/json, text/event-stream",
      },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "ping" }),
    });
    expect(ping.status).toBe(200);
  });
});
