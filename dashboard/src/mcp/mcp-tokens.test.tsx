import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import type { McpToken, OAuthGrant } from "../../../core/api-types";
import { fakeApi, json, renderWithApi, signedIn } from "../test/fake-api";
import { claudeMcpAddLines } from "./mcp-commands";
import { McpTokensPage } from "./mcp-tokens.page";

const existing: McpToken = {
  id: "mtk_old",
  name: "ci",
  servers: ["github"],
  access: "read",
  rateLimitPerSecond: null,
  taskId: null,
  scope: null,
  createdAt: 1_700_000_000_000,
  expiresAt: Date.now() + 86_400_000,
  revokedAt: null,
};

describe("MCP commands", () => {
  it("builds the claude mcp add lines docs/mcp.md gives", () => {
    expect(claudeMcpAddLines("http://127.0.0.1:8787", ["github", "agent-bot"], "mcp_x")).toEqual([
      'claude mcp add --transport http agent-bot-github http://127.0.0.1:8787/mcp/github --header "Authorization: Bearer mcp_x"',
      'claude mcp add --transport http agent-bot http://127.0.0.1:8787/mcp/agent-bot --header "Authorization: Bearer mcp_x"',
    ]);
  });
});

describe("McpTokensPage", () => {
  it("creates a token, shows it once with the claude mcp add line, and lists it", async () => {
    const fake = fakeApi({
      "GET /api/session": signedIn,
      "GET /api/mcp-tokens": () => json(200, { items: [existing] }),
      "GET /api/oauth-grants": () => json(200, { items: [] }),
      "POST /api/mcp-tokens": (request) =>
        json(201, { ...existing, id: "mtk_new", ...(request.body as object), createdAt: Date.now(), token: "mcp_secret" }),
    });
    renderWithApi(<McpTokensPage />, { fetch: fake.fetch, path: "/mcp-tokens" });
    await screen.findByText("ci");
    fireEvent.change(screen.getByLabelText("Name"), { target: { value: "my-laptop" } });
    fireEvent.click(screen.getByLabelText("github"));
    fireEvent.click(screen.getByLabelText("read + write"));
    fireEvent.click(screen.getByRole("button", { name: "Create token" }));

    expect((await screen.findByTestId("issued-token-value")).textContent).toBe("mcp_secret");
    expect(fake.calls("POST", "/api/mcp-tokens")[0]?.body).toEqual({
      name: "my-laptop",
      servers: ["github", "agent-bot"],
      access: "write",
      expiresInSeconds: 2_592_000,
    });
    expect(screen.getByTestId("claude-mcp-add").textContent).toContain(
      `claude mcp add --transport http agent-bot-github ${window.location.origin}/mcp/github --header "Authorization: Bearer mcp_secret"`,
    );
    expect(screen.getAllByTestId("mcp-token-row")).toHaveLength(2);

    fireEvent.click(screen.getByRole("button", { name: "Done, hide the token" }));
    expect(screen.queryByText("mcp_secret")).toBeNull();
  });

  it("revokes after a confirmation", async () => {
    const fake = fakeApi({
      "GET /api/session": signedIn,
      "GET /api/mcp-tokens": () => json(200, { items: [existing] }),
      "GET /api/oauth-grants": () => json(200, { items: [] }),
      "DELETE /api/mcp-tokens/mtk_old": () => json(200, { ...existing, revokedAt: Date.now() }),
    });
    renderWithApi(<McpTokensPage />, { fetch: fake.fetch, path: "/mcp-tokens" });
    fireEvent.click(await screen.findByRole("button", { name: "Revoke ci" }));
    expect(fake.calls("DELETE", "/api/mcp-tokens/mtk_old")).toHaveLength(0);
    fireEvent.click(screen.getByRole("button", { name: "Confirm revoke ci" }));
    const row = screen.getByTestId("mcp-token-row");
    await waitFor(() => expect(within(row).getByText("revoked")).toBeTruthy());
    expect(fake.calls("DELETE", "/api/mcp-tokens/mtk_old")).toHaveLength(1);
  });
});

const grant: OAuthGrant = {
  id: "grant1",
  principalId: "oauth_grant1",
  clientId: "client1",
  name: "Claude",
  servers: ["github", "jira"],
  access: "read",
  scope: ["github:read", "jira:read"],
  resource: "http://127.0.0.1:8787",
  approvedBy: "API token",
  createdAt: 1_700_000_000_000,
  expiresAt: Date.now() + 86_400_000,
};

describe("OAuth connections on the MCP page", () => {
  it("lists grants and revokes one after a confirmation", async () => {
    const fake = fakeApi({
      "GET /api/session": signedIn,
      "GET /api/mcp-tokens": () => json(200, { items: [] }),
      "GET /api/oauth-grants": () => json(200, { items: [grant] }),
      "DELETE /api/oauth-grants/grant1": () => json(200, { id: "grant1", revoked: true }),
    });
    renderWithApi(<McpTokensPage />, { fetch: fake.fetch, path: "/mcp-tokens" });
    const row = await screen.findByTestId("oauth-grant-row");
    expect(within(row).getByText("Claude")).toBeTruthy();
    expect(within(row).getByText("github, jira")).toBeTruthy();
    fireEvent.click(screen.getByRole("button", { name: "Revoke grant Claude" }));
    expect(fake.calls("DELETE", "/api/oauth-grants/grant1")).toHaveLength(0);
    fireEvent.click(screen.getByRole("button", { name: "Confirm revoke Claude" }));
    await waitFor(() => expect(screen.queryByTestId("oauth-grant-row")).toBeNull());
    expect(fake.calls("DELETE", "/api/oauth-grants/grant1")).toHaveLength(1);
    expect(fake.unexpected).toEqual([]);
  });
});
