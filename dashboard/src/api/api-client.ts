// One client for every API call: it adds the bearer token, reads the Worker's
// error shape `{ error: { code, message } }`, and reports a 401 so the app can
// return to sign-in. The WebSocket URL derives from the same base URL.
import type {
  Analytics,
  ApiUser,
  CreateTaskInput,
  DeadLetter,
  Delivery,
  IssueMcpTokenInput,
  McpToken,
  OAuthGrant,
  Page,
  ReplayResult,
  TaskDetail,
  TaskRow,
} from "../../../core/api-types";
import type { GraphEntity, Neighbourhood } from "../../../core/graph-types";
import type { TaskLogEntry, TaskState } from "../../../core/task-types";

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

export interface ApiClientOptions {
  /** The Worker's origin (and optional path prefix); "" for the page's own origin. */
  baseUrl: string;
  /** The API token to send, read on every request; null when Access (a cookie) signs the request. */
  getToken: () => string | null;
  /** Called on any 401, before the error is thrown. */
  onUnauthorized?: (error: ApiError) => void;
  fetch?: typeof fetch;
  /** The page origin, for resolving a relative base URL (tests pass one). */
  origin?: string;
}

export interface RequestOptions {
  method?: string;
  query?: Record<string, string | number | undefined | null>;
  body?: unknown;
  headers?: Record<string, string>;
  signal?: AbortSignal;
  /** Use this token instead of the stored one (checking a token at sign-in). */
  token?: string;
  /** Do not call onUnauthorized for a 401 (the sign-in check reports it itself). */
  quietUnauthorized?: boolean;
}

export type Query = Record<string, string | number | undefined | null>;

function queryString(query: Query | undefined): string {
  if (!query) return "";
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== null && value !== "") params.set(key, String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : "";
}

async function errorFrom(response: Response): Promise<ApiError> {
  const text = await response.text().catch(() => "");
  try {
    const body = JSON.parse(text) as { error?: { code?: unknown; message?: unknown } };
    if (body.error && typeof body.error.code === "string") {
      return new ApiError(response.status, body.error.code, typeof body.error.message === "string" ? body.error.message : body.error.code);
    }
  } catch {
    // Not JSON (a proxy's HTML error page, say): fall through to the status line.
  }
  return new ApiError(response.status, `http_${response.status}`, `${response.status} ${response.statusText || "request failed"}`.trim());
}

export class ApiClient {
  private readonly fetchImpl: typeof fetch;
  private readonly origin: string;

  constructor(private readonly options: ApiClientOptions) {
    this.fetchImpl = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
    this.origin = options.origin ?? globalThis.location?.origin ?? "http://localhost";
  }

  /** Absolute URL of an API path. */
  url(path: string, query?: Query): string {
    return new URL(`${this.options.baseUrl}${path}${queryString(query)}`, this.origin).toString();
  }

  /** The live feed's URL: same base, ws(s) scheme, the token as a query parameter (browsers cannot set headers on a WebSocket). */
  liveUrl(taskId: string, after: number): string {
    const url = new URL(this.url(`/api/tasks/${encodeURIComponent(taskId)}/live`));
    url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
    const token = this.options.getToken();
    if (token) url.searchParams.set("token", token);
    url.searchParams.set("after", String(after));
    return url.toString();
  }

  async request<T>(path: string, options: RequestOptions = {}): Promise<T> {
    const headers: Record<string, string> = { accept: "application/json", ...options.headers };
    const token = options.token ?? this.options.getToken();
    if (token) headers.authorization = `Bearer ${token}`;
    if (options.body !== undefined) headers["content-type"] = "application/json";
    const url = this.url(path, options.query);
    let response: Response;
    try {
      response = await this.fetchImpl(url, {
        method: options.method ?? "GET",
        headers,
        body: options.body === undefined ? undefined : JSON.stringify(options.body),
        signal: options.signal,
        // Cloudflare Access signs requests with a cookie; another origin only gets it with "include".
        credentials: new URL(url).origin === this.origin ? "same-origin" : "include",
      });
    } catch (error) {
      if (error instanceof DOMException && error.name === "AbortError") throw error;
      throw new ApiError(0, "network_error", `could not reach the API: ${error instanceof Error ? error.message : String(error)}`);
    }
    if (!response.ok) {
      const error = await errorFrom(response);
      if (response.status === 401 && !options.quietUnauthorized) this.options.onUnauthorized?.(error);
      throw error;
    }
    if (response.status === 204) return undefined as T;
    return (await response.json()) as T;
  }

