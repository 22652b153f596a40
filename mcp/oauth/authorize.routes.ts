// GET /oauth/authorize: the library validates the request (client, redirect URI, PKCE S256,
// resource) and opens a consent transaction; the page shows it. POST: the person signs in
// (Access or the API token) and approves or denies; an approval becomes a grant whose scopes
// are the chosen servers × access and whose props carry its expiry (grant-scopes.ts).
import { AuthorizationError, type AuthRequest, type OAuthHelpers } from "@cloudflare/workers-oauth-provider";
import { type Context, Hono } from "hono";
import { z } from "zod";
import { errorMessage } from "../../core/error-message";
import { MCP_ACCESS, MCP_SERVERS, scopesOf } from "../../core/mcp-scopes";
import type { AppEnv } from "../../workers/app-env";
import { authorizationServerFor } from "./authorization-server";
import { accessUser, consentUser } from "./consent-sign-in";
import { DEFAULT_GRANT_DAYS, GRANT_DAY_CHOICES, offeredServers, renderConsentPage } from "./consent-page";
import { GRANT_USER_ID, type GrantProps, parseScopes } from "./grant-scopes";

const DAY_MS = 86_400_000;

const consentForm = z.object({
  handle: z.string().min(1).max(200),
  decision: z.enum(["approve", "deny"]),
  api_token: z.string().max(500).optional(),
  servers: z
    .union([z.enum(MCP_SERVERS), z.array(z.enum(MCP_SERVERS))])
    .transform((value) => (Array.isArray(value) ? value : [value]))
    .default([]),
  access: z.enum(MCP_ACCESS).default("read"),
  expires_days: z.coerce
    .number()
    .refine((days) => (GRANT_DAY_CHOICES as readonly number[]).includes(days), "one of the offered lifetimes")
    .default(DEFAULT_GRANT_DAYS),
});

function page(c: Context<AppEnv>, status: 400 | 401 | 404, title: string, message: string) {
  c.get("log").outcome = "oauth_authorize_refused";
  const escaped = message.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
  return c.html(`<!doctype html><meta charset="utf-8"><title>${title}</title><h1>${title}</h1><p>${escaped}</p>`, status, {
    "cache-control": "no-store",
  });
}

function oauthApi(c: Context<AppEnv>): OAuthHelpers | undefined {
  return authorizationServerFor(new URL(c.req.url).origin)?.getOAuthApi(c.env);
}

/** An AuthorizationError that may go back to the client does; anything else is shown here. */
function refuseRequest(c: Context<AppEnv>, error: unknown) {
  if (error instanceof AuthorizationError && error.redirectTo) return c.redirect(error.redirectTo, 302);
  const message = error instanceof AuthorizationError ? error.description : errorMessage(error);
  return page(c, 400, "Invalid authorization request", message);
}

function grantFor(request: AuthRequest, form: z.infer<typeof consentForm>, origin: string) {
  const offered = offeredServers(request.resource ?? origin, origin);
  const servers = offered.length === 1 ? offered : form.servers.filter((server) => offered.includes(server));
  return { servers, scope: scopesOf({ servers, access: form.access }) };
}

export function authorizeRoutes() {
  const app = new Hono<AppEnv>();

  app.get("/authorize", async (c) => {
    const api = oauthApi(c);
    if (!api) return page(c, 404, "OAuth unavailable", "OAuth needs https (or http on a loopback host such as 127.0.0.1).");
    const origin = new URL(c.req.url).origin;
    let request: AuthRequest;
    try {
      request = await api.parseAuthRequest(c.req.raw);
    } catch (error) {
      return refuseRequest(c, error);
    }
    const consent = await api.describeConsent(request);
    const transaction = await api.beginConsent(request);
    const asked = parseScopes(request.scope);
    const signedIn = await accessUser(c);
    const html = renderConsentPage({
      handle: transaction.handle,
      clientName: consent.clientName,
      clientId: consent.clientId,
      redirectUri: consent.redirectUri,
      redirectIsLoopback: consent.redirectIsLoopback,
      resource: request.resource ?? origin,
      offered: offeredServers(request.resource ?? origin, origin),
      asked: asked.servers,
      access: asked.access,
      signedInAs: signedIn ? (signedIn.name ?? signedIn.id) : undefined,
    });
    return c.html(html, 200, Object.fromEntries(transaction.headers));
  });

  app.post("/authorize", async (c) => {
    const api = oauthApi(c);
    if (!api) return page(c, 404, "OAuth unavailable", "OAuth needs https (or http on a loopback host such as 127.0.0.1).");
    const parsed = consentForm.safeParse(await c.req.parseBody({ all: true }));
    if (!parsed.success) return page(c, 400, "Invalid consent form", parsed.error.issues[0]?.message ?? "invalid form");
    const form = parsed.data;

    if (form.decision === "deny") {
      try {
        const denied = await api.denyConsent(c.req.raw, form.handle);
        c.get("log").outcome = "oauth_denied";
        return new Response(null, { status: 302, headers: denied.headers });
      } catch (error) {
        return refuseRequest(c, error);
      }
    }

    const user = await consentUser(c, form.api_token);
    // The handle is not consumed yet, so going back and signing in again still works.
    if (!user) return page(c, 401, "Not signed in", "The API token is wrong or missing. Go back and try again.");

    let approved: Awaited<ReturnType<OAuthHelpers["approveConsent"]>>;
    const origin = new URL(c.req.url).origin;
    try {
      approved = await api.approveConsent(c.req.raw, form.handle);
    } catch (error) {
      return refuseRequest(c, error);
    }
    const { servers, scope } = grantFor(approved.request, form, origin);
    // A server resource fixes its server; for the origin the person picks, and picking none ends it.
    if (servers.length === 0) return page(c, 400, "Nothing approved", "No server was chosen. Start the connection again from the client.");
    const expiresAt = Date.now() + form.expires_days * DAY_MS;
    const consent = await api.describeConsent(approved.request);
    const props: GrantProps = { name: consent.clientName, expiresAt, approvedBy: user.name ?? user.id };
    const { redirectTo } = await api.completeAuthorization({
      request: { ...approved.request, scope },
      userId: GRANT_USER_ID,
      scope,
      props,
      metadata: { ...props, servers, access: form.access },
    });
    c.get("log").outcome = "oauth_granted";
    const headers = new Headers(approved.headers);
    headers.set("location", redirectTo);
    return new Response(null, { status: 302, headers });
  });

  return app;
}
