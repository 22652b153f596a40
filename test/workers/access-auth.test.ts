// Cloudflare Access sign-in on /api: the Access JWT (header or cookie) verified with
// jose against a JWKS the test serves at <team>/cdn-cgi/access/certs, next to the
// API token, which keeps working.
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from "jose";
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import worker from "../../workers/index";
import { installFakeRunner } from "./fake-runner";

const TEAM = "https://acme.cloudflareaccess.com";
const AUD = "4714c1358e65fe4b408ad6d432a5f878f08194bdb4752441fd56faefa9b2b6f2";
const KID = "test-key-1";

let signingKey: CryptoKey;
let otherKey: CryptoKey;
let publicJwk: JWK;
let jwksRequests: string[];

beforeAll(async () => {
  const pair = await generateKeyPair("RS256", { extractable: true });
  signingKey = pair.privateKey;
  publicJwk = { ...(await exportJWK(pair.publicKey)), kid: KID, alg: "RS256", use: "sig" };
  otherKey = (await generateKeyPair("RS256")).privateKey;
});

beforeEach(() => {
  jwksRequests = [];
  installFakeRunner({
    "acme.cloudflareaccess.com": (request) => {
      jwksRequests.push(`${request.method} ${request.url}`);
      return Response.json({ keys: [publicJwk] });
    },
    "down.cloudflareaccess.com": () => new Response("upstream unavailable", { status: 503 }),
  });
});

afterEach(() => vi.restoreAllMocks());

interface Claims {
  iss?: string;
  aud?: string | string[];
  sub?: string;
  /** Service tokens carry no email. */
  noEmail?: boolean;
  common_name?: string;
  exp?: number;
  key?: CryptoKey;
  kid?: string;
}

/** A token shaped like the ones Access issues (RS256, kid, iss = team domain, aud = application tag). */
async function accessJwt(claims: Claims = {}): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const payload: Record<string, unknown> = { type: "app", identity_nonce: "nonce", country: "NL" };
  if (!claims.noEmail) payload.email = "ada@example.com";
  if (claims.common_name) payload.common_name = claims.common_name;
  return new SignJWT(payload)
    .setProtectedHeader({ alg: "RS256", kid: claims.kid ?? KID })
    .setIssuer(claims.iss ?? TEAM)
    .setAudience(claims.aud ?? [AUD])
    .setSubject(claims.sub ?? "7335d417-61da-459d-899c-0a01c76a2f94")
    .setIssuedAt(now - 60)
    .setNotBefore(now - 60)
    .setExpirationTime(claims.exp ?? now + 3600)
    .sign(claims.key ?? signingKey);
}

const accessEnv = (overrides: Partial<Env> = {}): Env => ({ ...env, ACCESS_TEAM_DOMAIN: TEAM, ACCESS_AUD: AUD, ...overrides });

async function call(path: string, headers: Record<string, string>, bindings: Env = accessEnv()): Promise<Response> {
  const ctx = createExecutionContext();
  const res = await worker.fetch(new Request(`https://agent-bot.test${path}`, { headers }), bindings, ctx);
  await waitOnExecutionContext(ctx);
  return res;
}

async function errorOf(res: Response) {
  return ((await res.json()) as { error: { code: string; message: string } }).error;
}

