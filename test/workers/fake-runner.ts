// A scripted stand-in for the agent runner's HTTP protocol (core/runner-protocol.ts),
// installed by intercepting fetch to RUNNER_URL. The TaskAgent runs in the test's
// isolate, so it talks to this fake through its real runner client.
import { vi } from "vitest";
import { runRequestSchema, type RunRequest, type RunnerEvent, type RunnerEventInput, type SessionBundle } from "../../core/runner-protocol";

export const RUNNER_URL = "http://runner.test";
/** The Worker's RUNNER_SECRET in vitest.config.ts; like the real runner, the fake refuses calls without it. */
export const RUNNER_SECRET = "test-runner-secret-0123456789abcdef";

interface FakeRun {
  request: RunRequest;
  events: RunnerEvent[];
  cancelled: boolean;
}

export class FakeRunner {
  readonly runs = new Map<string, FakeRun>();
  readonly requests: { method: string; path: string }[] = [];
  /** What a new run emits on its own; tests add more with emit(). */
  script: (request: RunRequest) => RunnerEventInput[] = () => [];
  /** Set to make the runner unreachable (every request throws). */
  down = false;
  /** Set to make event streams end after this many events without a result (a dropped connection). */
  dropAfter: number | undefined;
  /** Every run request, in order (`runs` keeps only each task's latest). */
  readonly started: RunRequest[] = [];
  /** The CLI session a run leaves, served at GET /runs/:taskId/session?attempt=N; none by default. */
  session: (request: RunRequest) => SessionBundle | undefined = () => undefined;
  private readonly sessions = new Map<string, SessionBundle>();

  emit(taskId: string, ...events: RunnerEventInput[]): void {
    const run = this.runs.get(taskId);
    if (!run) throw new Error(`no run for ${taskId}`);
    for (const event of events) run.events.push({ ...event, seq: run.events.length + 1, at: Date.now() } as RunnerEvent);
  }

  async handle(request: Request): Promise<Response> {
    const url = new URL(request.url);
    this.requests.push({ method: request.method, path: url.pathname + url.search });
    if (this.down) throw new TypeError("fetch failed: connection refused");
    if (request.headers.get("authorization") !== `Bearer ${RUNNER_SECRET}`)
      return Response.json({ error: { code: "unauthorized", message: "no or wrong RUNNER_SECRET" } }, { status: 401 });
    if (request.method === "POST" && url.pathname === "/runs") {
      const body = runRequestSchema.parse(await request.json());
      const existing = this.runs.get(body.taskId);
      if (!existing || existing.request.attempt !== body.attempt) {
        this.runs.set(body.taskId, { request: body, events: [], cancelled: false });
        this.started.push(body);
        const session = this.session(body);
        if (session) this.sessions.set(`${body.taskId}#${body.attempt}`, session);
        this.emit(body.taskId, ...this.script(body));
      }
      return Response.json({ taskId: body.taskId, attempt: body.attempt }, { status: 202 });
    }
    const match = url.pathname.match(/^\/runs\/([^/]+)\/(events|cancel|session)$/);
    const run = match && this.runs.get(decodeURIComponent(match[1]!));
    if (!match || !run) return Response.json({ error: { code: "not_found", message: "no such run" } }, { status: 404 });
    if (match[2] === "session") {
      const session = this.sessions.get(`${run.request.taskId}#${url.searchParams.get("attempt")}`);
      return session ? Response.json(session) : Response.json({ error: { code: "not_found", message: "no session" } }, { status: 404 });
    }
    if (match[2] === "cancel") {
      run.cancelled = true;
      if (!run.events.some((e) => e.type === "result"))
        this.emit(run.request.taskId, { type: "result", outcome: "cancelled", summary: "cancelled" });
      return Response.json({ cancelled: true });
    }
    return new Response(this.stream(run, Number(url.searchParams.get("after") ?? 0), request.signal), {
      headers: { "content-type": "application/x-ndjson" },
    });
  }

  private stream(run: FakeRun, after: number, signal: AbortSignal): ReadableStream<Uint8Array> {
    const encoder = new TextEncoder();
    let next = after;
    let sent = 0;
    const limit = this.dropAfter;
    return new ReadableStream({
      pull: async (controller) => {
        while (true) {
          if (signal.aborted) return controller.close();
          const event = run.events[next];
          if (event) {
            next++;
            sent++;
            controller.enqueue(encoder.encode(`${JSON.stringify(event)}\n`));
            if (event.type === "result" || (limit !== undefined && sent >= limit)) controller.close();
            return;
          }
          // Polls rather than waiting on a callback: a stream belongs to the Durable
          // Object that opened it, and the test's emit() runs in another context.
          await new Promise((resolve) => setTimeout(resolve, 10));
        }
      },
    });
  }
}

export type Handler = (request: Request) => Promise<Response> | Response;

/**
 * Routes fetch calls for RUNNER_URL to a fresh FakeRunner, and calls to other
 * hosts to the given handlers; anything else fails, so no test talks to the network.
 */
export function installFakeRunner(hosts: Record<string, Handler> = {}): FakeRunner {
  const fake = new FakeRunner();
  vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
    const request = new Request(input, init);
    if (request.url.startsWith(RUNNER_URL)) return fake.handle(request);
    const handler = hosts[new URL(request.url).host];
    if (handler) return handler(request);
    throw new TypeError(`unexpected request in test: ${request.method} ${request.url}`);
  });
  return fake;
}