  // ---- endpoints -----------------------------------------------------------

  session(options: Pick<RequestOptions, "token" | "quietUnauthorized" | "signal"> = {}) {
    return this.request<{ user: ApiUser }>("/api/session", options);
  }

  listTasks(query: Query, signal?: AbortSignal) {
    return this.request<Page<TaskRow>>("/api/tasks", { query, signal });
  }

  getTask(id: string, signal?: AbortSignal) {
    return this.request<TaskDetail>(`/api/tasks/${encodeURIComponent(id)}`, { signal });
  }

  taskLogs(id: string, after: number, signal?: AbortSignal) {
    return this.request<{ items: TaskLogEntry[]; next: number }>(`/api/tasks/${encodeURIComponent(id)}/logs`, { query: { after }, signal });
  }

  createTask(input: CreateTaskInput, idempotencyKey: string) {
    return this.request<{ id: string; created: boolean; state: TaskState }>("/api/tasks", {
      method: "POST",
      body: input,
      headers: { "idempotency-key": idempotencyKey },
    });
  }

  cancelTask(id: string) {
    return this.request<{ state: TaskState }>(`/api/tasks/${encodeURIComponent(id)}/cancel`, { method: "POST" });
  }

  retryTask(id: string) {
    return this.request<{ state: TaskState }>(`/api/tasks/${encodeURIComponent(id)}/retry`, { method: "POST" });
  }

  listDeliveries(query: Query, signal?: AbortSignal) {
    return this.request<Page<Delivery>>("/api/events", { query, signal });
  }

  listDeadLetters(query: Query, signal?: AbortSignal) {
    return this.request<Page<DeadLetter>>("/api/dead-letters", { query, signal });
  }

  replayDeadLetter(id: string) {
    return this.request<ReplayResult>(`/api/dead-letters/${encodeURIComponent(id)}/replay`, { method: "POST" });
  }

  analytics(query: { from: string; to: string }, signal?: AbortSignal) {
    return this.request<Analytics>("/api/analytics", { query, signal });
  }

  searchGraph(q: string, types: string | undefined, signal?: AbortSignal) {
    return this.request<{ items: GraphEntity[] }>("/api/graph/search", { query: { q, types, limit: 25 }, signal });
  }

  graphNeighbours(id: string, depth = 1, signal?: AbortSignal) {
    return this.request<Neighbourhood>(`/api/graph/entities/${encodeURIComponent(id)}/neighbors`, { query: { depth, limit: 100 }, signal });
  }

  listMcpTokens(signal?: AbortSignal) {
    return this.request<{ items: McpToken[] }>("/api/mcp-tokens", { signal });
  }

  issueMcpToken(input: IssueMcpTokenInput) {
    return this.request<McpToken & { token: string }>("/api/mcp-tokens", { method: "POST", body: input });
  }

  revokeMcpToken(id: string) {
    return this.request<McpToken>(`/api/mcp-tokens/${encodeURIComponent(id)}`, { method: "DELETE" });
  }

  listOAuthGrants(signal?: AbortSignal) {
    return this.request<{ items: OAuthGrant[] }>("/api/oauth-grants", { signal });
  }

  revokeOAuthGrant(id: string) {
    return this.request<{ id: string; revoked: true }>(`/api/oauth-grants/${encodeURIComponent(id)}`, { method: "DELETE" });
  }
}
