// The agent's way out to the model API and the MCP servers. Credentials never
// enter the agent's processes: the CLI is pointed at this proxy (on
// 127.0.0.1, owned by the runner's user), which adds each credential for its
// own destination only, on the way out. A run's routes live under a random
// capability in the path that dies with the run; the proxy forwards only to
// the destinations a run registered, so it is no open proxy, and it drops any
// credential the agent sends (Authorization, x-api-key, cookies) before adding
// the real one. Bodies stream both ways (the model's SSE, MCP's streamable HTTP).
import { randomBytes } from "node:crypto";
import {
  createServer,
  type IncomingMessage,
  type OutgoingHttpHeaders,
  request as httpRequest,
  type Server,
  type ServerResponse,
} from "node:http";
import { request as httpsRequest } from "node:https";
import type { AddressInfo } from "node:net";
import { pipeline } from "node:stream";
import { errorMessage } from "../../core/error-message";

/** Where a route forwards to, and the headers (credentials) added there. */
export type EgressRoute = { upstream: string; headers: Record<string, string> };

export type EgressLease = {
  /** The URL the agent uses for `route`; paths below it are appended to the route's upstream. */
  urlFor(route: string): string;
  close(): void;
};

// Hop-by-hop headers (RFC 9110 §7.6.1) and anything that could carry a credential from the agent.
const DROPPED_REQUEST_HEADERS = new Set([
  "connection",
  "keep-alive",
  "proxy-authorization",
  "proxy-connection",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
  "host",
  "authorization",
  "x-api-key",
  "cookie",
]);
const DROPPED_RESPONSE_HEADERS = new Set(["connection", "keep-alive", "transfer-encoding", "set-cookie"]);

export class EgressProxy {
  private server: Server | undefined;
  private listening: Promise<number> | undefined;
  private readonly runs = new Map<string, Map<string, EgressRoute>>();

  /** Registers a run's routes; starts the proxy on first use. */
  async open(routes: Record<string, EgressRoute>): Promise<EgressLease> {
    const port = await this.start();
    const capability = randomBytes(24).toString("base64url");
    this.runs.set(capability, new Map(Object.entries(routes)));
    return {
      urlFor: (route) => {
        if (!routes[route]) throw new Error(`no egress route ${route}`);
        return `http://127.0.0.1:${port}/${capability}/${route}`;
      },
      close: () => {
        this.runs.delete(capability);
      },
    };
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    this.listening = undefined;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private start(): Promise<number> {
    this.listening ??= new Promise((resolve, reject) => {
      const server = createServer((req, res) => this.forward(req, res));
      this.server = server;
      server.once("error", reject);
      server.listen(0, "127.0.0.1", () => resolve((server.address() as AddressInfo).port));
    });
    return this.listening;
  }

  private forward(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? "/", "http://egress");
    const [, capability = "", name = "", ...rest] = url.pathname.split("/");
    const route = this.runs.get(capability)?.get(name);
    if (!route) {
      reply(res, 404, "no such egress route (the run may have ended)");
      return;
    }

    const target = new URL(route.upstream);
    const below = rest.join("/");
    if (below) target.pathname = `${target.pathname.replace(/\/+$/, "")}/${below}`;
    if (url.search) target.search = url.search;

    const headers: OutgoingHttpHeaders = {};
    for (const [key, value] of Object.entries(req.headers)) {
      if (value !== undefined && !DROPPED_REQUEST_HEADERS.has(key)) headers[key] = value;
    }
    Object.assign(headers, route.headers);

    const send = target.protocol === "https:" ? httpsRequest : httpRequest;
    const upstream = send(target, { method: req.method, headers }, (answer) => {
      const out: OutgoingHttpHeaders = {};
      for (const [key, value] of Object.entries(answer.headers)) {
        if (value !== undefined && !DROPPED_RESPONSE_HEADERS.has(key)) out[key] = value;
      }
      res.writeHead(answer.statusCode ?? 502, out);
      res.flushHeaders();
      pipeline(answer, res, () => {});
    });
    upstream.on("error", (error) => {
      if (!res.headersSent) reply(res, 502, `egress to ${name} failed: ${errorMessage(error)}`);
      else res.destroy();
    });
    res.on("close", () => {
      if (!res.writableFinished) upstream.destroy();
    });
    pipeline(req, upstream, () => {});
  }
}

function reply(res: ServerResponse, status: number, message: string): void {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify({ error: { code: status === 404 ? "not_found" : "bad_gateway", message } }));
}
