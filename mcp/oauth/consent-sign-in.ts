// Who approves a grant: the platform's own sign-in, as the dashboard uses it. A Cloudflare
// Access identity when Access is configured and its JWT rides along (Access in front of the
// Worker adds the header; the browser sends the CF_Authorization cookie); otherwise the admin
// API token, typed into the consent form, since a browser cannot put it in a header here.
import type { Context } from "hono";
import { getCookie } from "hono/cookie";
import type { ApiUser } from "../../core/api-types";
import { accessSettings, verifyAccessToken } from "../../workers/auth/access";
import { TOKEN_USER } from "../../workers/auth/api-user";
import type { AppEnv } from "../../workers/app-env";
import { secretsEqual } from "../../workers/security/hmac";

/** The Access identity of the request, when Access is configured and its JWT verifies; throws on a bad one. */
export async function accessUser(c: Context<AppEnv>): Promise<ApiUser | undefined> {
  const settings = accessSettings(c.get("config"));
  const jwt = c.req.header("cf-access-jwt-assertion") ?? getCookie(c, "CF_Authorization");
  if (!settings || !jwt) return undefined;
  return { ...(await verifyAccessToken(jwt, settings)), method: "access" };
}

/** The person approving: Access first, then the API token from the form; undefined when neither holds. */
export async function consentUser(c: Context<AppEnv>, apiToken: string | undefined): Promise<ApiUser | undefined> {
  const viaAccess = await accessUser(c);
  if (viaAccess) return viaAccess;
  const expected = c.get("config").API_TOKEN;
  if (expected && apiToken && (await secretsEqual(apiToken, expected))) return TOKEN_USER;
  return undefined;
}
