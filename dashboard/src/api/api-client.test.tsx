import { describe, expect, it, vi } from "vitest";
import { ApiClient, ApiError } from "./api-client";
import { apiError, fakeApi, json } from "../test/fake-api";

function client(fetch: typeof globalThis.fetch, token: string | null = "secret-token", onUnauthorized = vi.fn(), baseUrl = "") {
  return { api: new ApiClient({ baseUrl, origin: "http://dash.test", fetch, getToken: () => token, onUnauthorized }), onUnauthorized };
}

describe("ApiClient", () => {
  it("sends the stored token as a bearer header and drops empty query values", async () => {
    const fake = fakeApi({ "GET /api/tasks": () => json(200, { items: [], nextCursor: null }) });
    const { api } = client(fake.fetch);
    await api.listTasks({ vendor: "github", status: "", repository: undefined, limit: 25 });
    const [request] = fake.requests;
    expect(request?.headers.get("authorization")).toBe("Bearer secret-token");
    expect(request?.query.toString()).toBe("vendor=github&limit=25");
  });

  it("sends no authorization header without a token (Cloudflare Access signs with a cookie)", async () => {
    const fake = fakeApi({ "GET /api/session": () => json(200, { user: { id: "a@example.com", method: "access" } }) });
    const { api } = client(fake.fetch, null);
    await expect(api.session()).resolves.toEqual({ user: { id: "a@example.com", method: "access" } });
    expect(fake.requests[0]?.headers.has("authorization")).toBe(false);
  });

  it("turns the Worker's error shape into an ApiError with status, code and message", async () => {
    const fake = fakeApi({ "POST /api/tasks/t1/retry": () => apiError(409, "conflict", "a running task cannot be retried") });
    const { api, onUnauthorized } = client(fake.fetch);
    const error = await api.retryTask("t1").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 409, code: "conflict", message: "a running task cannot be retried" });
    expect(onUnauthorized).not.toHaveBeenCalled();
  });

  it("reports a 401 to onUnauthorized (sign-out) and still throws", async () => {
    const fake = fakeApi({ "GET /api/events": () => apiError(401, "unauthorized", "missing or wrong API token") });
    const { api, onUnauthorized } = client(fake.fetch);
    await expect(api.listDeliveries({})).rejects.toMatchObject({ status: 401, code: "unauthorized" });
    expect(onUnauthorized).toHaveBeenCalledTimes(1);
  });

  it("does not report a 401 when asked to stay quiet (the sign-in check)", async () => {
    const fake = fakeApi({ "GET /api/session": () => apiError(401, "unauthorized", "no") });
    const { api, onUnauthorized } = client(fake.fetch);
    await expect(api.session({ token: "wrong", quietUnauthorized: true })).rejects.toMatchObject({ status: 401 });
    expect(fake.requests[0]?.headers.get("authorization")).toBe("Bearer wrong");
    expect(onUnauthorized).not.toHaveBeenCalled();
  });

  it("keeps a non-JSON error readable", async () => {
    const fetch = vi.fn(async () => new Response("<html>bad gateway</html>", { status: 502, statusText: "Bad Gateway" }));
    const { api } = client(fetch as unknown as typeof globalThis.fetch);
    await expect(api.listTasks({})).rejects.toMatchObject({ status: 502, code: "http_502", message: "502 Bad Gateway" });
  });

  it("reports an unreachable Worker as a network error", async () => {
    const fetch = vi.fn(async () => {
      throw new TypeError("Failed to fetch");
    });
    const { api } = client(fetch as unknown as typeof globalThis.fetch);
    await expect(api.listTasks({})).rejects.toMatchObject({ status: 0, code: "network_error" });
  });

  it("sends JSON bodies and the idempotency key when creating a task", async () => {
    const fake = fakeApi({ "POST /api/tasks": () => json(201, { id: "task_x", created: true, state: {} }) });
    const { api } = client(fake.fetch);
    await api.createTask({ repository: "o/r", prompt: "do it", cli: "claude" }, "key-1");
    const [request] = fake.requests;
    expect(request?.headers.get("content-type")).toBe("application/json");
    expect(request?.headers.get("idempotency-key")).toBe("key-1");
    expect(request?.body).toEqual({ repository: "o/r", prompt: "do it", cli: "claude" });
  });

  it("derives every URL, the WebSocket included, from the configured base URL", async () => {
    const fake = fakeApi({ "GET /api/tasks": () => json(200, { items: [], nextCursor: null }) });
    const { api } = client(fake.fetch, "tok en", vi.fn(), "https://agent-bot.example.com");
    expect(api.url("/api/tasks", { limit: 5 })).toBe("https://agent-bot.example.com/api/tasks?limit=5");
    expect(api.liveUrl("task_1", 42)).toBe("wss://agent-bot.example.com/api/tasks/task_1/live?token=tok+en&after=42");
    await api.listTasks({});
    expect(vi.mocked(fake.fetch).mock.calls[0]?.[1]?.credentials).toBe("include");

    const local = client(fake.fetch, "t").api;
    expect(local.liveUrl("a/b", 0)).toBe("ws://dash.test/api/tasks/a%2Fb/live?token=t&after=0");
  });
});
