// Who an API request is from, as requireApiToken establishes it and GET /api/session reports it.
export interface ApiUser {
  id: string;
  name?: string;
  method: "token" | "access";
}

/** The API token is a shared secret, so every bearer of it is the same user. */
export const TOKEN_USER: ApiUser = { id: "api-token", name: "API token", method: "token" };
