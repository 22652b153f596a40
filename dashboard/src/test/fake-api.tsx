// A fake Worker for component tests: routes "METHOD /path" to handlers, records
// every request, and fails the test on a request no handler expects.
import { render, type RenderResult } from "@testing-library/react";
import type { ReactNode } from "react";
import { Router } from "wouter";
import { memoryLocation } from "wouter/memory-location";
import { vi } from "vitest";
import { ApiClient } from "../api/api-client";
import { SessionProvider } from "../auth/session";

export const ORIGIN = "http://dash.test";

export interface RecordedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: Headers;
  body: unknown;
}

export type Handler = (request: RecordedRequest) => Response | Promise<Response>;

export function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });
}

export function apiError(status: number, code: string, message: string): Response {
  return json(status, { error: { code, message } });
}

export function fakeApi(routes: Record<string, Handler>) {
  const requests: RecordedRequest[] = [];
  const unexpected: string[] = [];
  const fetch = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = new URL(String(input));
    const request: RecordedRequest = {
      method: init?.method ?? "GET",
      path: url.pathname,
      query: url.searchParams,
      headers: new Headers(init?.headers),
      body: typeof init?.body === "string" ? JSON.parse(init.body) : undefined,
    };
    requests.push(request);
    const handler = routes[`${request.method} ${request.path}`];
    if (!handler) {
      unexpected.push(`${request.method} ${url.pathname}${url.search}`);
      return apiError(500, "unexpected_request", `no fake for ${request.method} ${request.path}`);
    }
    return handler(request);
  });
  return {
    fetch: fetch as unknown as typeof globalThis.fetch,
    requests,
    unexpected,
    calls: (method: string, path: string) => requests.filter((r) => r.method === method && r.path === path),
  };
}

export const signedIn: Handler = () => json(200, { user: { id: "token", method: "token" } });

/** Renders `ui` inside the session (with a client on the fake fetch) and a memory router at `path`. */
export function renderWithApi(
  ui: ReactNode,
  options: { fetch: typeof fetch; path?: string },
): RenderResult & { location: ReturnType<typeof memoryLocation> } {
  const location = memoryLocation({ path: options.path ?? "/", record: true });
  const createClient = (callbacks: { getToken: () => string | null; onUnauthorized: () => void }) =>
    new ApiClient({ baseUrl: "", origin: ORIGIN, fetch: options.fetch, ...callbacks });
  const result = render(
    <SessionProvider createClient={createClient}>
      <Router hook={location.hook} searchHook={location.searchHook}>
        {ui}
      </Router>
    </SessionProvider>,
  );
  return { ...result, location };
}
