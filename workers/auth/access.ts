// Cloudflare Access sign-in: verifies the JWT Access puts on every request it lets
// through (Cf-Access-Jwt-Assertion header, CF_Authorization cookie) against the
// team's signing keys, issuer and the application's audience tag.
import { createRemoteJWKSet, errors, jwtVerify, type JWTPayload } from "jose";
import type { Config } from "../config";
import { AppError } from "../errors";

export interface AccessSettings {
  teamDomain: string;
  audience: string[];
}

export interface AccessIdentity {
  /** `sub` for a user; the service token's client id (`common_name`) for a service token. */
  id: string;
  /** The user's email, or the service token's client id. */
  name?: string;
}

/** Access sign-in is on only when both the team domain and an audience are configured. */
export function accessSettings(config: Config): AccessSettings | undefined {
  if (!config.ACCESS_TEAM_DOMAIN || config.ACCESS_AUD.length === 0) return undefined;
  return { teamDomain: config.ACCESS_TEAM_DOMAIN, audience: config.ACCESS_AUD };
}

// One key set per team domain and isolate: jose caches the keys (10 minutes) and refetches
// at most every 30 s when a token names a key it does not know (key rotation).
const keySets = new Map<string, ReturnType<typeof createRemoteJWKSet>>();

function keySetFor(teamDomain: string) {
  let keySet = keySets.get(teamDomain);
  if (!keySet) {
    keySet = createRemoteJWKSet(new URL("/cdn-cgi/access/certs", teamDomain));
    keySets.set(teamDomain, keySet);
  }
  return keySet;
}

/** Failures that say the token is bad, as opposed to the key set being unreachable. */
const TOKEN_ERRORS = new Set<string>([
  errors.JWTExpired.code,
  errors.JWTClaimValidationFailed.code,
  errors.JWTInvalid.code,
  errors.JWSInvalid.code,
  errors.JWSSignatureVerificationFailed.code,
  errors.JWKSNoMatchingKey.code,
  errors.JWKSMultipleMatchingKeys.code,
  errors.JOSEAlgNotAllowed.code,
  errors.JOSENotSupported.code,
]);

function describe(error: errors.JOSEError): string {
  if (error instanceof errors.JWTExpired) return "the Access token has expired";
  if (error instanceof errors.JWTClaimValidationFailed) return `the Access token's ${error.claim} claim does not match`;
  if (error instanceof errors.JWSSignatureVerificationFailed || error instanceof errors.JWKSNoMatchingKey)
    return "the Access token's signature does not verify";
  return "the Access token is malformed";
}

function identityOf(payload: JWTPayload): AccessIdentity {
  const email = typeof payload.email === "string" && payload.email ? payload.email : undefined;
  const commonName = typeof payload.common_name === "string" && payload.common_name ? payload.common_name : undefined;
  const id = payload.sub || commonName || email;
  if (!id) throw new AppError("unauthorized", "the Access token names no user or service token");
  return { id, name: email ?? commonName };
}

/**
 * Verifies an Access JWT (RS256, issuer = team domain, audience = the application's tag).
 * A bad token is 401; an unreachable or broken key set is 502, so an outage at Access
 * does not read as "signed out".
 */
export async function verifyAccessToken(token: string, settings: AccessSettings): Promise<AccessIdentity> {
  try {
    const { payload } = await jwtVerify(token, keySetFor(settings.teamDomain), {
      issuer: settings.teamDomain,
      audience: settings.audience,
      algorithms: ["RS256"],
    });
    return identityOf(payload);
  } catch (error) {
    if (error instanceof AppError) throw error;
    if (error instanceof errors.JOSEError && TOKEN_ERRORS.has(error.code)) {
      throw new AppError("unauthorized", describe(error), { "WWW-Authenticate": 'Bearer realm="agent-bot", error="invalid_token"' });
    }
    throw new AppError(
      "upstream_error",
      `cannot verify the Access token: the team's signing keys are unavailable (${error instanceof Error ? error.message : String(error)})`,
    );
  }
}
