// The runner's HTTP surface, the routes of core/runner-protocol.ts:
//
//   POST /runs                          start a run (idempotent per taskId + attempt) → 202 { taskId, attempt }
//   GET  /runs/:taskId/events?after=N   NDJSON of the events with seq > N, then live ones; ends after `result`
//   GET  /runs/:taskId/session?attempt=N  the attempt's saved CLI session (after its result) → 200 SessionBundle, else 404
//   POST /runs/:taskId/cancel           stop the run → 200 { cancelled }
//   GET  /health                        → 200 { status: "ok", runs }
//
// Every route but /health needs `Authorization: Bearer <RUNNER_SECRET>` (or, during a rotation,
// RUNNER_SECRET_PREVIOUS; 401 otherwise):
// the runner starts processes and streams a task's output, so only the TaskAgent may call it.
//
// Nothing here waits on a run except cancel, which answers once the run has
// ended, so the caller knows its processes are gone.
import { createHash, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { errorMessage } from "../../core/error-message";
import { runRequestSchema, type RunnerEvent, type SessionBundle } from "../../core/runner-protocol";
import type { RunnerConfig } from "./config";
import { HttpError, readJson, sendError, sendJson } from "./http-io";
import { jsonLogger, type Logger } from "./log";
import type { Run } from "./run";
import { RunRegistry } from "./run-registry";
import { MAX_SESSION_BYTES } from "./session";

/**
 * A run request holds a prompt of at most a few tens of KB, and maybe a saved session (base64,
 * 4/3 of its bytes); this leaves room for both and caps abuse.
 */
const MAX_BODY_BYTES = 5 * 1024 * 1024 + Math.ceil((MAX_SESSION_BYTES * 4) / 3) + 64 * 1024;

export type RunnerServer = {
  server: Server;
  registry: RunRegistry;
  listen(): Promise<AddressInfo>;
  /** Stops taking runs, cancels the active ones, lets open streams end, closes the server. */
  shutdown(): Promise<void>;
};

export function createRunnerServer(config: RunnerConfig, logger: Logger = jsonLogger): RunnerServer {
  const registry = new RunRegistry(config, logger);
  const secretDigests = [sha256(config.secret), ...(config.previousSecret ? [sha256(config.previousSecret)] : [])];
  let shuttingDown = false;

  const server = createServer((req, res) => {
    route(req, res).catch((error: unknown) => {
      const httpError = error instanceof HttpError ? error : new HttpError("internal", "internal error");
      if (!(error instanceof HttpError))
        logger("error", "request failed", { method: req.method, url: req.url, error: errorMessage(error) });
      if (res.headersSent) res.destroy();
      else sendError(res, httpError);
    });
  });

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://runner");
    const parts = url.pathname.split("/").filter(Boolean).map(decodeSegment);
    const method = req.method ?? "GET";

    if (parts.length === 1 && parts[0] === "health") {
      allow(method, ["GET"]);
      return sendJson(res, 200, { status: "ok", runs: registry.activeCount });
    }
    // Before any other route, so an unauthenticated caller learns nothing (not even a 404).
    authenticate(req, secretDigests);
    if (parts.length === 1 && parts[0] === "runs") {
      allow(method, ["POST"]);
      return startRun(req, res);
    }
    if (parts.length === 3 && parts[0] === "runs" && parts[2] === "events") {
      allow(method, ["GET"]);
      return streamEvents(res, findRun(parts[1] ?? ""), afterParam(url));
    }
    if (parts.length === 3 && parts[0] === "runs" && parts[2] === "session") {
      allow(method, ["GET"]);
      return sendJson(res, 200, sessionOf(findRun(parts[1] ?? ""), url));
    }
    if (parts.length === 3 && parts[0] === "runs" && parts[2] === "cancel") {
      allow(method, ["POST"]);
      // Cancelling a run this runner does not know is not an error: there is nothing left running.
      return sendJson(res, 200, { cancelled: await registry.cancel(parts[1] ?? "") });
    }
    throw new HttpError("not_found", `no route for ${method} ${url.pathname}`);
  }

  async function startRun(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (shuttingDown) throw new HttpError("shutting_down", "the runner is shutting down");
    const parsed = runRequestSchema.safeParse(await readJson(req, MAX_BODY_BYTES));
    if (!parsed.success) {
      const message = parsed.error.issues.map((i) => `${i.path.join(".") || "body"}: ${i.message}`).join("; ");
      throw new HttpError("invalid_request", message);
    }
    const started = registry.start(parsed.data);
    if ("conflict" in started) throw new HttpError("stale_attempt", started.conflict);
    sendJson(res, 202, { taskId: parsed.data.taskId, attempt: started.run.request.attempt });
  }

  function findRun(taskId: string): Run {
    const run = registry.get(taskId);
    if (!run) throw new HttpError("not_found", `no run for task ${taskId}`);
    return run;
  }

  return {
    server,
    registry,
    listen: () =>
      new Promise((resolve, reject) => {
        server.once("error", reject);
        server.listen(config.port, config.host, () => {
          server.off("error", reject);
          resolve(server.address() as AddressInfo);
        });
      }),
    async shutdown() {
      shuttingDown = true;
      await registry.stopAll("shutdown", config.shutdownGraceMs);
      await registry.services.egress.close();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const timer = setTimeout(() => server.closeAllConnections(), config.shutdownGraceMs);
      timer.unref();
      await closed;
      clearTimeout(timer);
    },
  };
}

