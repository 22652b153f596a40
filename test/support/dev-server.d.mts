export interface DevServer {
  /** http://127.0.0.1:<port> */
  url: string;
  port: number;
  /** Kills wrangler and its workerd children, waits for them, removes the temp state dir. Idempotent. */
  stop(): Promise<void>;
  /** The tail of the server's combined stdout/stderr, for diagnostics. */
  output(): string;
}

export interface DevServerOptions {
  /** Default: a free port on 127.0.0.1. */
  port?: number;
  /** Default: a fresh temp dir, removed by stop(). */
  persistTo?: string;
  /** Extra arguments for `wrangler dev`, e.g. ["--log-level", "warn"]. */
  args?: string[];
  /** Extra environment for the dev server process. */
  env?: Record<string, string>;
  /** How long to wait for GET /health → 200. Default 90 s. */
  timeoutMs?: number;
}

export function startDevServer(options?: DevServerOptions): Promise<DevServer>;
export function freePort(): Promise<number>;
/** The local secrets the dev server runs with (.dev.vars, else .dev.vars.example). */
export function devVars(): Record<string, string>;
