// GET /api/session: the dashboard's "who am I" (Access sign-in is covered in access-auth.test.ts).
import { describe, expect, it } from "vitest";
import { api } from "./support";

describe("GET /api/session", () => {
  it("names the API token user", async () => {
    const res = await api("/api/session");
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(await res.json()).toEqual({ user: { id: "api-token", name: "API token", method: "token" } });
  });

  it("answers 401 in the standard error shape without valid credentials", async () => {
    for (const token of [null, "not-the-token"]) {
      const res = await api("/api/session", { token });
      expect(res.status).toBe(401);
      expect(await res.json()).toEqual({ error: { code: "unauthorized", message: expect.any(String) } });
    }
  });
});