function sha256(text: string): Buffer {
  return createHash("sha256").update(text).digest();
}

/**
 * Compares digests, so the comparison takes the same time whatever the token's length or content;
 * during a rotation both secrets are compared every time.
 */
function authenticate(req: IncomingMessage, secretDigests: Buffer[]): void {
  const match = /^Bearer (.+)$/i.exec(req.headers.authorization ?? "");
  const offered = sha256(match?.[1] ?? "");
  const matches = secretDigests.map((digest) => timingSafeEqual(offered, digest));
  if (!match?.[1] || !matches.includes(true)) {
    throw new HttpError("unauthorized", "send Authorization: Bearer <RUNNER_SECRET>", { "www-authenticate": "Bearer" });
  }
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new HttpError("bad_request", `malformed path segment: ${segment}`);
  }
}

function allow(method: string, methods: string[]): void {
  if (!methods.includes(method)) {
    throw new HttpError("method_not_allowed", `use ${methods.join(" or ")}`, { allow: methods.join(", ") });
  }
}

/** The session an ended attempt saved; 404 for another attempt, one still running, or one with none. */
function sessionOf(run: Run, url: URL): SessionBundle {
  const raw = url.searchParams.get("attempt");
  if (raw !== null && !/^[1-9]\d*$/.test(raw)) throw new HttpError("bad_request", "`attempt` must be a positive integer");
  const attempt = raw === null ? run.request.attempt : Number(raw);
  const task = run.request.taskId;
  if (attempt !== run.request.attempt) throw new HttpError("not_found", `no attempt ${attempt} of task ${task} here`);
  if (!run.log.done) throw new HttpError("not_found", `attempt ${attempt} of task ${task} is still running`);
  if (!run.session) throw new HttpError("not_found", `attempt ${attempt} of task ${task} saved no session`);
  return run.session;
}

function afterParam(url: URL): number {
  const raw = url.searchParams.get("after");
  if (raw === null || raw === "") return 0;
  if (!/^\d+$/.test(raw)) throw new HttpError("bad_request", "`after` must be a non-negative integer");
  return Number(raw);
}

/** Replays the log past `after`, then follows it live until the `result` event. */
function streamEvents(res: ServerResponse, run: Run, after: number): void {
  res.writeHead(200, { "content-type": "application/x-ndjson", "cache-control": "no-store", "x-content-type-options": "nosniff" });
  const write = (event: RunnerEvent) => res.write(`${JSON.stringify(event)}\n`);
  // Replay and subscribe happen in the same tick, so no event can fall between them.
  for (const event of run.log.since(after)) write(event);
  if (run.log.done) {
    res.end();
    return;
  }
  res.flushHeaders();
  const unsubscribe = run.log.subscribe((event) => {
    if (event.seq <= after) return;
    write(event);
    if (event.type === "result") res.end();
  });
  res.on("close", unsubscribe);
}
