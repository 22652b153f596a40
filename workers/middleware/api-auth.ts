// Bearer-token auth for the API and /metrics: hono's bearerAuth with a
// constant-time check against API_TOKEN, answered in the app's error shape.
import { bearerAuth } from "hono/bearer-auth";
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../app-env";
import { AppError, errorBody } from "../errors";
import { secretsEqual } from "../security/hmac";

const challenge = 'Bearer realm="agent-bot"';

export const requireApiToken = createMiddleware<AppEnv>(async (c, next) => {
  const expected = c.get("config").API_TOKEN;
  if (!expected) throw new AppError("not_configured", "the API is disabled: set the API_TOKEN secret");
  // Browsers cannot set headers on a WebSocket, so live feeds also take ?token=.
  const queryToken = c.req.path.endsWith("/live") && !c.req.header("authorization") ? c.req.query("token") : undefined;
  if (queryToken !== undefined) {
    if (!(await secretsEqual(queryToken, expected))) throw new AppError("unauthorized", "invalid API token", { "WWW-Authenticate": `${challenge}, error="invalid_token"` });
    return next();
  }
  return bearerAuth<AppEnv>({
    verifyToken: (token) => secretsEqual(token, expected),
    noAuthenticationHeader: { message: errorBody("unauthorized", "Authorization: Bearer <API_TOKEN> is required"), wwwAuthenticateHeader: challenge },
    invalidAuthenticationHeader: { message: errorBody("bad_request", "Authorization header must be Bearer <API_TOKEN>"), wwwAuthenticateHeader: challenge },
    invalidToken: { message: errorBody("unauthorized", "invalid API token"), wwwAuthenticateHeader: `${challenge}, error="invalid_token"` },
  })(c, next);
});
