import { fireEvent, screen, waitFor } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { App } from "../app";
import { apiError, fakeApi, json, renderWithApi, type Handler } from "../test/fake-api";
import { tokenStore } from "./token-store";

const emptyTasks: Handler = () => json(200, { items: [], nextCursor: null });

describe("sign-in", () => {
  it("shows the sign-in form when the session check is 401, and signs in with a valid token", async () => {
    const fake = fakeApi({
      "GET /api/session": (request) =>
        request.headers.get("authorization") === "Bearer good-token"
          ? json(200, { user: { id: "token", method: "token" } })
          : apiError(401, "unauthorized", "no"),
      "GET /api/tasks": emptyTasks,
    });
    renderWithApi(<App />, { fetch: fake.fetch, path: "/tasks" });

    const input = await screen.findByLabelText("API token");
    fireEvent.change(input, { target: { value: "bad-token" } });
    fireEvent.click(screen.getByRole("button", { name: "Sign in" }));
    expect((await screen.findByRole("alert")).textContent).toBe("That token was not accepted.");
    expect(tokenStore.get()).toBeNull();

    fireEvent.change(input, { target: { value: "good-token" } });
    fireEvent.click(screen.getByRole("button", { name: "Sign in" }));
    expect(await screen.findByRole("heading", { name: "Tasks" })).toBeTruthy();
    expect(tokenStore.get()).toBe("good-token");
    await waitFor(() => expect(fake.calls("GET", "/api/tasks")[0]?.headers.get("authorization")).toBe("Bearer good-token"));
  });

  it("uses a token kept in session storage without asking again", async () => {
    tokenStore.set("kept-token");
    const fake = fakeApi({ "GET /api/session": () => json(200, { user: { id: "token", method: "token" } }), "GET /api/tasks": emptyTasks });
    renderWithApi(<App />, { fetch: fake.fetch, path: "/tasks" });
    expect(await screen.findByRole("heading", { name: "Tasks" })).toBeTruthy();
    expect(fake.calls("GET", "/api/session")[0]?.headers.get("authorization")).toBe("Bearer kept-token");
  });

  it("signs in without a token when Cloudflare Access already authenticates the page", async () => {
    const fake = fakeApi({
      "GET /api/session": () => json(200, { user: { id: "ops@example.com", name: "Ops", method: "access" } }),
      "GET /api/tasks": emptyTasks,
    });
    renderWithApi(<App />, { fetch: fake.fetch, path: "/tasks" });
    expect(await screen.findByRole("heading", { name: "Tasks" })).toBeTruthy();
    expect(screen.getByText("Ops")).toBeTruthy();
    expect(fake.calls("GET", "/api/session")[0]?.headers.has("authorization")).toBe(false);
    expect(screen.queryByLabelText("API token")).toBeNull();
  });

  it("returns to sign-in with a message, and forgets the token, when any API call gets a 401", async () => {
    tokenStore.set("revoked-token");
    const fake = fakeApi({
      "GET /api/session": () => json(200, { user: { id: "token", method: "token" } }),
      "GET /api/tasks": () => apiError(401, "unauthorized", "missing or wrong API token"),
    });
    renderWithApi(<App />, { fetch: fake.fetch, path: "/tasks" });
    expect(await screen.findByLabelText("API token")).toBeTruthy();
    expect(screen.getByRole("status").textContent).toMatch(/session has ended/);
    expect(tokenStore.get()).toBeNull();
  });

  it("signs out on request", async () => {
    tokenStore.set("t");
    const fake = fakeApi({ "GET /api/session": () => json(200, { user: { id: "token", method: "token" } }), "GET /api/tasks": emptyTasks });
    renderWithApi(<App />, { fetch: fake.fetch, path: "/tasks" });
    fireEvent.click(await screen.findByRole("button", { name: "Sign out" }));
    expect(await screen.findByLabelText("API token")).toBeTruthy();
    expect(tokenStore.get()).toBeNull();
  });
});
