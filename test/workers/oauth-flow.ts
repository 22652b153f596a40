// Drives the OAuth flow of the MCP connectors against the Worker entry, as a browser and a
// client would: registration, the consent page (sign in, approve), the code for tokens.
import { env, exports } from "cloudflare:workers";
import { expect } from "vitest";

/** OAuth takes https or a loopback host; wrangler dev's address is one. */
export const ORIGIN = "http://127.0.0.1:8787";
export const REDIRECT_URI = "http://127.0.0.1:9999/callback";

export const call = (path: string, init?: RequestInit) => exports.default.fetch(new URL(path, ORIGIN), init);

export const form = (fields: Record<string, string | string[]>) => {
  const body = new URLSearchParams();
  for (const [name, value] of Object.entries(fields)) for (const v of [value].flat()) body.append(name, v);
  return body;
};

export async function registerClient(name = "Test Connector", redirectUris = [REDIRECT_URI]): Promise<string> {
  const res = await call("/oauth/register", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ client_name: name, redirect_uris: redirectUris, token_endpoint_auth_method: "none" }),
  });
  expect(res.status, await res.clone().text()).toBe(201);
  return ((await res.json()) as { client_id: string }).client_id;
}

const base64url = (bytes: ArrayBuffer | Uint8Array) =>
  btoa(String.fromCharCode(...new Uint8Array(bytes)))
    .replace(/\+/g, "-")
    .replace(/\//g, "_")
    .replace(/=+$/, "");

export async function pkce() {
  const verifier = base64url(crypto.getRandomValues(new Uint8Array(32)));
  const challenge = base64url(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier)));
  return { verifier, challenge };
}

export interface AuthorizeOptions {
  clientId: string;
  challenge: string;
  method?: string;
  scope?: string;
  resource?: string;
  redirectUri?: string;
}

export function authorizeUrl(options: AuthorizeOptions): string {
  const query = new URLSearchParams({
    response_type: "code",
    client_id: options.clientId,
    redirect_uri: options.redirectUri ?? REDIRECT_URI,
    code_challenge: options.challenge,
    code_challenge_method: options.method ?? "S256",
    state: "state-123",
    resource: options.resource ?? `${ORIGIN}/mcp/github`,
  });
  if (options.scope !== undefined) query.set("scope", options.scope);
  return `/oauth/authorize?${query}`;
}

/** The consent page, its handle, and the binding cookie the browser would send back. */
export async function openConsent(url: string) {
  const res = await call(url);
  const html = await res.text();
  expect(res.status, html).toBe(200);
  const handle = /name="handle" value="([^"]+)"/.exec(html)?.[1];
  expect(handle).toBeTruthy();
  const cookie = res.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .join("; ");
  return { html, handle: handle!, cookie, headers: res.headers };
}

export function postConsent(consent: { handle: string; cookie: string }, fields: Record<string, string | string[]>) {
  return call("/oauth/authorize", {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: consent.cookie },
    body: form({ handle: consent.handle, ...fields }),
    redirect: "manual",
  });
}

/** Registration to code: the consent approved with the API token. */
export async function authorizeCode(options: AuthorizeOptions, approve: Record<string, string | string[]> = {}): Promise<string> {
  const consent = await openConsent(authorizeUrl(options));
  const res = await postConsent(consent, { decision: "approve", api_token: env.API_TOKEN, ...approve });
  expect(res.status, await res.clone().text()).toBe(302);
  const location = new URL(res.headers.get("location")!);
  expect(`${location.origin}${location.pathname}`).toBe(options.redirectUri ?? REDIRECT_URI);
  expect(location.searchParams.get("state")).toBe("state-123");
  return location.searchParams.get("code")!;
}

export async function token(fields: Record<string, string>) {
  const res = await call("/oauth/token", {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: form(fields),
  });
  return { status: res.status, body: (await res.json()) as Record<string, string> };
}