describe("Cloudflare Access sign-in", () => {
  it("accepts a valid Access JWT in the Cf-Access-Jwt-Assertion header and names the user", async () => {
    const res = await call("/api/session", { "cf-access-jwt-assertion": await accessJwt() });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ user: { id: "7335d417-61da-459d-899c-0a01c76a2f94", name: "ada@example.com", method: "access" } });
    expect(jwksRequests).toEqual([`GET ${TEAM}/cdn-cgi/access/certs`]);
  });

  it("accepts the CF_Authorization cookie, on any /api route", async () => {
    const token = await accessJwt();
    const res = await call("/api/tasks?limit=1", { cookie: `theme=dark; CF_Authorization=${token}` });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ items: expect.any(Array) });
  });

  it("names a service token by its client id", async () => {
    const res = await call("/api/session", {
      "cf-access-jwt-assertion": await accessJwt({ sub: "", noEmail: true, common_name: "abc123.access" }),
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { user: unknown }).user).toMatchObject({ id: "abc123.access", method: "access" });
  });

  it("lets an Access-signed-in browser open the live feed (auth passes; the task is unknown)", async () => {
    const res = await call("/api/tasks/task_unknown/live", { upgrade: "websocket", cookie: `CF_Authorization=${await accessJwt()}` });
    expect(res.status).toBe(404);
    expect((await errorOf(res)).code).toBe("not_found");
  });

  it("takes writes and sockets signed in through Access only from the dashboard's origin (or none)", async () => {
    const cookie = `CF_Authorization=${await accessJwt()}`;
    const bindings = accessEnv({ DASHBOARD_URL: "https://dashboard.example" } as Partial<Env>);
    const cancel = (origin?: string) =>
      worker.fetch(
        new Request("https://agent-bot.test/api/tasks/task_unknown/cancel", {
          method: "POST",
          headers: { cookie, ...(origin ? { origin } : {}) },
        }),
        bindings,
        createExecutionContext(),
      );
    const forged = await cancel("https://evil.example");
    expect(forged.status).toBe(403);
    expect((await errorOf(forged)).code).toBe("forbidden");
    // Past auth, the task is unknown: 404.
    expect((await cancel("https://dashboard.example")).status).toBe(404);
    expect((await cancel("https://agent-bot.test")).status).toBe(404);
    expect((await cancel()).status).toBe(404);

    const socket = await call("/api/tasks/task_unknown/live", { upgrade: "websocket", cookie, origin: "https://evil.example" }, bindings);
    expect(socket.status).toBe(403);
    // A read from a foreign page passes auth; CORS keeps the answer from that page.
    expect((await call("/api/session", { cookie, origin: "https://evil.example" }, bindings)).status).toBe(200);
  });

  it.each([
    ["expired", () => accessJwt({ exp: Math.floor(Date.now() / 1000) - 10 }), /expired/],
    ["for another audience", () => accessJwt({ aud: "some-other-application" }), /aud/],
    ["from another team", () => accessJwt({ iss: "https://evil.cloudflareaccess.com" }), /iss/],
    ["signed by another key", () => accessJwt({ key: otherKey }), /signature/],
    ["not a JWT", async () => "not-a-jwt", /malformed/],
  ])("refuses a token %s with 401", async (_name, make, message) => {
    const res = await call("/api/session", { "cf-access-jwt-assertion": await make() });
    expect(res.status).toBe(401);
    expect(res.headers.get("www-authenticate")).toContain('error="invalid_token"');
    const error = await errorOf(res);
    expect(error.code).toBe("unauthorized");
    expect(error.message).toMatch(message);
  });

  it("ignores Access tokens when Access is not configured", async () => {
    const token = await accessJwt();
    const res = await call("/api/session", { "cf-access-jwt-assertion": token, cookie: `CF_Authorization=${token}` }, env);
    expect(res.status).toBe(401);
    expect((await errorOf(res)).message).toContain("Bearer");
    expect(jwksRequests).toEqual([]);
  });

  it("keeps the API token working, and lets an Authorization header decide on its own", async () => {
    const token = await accessJwt();
    const bearer = await call("/api/session", { authorization: `Bearer ${env.API_TOKEN}` });
    expect(bearer.status).toBe(200);
    expect(await bearer.json()).toEqual({ user: { id: "api-token", name: "API token", method: "token" } });

    const wrongBearer = await call("/api/session", { authorization: "Bearer wrong", "cf-access-jwt-assertion": token });
    expect(wrongBearer.status).toBe(401);

    const none = await call("/api/session", {});
    expect(none.status).toBe(401);
    expect((await errorOf(none)).message).toContain("Cloudflare Access");
  });

  it("works with Access alone (no API_TOKEN), and is off with neither", async () => {
    const accessOnly = accessEnv({ API_TOKEN: "" });
    expect((await call("/api/session", { "cf-access-jwt-assertion": await accessJwt() }, accessOnly)).status).toBe(200);
    expect((await call("/api/session", { authorization: `Bearer ${env.API_TOKEN}` }, accessOnly)).status).toBe(401);

    const neither = await call("/api/session", { authorization: `Bearer ${env.API_TOKEN}` }, { ...env, API_TOKEN: "" });
    expect(neither.status).toBe(503);
    expect((await errorOf(neither)).code).toBe("not_configured");
  });

  it("answers 502, not 401, when the team's signing keys cannot be fetched", async () => {
    const team = "https://down.cloudflareaccess.com";
    const res = await call(
      "/api/session",
      { "cf-access-jwt-assertion": await accessJwt({ iss: team }) },
      accessEnv({ ACCESS_TEAM_DOMAIN: team }),
    );
    expect(res.status).toBe(502);
    expect((await errorOf(res)).code).toBe("upstream_error");
  });
});
