// Auth for the API and /metrics, on by default. A request is let in by one of:
//  - `Authorization: Bearer <API_TOKEN>` (hono's bearerAuth, constant-time check);
//  - `?token=<API_TOKEN>` on a live feed, since browsers cannot set headers on a WebSocket;
//  - a Cloudflare Access JWT (Cf-Access-Jwt-Assertion header or CF_Authorization cookie)
//    when ACCESS_TEAM_DOMAIN and ACCESS_AUD are set.
// An Authorization header decides on its own: a wrong bearer token is refused even
// when an Access cookie rides along. Writes and sockets signed in through Access must
// come from the dashboard's origin (or none). The signed-in user is put on the context.
import { bearerAuth } from "hono/bearer-auth";
import { getCookie } from "hono/cookie";
import { createMiddleware } from "hono/factory";
import { errorBody } from "../../core/error-codes";
import type { AppEnv } from "../app-env";
import { accessSettings, verifyAccessToken } from "../auth/access";
import { TOKEN_USER } from "../auth/api-user";
import { isTrustedOrigin } from "../auth/origins";
import { AppError } from "../errors";
import { secretsEqual } from "../security/hmac";
import { verifyRotating } from "../security/secret-rotation";

const challenge = 'Bearer realm="agent-bot"';
const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

export const requireApiToken = createMiddleware<AppEnv>(async (c, next) => {
  const config = c.get("config");
  const expected = config.API_TOKEN;
  const access = accessSettings(config);
  if (!expected && !access) {
    throw new AppError(
      "not_configured",
      "the API is disabled: set the API_TOKEN secret, or ACCESS_TEAM_DOMAIN and ACCESS_AUD for Cloudflare Access",
    );
  }
  const authorization = c.req.header("authorization");

  const queryToken = c.req.path.endsWith("/live") && authorization === undefined ? c.req.query("token") : undefined;
  if (queryToken !== undefined) {
    if (!(await verifyRotating("API_TOKEN", expected, config.API_TOKEN_PREVIOUS, (secret) => secretsEqual(queryToken, secret))))
      throw new AppError("unauthorized", "invalid API token", { "WWW-Authenticate": `${challenge}, error="invalid_token"` });
    c.set("user", TOKEN_USER);
    return next();
  }

  const accessToken =
    access && authorization === undefined ? (c.req.header("cf-access-jwt-assertion") ?? getCookie(c, "CF_Authorization")) : undefined;
  if (access && accessToken) {
    const identity = await verifyAccessToken(accessToken, access);
    // Access credentials ride along on any request the browser makes (the cookie; the header
    // that Access adds in front of the Worker), so a write or a socket from a foreign page
    // would carry them too: those must come from the dashboard or the API's own origin.
    const writesOrListens = !SAFE_METHODS.has(c.req.method) || c.req.header("upgrade")?.toLowerCase() === "websocket";
    if (writesOrListens && !isTrustedOrigin(c.req.header("origin"), c.req.url, config)) {
      throw new AppError(
        "forbidden",
        `cross-site request from ${c.req.header("origin")} refused: Access sign-in is accepted from the dashboard's origin only`,
      );
    }
    c.set("user", { ...identity, method: "access" });
    return next();
  }

  return bearerAuth<AppEnv>({
    verifyToken: async (token, ctx) => {
      const valid = await verifyRotating("API_TOKEN", expected, config.API_TOKEN_PREVIOUS, (secret) => secretsEqual(token, secret));
      if (!valid) return false;
      ctx.set("user", TOKEN_USER);
      return true;
    },
    noAuthenticationHeader: {
      message: errorBody(
        "unauthorized",
        access
          ? "sign in with Cloudflare Access, or send Authorization: Bearer <API_TOKEN>"
          : "Authorization: Bearer <API_TOKEN> is required",
      ),
      wwwAuthenticateHeader: challenge,
    },
    invalidAuthenticationHeader: {
      message: errorBody("bad_request", "Authorization header must be Bearer <API_TOKEN>"),
      wwwAuthenticateHeader: challenge,
    },
    invalidToken: { message: errorBody("unauthorized", "invalid API token"), wwwAuthenticateHeader: `${challenge}, error="invalid_token"` },
  })(c, next);
});
