// The user every bearer of API_TOKEN is; a Cloudflare Access sign-in carries its own identity.
import type { ApiUser } from "../../core/api-types";

/** The API token is a shared secret, so every bearer of it is the same user. */
export const TOKEN_USER: ApiUser = { id: "api-token", name: "API token", method: "token" };
