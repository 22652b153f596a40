// The consent page's sign-in when Cloudflare Access is configured: the Access JWT (cookie)
// signs the person in, so no API token is asked for, and the grant records who approved it.
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from "jose";
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import worker from "../../workers/index";
import { installFakeRunner } from "./fake-runner";
import { authorizeUrl, form, ORIGIN, pkce, REDIRECT_URI } from "./oauth-flow";

const TEAM = "https://acme.cloudflareaccess.com";
const AUD = "4714c1358e65fe4b408ad6d432a5f878f08194bdb4752441fd56faefa9b2b6f2";

let signingKey: CryptoKey;
let publicJwk: JWK;

beforeAll(async () => {
  const pair = await generateKeyPair("RS256", { extractable: true });
  signingKey = pair.privateKey;
  publicJwk = { ...(await exportJWK(pair.publicKey)), kid: "k1", alg: "RS256", use: "sig" };
});
beforeEach(() => installFakeRunner({ "acme.cloudflareaccess.com": () => Response.json({ keys: [publicJwk] }) }));
afterEach(() => vi.restoreAllMocks());

const accessJwt = () =>
  new SignJWT({ email: "ada@example.com" })
    .setProtectedHeader({ alg: "RS256", kid: "k1" })
    .setIssuer(TEAM)
    .setAudience(AUD)
    .setSubject("user-ada")
    .setIssuedAt()
    .setExpirationTime("1h")
    .sign(signingKey);

async function call(path: string, init: RequestInit = {}): Promise<Response> {
  const ctx = createExecutionContext();
  const res = await worker.fetch(new Request(new URL(path, ORIGIN), init), { ...env, ACCESS_TEAM_DOMAIN: TEAM, ACCESS_AUD: AUD }, ctx);
  await waitOnExecutionContext(ctx);
  return res;
}

describe("MCP OAuth consent behind Cloudflare Access", () => {
  it("signs in with the Access JWT: no API token field, approval without one, the grant names the user", async () => {
    const registered = await call("/oauth/register", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ client_name: "Access Client", redirect_uris: [REDIRECT_URI], token_endpoint_auth_method: "none" }),
    });
    const { client_id: clientId } = (await registered.json()) as { client_id: string };
    const { challenge } = await pkce();
    const jwt = await accessJwt();

    const page = await call(authorizeUrl({ clientId, challenge }), { headers: { cookie: `CF_Authorization=${jwt}` } });
    const html = await page.text();
    expect(html).toContain("Signed in as <strong>ada@example.com</strong>");
    expect(html).not.toContain('name="api_token"');
    const handle = /name="handle" value="([^"]+)"/.exec(html)![1]!;
    const binding = page.headers
      .getSetCookie()
      .map((c) => c.split(";")[0])
      .join("; ");
    const post = (cookie: string) =>
      call("/oauth/authorize", {
        method: "POST",
        redirect: "manual",
        headers: { "content-type": "application/x-www-form-urlencoded", cookie },
        body: form({ handle, decision: "approve" }),
      });

    expect((await post(binding)).status).toBe(401);
    const approved = await post(`${binding}; CF_Authorization=${jwt}`);
    expect(approved.status).toBe(302);
    expect(new URL(approved.headers.get("location")!).searchParams.get("code")).toBeTruthy();

    const grants = await call("/api/oauth-grants", { headers: { cookie: `CF_Authorization=${jwt}` } });
    const { items } = (await grants.json()) as { items: { clientId: string; approvedBy: string }[] };
    expect(items.find((g) => g.clientId === clientId)?.approvedBy).toBe("ada@example.com");
  });
});
