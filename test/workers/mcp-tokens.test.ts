// The MCP token API behind API_TOKEN: issue (secret shown once, SHA-256 stored),
// list (no secrets), revoke.
import { describe, expect, it } from "vitest";
import { sha256Hex } from "../../workers/security/hmac";
import { api, rows } from "./support";

async function issue(body: Record<string, unknown>) {
  return api("/api/mcp-tokens", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
}

describe("MCP token API", () => {
  it("issues a token once and stores only its SHA-256", async () => {
    const before = Date.now();
    const res = await issue({ name: "laptop", servers: ["github", "agent-bot"], access: "write", expiresInSeconds: 3600 });
    expect(res.status).toBe(201);
    expect(res.headers.get("cache-control")).toBe("no-store");
    const body = (await res.json()) as { id: string; token: string; servers: string[]; access: string; expiresAt: number };
    expect(body.token).toMatch(/^mcp_[\w-]{43}$/);
    expect(body).toMatchObject({ servers: ["github", "agent-bot"], access: "write" });
    expect(body.expiresAt).toBeGreaterThanOrEqual(before + 3_600_000);
    expect(body.expiresAt).toBeLessThanOrEqual(Date.now() + 3_600_000);

    const [row] = await rows<Record<string, unknown>>("SELECT * FROM mcp_tokens WHERE id = ?", body.id);
    expect(row!.token_hash).toBe(await sha256Hex(body.token));
    expect(Object.values(row!)).not.toContain(body.token);
  });

  it("lists tokens without secrets or hashes", async () => {
    const { id, token } = (await (await issue({ name: "list-me", servers: ["github"] })).json()) as { id: string; token: string };
    const res = await api("/api/mcp-tokens");
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).not.toContain(token);
    expect(text).not.toContain(await sha256Hex(token));
    const listed = (JSON.parse(text) as { items: Record<string, unknown>[] }).items.find((t) => t.id === id);
    expect(listed).toMatchObject({ name: "list-me", servers: ["github"], access: "read", revokedAt: null });
    expect(listed).not.toHaveProperty("token");
    expect(listed).not.toHaveProperty("tokenHash");
  });

  it("takes an optional resource scope; without one a token reaches every resource (scope: null)", async () => {
    const scope = { repositories: ["acme/api"], issues: ["acme/api#7"], slack: [{ channel: "C0SCOPED" }] };
    const scoped = (await (await issue({ name: "scoped", servers: ["github", "slack"], scope })).json()) as { id: string };
    const open = (await (await issue({ name: "open", servers: ["github"] })).json()) as { id: string };
    const { items } = (await (await api("/api/mcp-tokens")).json()) as { items: { id: string; scope: unknown }[] };
    expect(items.find((t) => t.id === scoped.id)?.scope).toEqual({
      taskId: null,
      repositories: ["acme/api"],
      issues: ["acme/api#7"],
      slack: [{ channel: "C0SCOPED", threadTs: null }],
      jiraProjects: [],
      jiraIssues: [],
      sentryIssues: [],
    });
    expect(items.find((t) => t.id === open.id)?.scope).toBeNull();

    for (const bad of [{ repositories: ["../orgs"] }, { issues: ["acme/api"] }, { slack: [{ channel: "general" }] }, { gitlab: [] }]) {
      expect((await issue({ name: "x", servers: ["github"], scope: bad })).status, JSON.stringify(bad)).toBe(400);
    }
  });

  it("revokes a token, and 404s an unknown one", async () => {
    const { id } = (await (await issue({ name: "revoke-me", servers: ["github"] })).json()) as { id: string };
    const res = await api(`/api/mcp-tokens/${id}`, { method: "DELETE" });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { revokedAt: number }).revokedAt).toEqual(expect.any(Number));
    expect((await api("/api/mcp-tokens/mtk_nope", { method: "DELETE" })).status).toBe(404);
  });

  it("rejects bad requests (400) and callers without the API token (401)", async () => {
    expect((await issue({ name: "x", servers: [] })).status).toBe(400);
    expect((await issue({ name: "x", servers: ["gitlab"] })).status).toBe(400);
    expect((await issue({ name: "x", servers: ["github"], access: "admin" })).status).toBe(400);
    const anonymous = await api("/api/mcp-tokens", { token: null });
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get("www-authenticate")).toContain("Bearer");
  });
});
