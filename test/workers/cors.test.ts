// CORS on /api for the dashboard deployed at another origin (Pages): DASHBOARD_URL's
// origin only, credentials allowed, preflights answered without a token.
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import worker from "../../workers/index";

const DASHBOARD = "https://dashboard.agent-bot.pages.dev";
const bindings: Env = { ...env, DASHBOARD_URL: `${DASHBOARD}/` } as Env;

async function call(path: string, init: RequestInit, withEnv: Env = bindings): Promise<Response> {
  const ctx = createExecutionContext();
  const res = await worker.fetch(new Request(`https://agent-bot.test${path}`, init), withEnv, ctx);
  await waitOnExecutionContext(ctx);
  return res;
}

function preflight(origin: string, method = "POST", headers = "authorization,content-type,idempotency-key") {
  return {
    method: "OPTIONS",
    headers: { origin, "access-control-request-method": method, "access-control-request-headers": headers },
  };
}

describe("CORS on /api", () => {
  it("answers the dashboard's preflight without a token", async () => {
    const res = await call("/api/tasks", preflight(DASHBOARD));
    expect(res.status).toBe(204);
    expect(res.headers.get("access-control-allow-origin")).toBe(DASHBOARD);
    expect(res.headers.get("access-control-allow-credentials")).toBe("true");
    expect(res.headers.get("access-control-allow-methods")).toBe("GET,POST,DELETE,OPTIONS");
    expect(res.headers.get("access-control-allow-headers")).toBe("Authorization,Content-Type,Idempotency-Key");
    expect(res.headers.get("access-control-max-age")).toBe("600");
    expect(res.headers.get("vary")).toContain("Origin");
  });

  it("allows no other origin, and never a wildcard", async () => {
    for (const origin of ["https://evil.example", "http://127.0.0.1:5173", "null"]) {
      const res = await call("/api/tasks", preflight(origin));
      expect(res.headers.get("access-control-allow-origin")).toBeNull();
    }
    const get = await call("/api/tasks", { headers: { origin: "https://evil.example", authorization: `Bearer ${env.API_TOKEN}` } });
    expect(get.status).toBe(200);
    expect(get.headers.get("access-control-allow-origin")).toBeNull();
  });

  it("allows the local Vite origin only when DASHBOARD_URL is it", async () => {
    const local = { ...env, DASHBOARD_URL: "http://127.0.0.1:5173" } as Env;
    const res = await call("/api/session", preflight("http://127.0.0.1:5173", "GET", "authorization"), local);
    expect(res.headers.get("access-control-allow-origin")).toBe("http://127.0.0.1:5173");
  });

  it("puts the headers on answers and on errors, so the dashboard can read a 401", async () => {
    const ok = await call("/api/session", { headers: { origin: DASHBOARD, authorization: `Bearer ${env.API_TOKEN}` } });
    expect(ok.status).toBe(200);
    expect(ok.headers.get("access-control-allow-origin")).toBe(DASHBOARD);
    expect(ok.headers.get("access-control-allow-credentials")).toBe("true");

    const denied = await call("/api/session", { headers: { origin: DASHBOARD } });
    expect(denied.status).toBe(401);
    expect(denied.headers.get("access-control-allow-origin")).toBe(DASHBOARD);
    expect(denied.headers.get("access-control-expose-headers")).toContain("www-authenticate");
  });

  it("leaves webhooks and /health alone", async () => {
    const res = await call("/health", { headers: { origin: DASHBOARD } });
    expect(res.headers.get("access-control-allow-origin")).toBeNull();
  });
});
