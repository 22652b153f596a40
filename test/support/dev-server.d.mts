export interface DevServer {
  /** http://127.0.0.1:<port> */
  url: string;
  port: number;
  /** http://127.0.0.1:<port> of the dashboard's Vite dev server (waited for only with `dashboard: true`). */
  dashboardUrl: string;
  /** The persist dir (D1, R2, Durable Objects, the local git remote): `wrangler d1 execute --local --persist-to <dir>`. */
  dir: string;
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
  /** How long to wait for GET /health → 200 (and the dashboard). Default 90 s. */
  timeoutMs?: number;
  /** Also wait until the dashboard's page and its /api proxy answer. Default false. */
  dashboard?: boolean;
  /**
   * Run from a copy of the source tree (node_modules linked), removed by stop(), so edits to the
   * checkout cannot restart wrangler dev mid-run. Default false: run from the checkout.
   */
  snapshot?: boolean;
}

export function startDevServer(options?: DevServerOptions): Promise<DevServer>;
export function freePort(): Promise<number>;
/** Copies the source tree into `dir` (node_modules linked) and returns `dir`. */
export function snapshotCheckout(dir: string): string;
/** The local secrets the dev server runs with (.dev.vars, else .dev.vars.example). */
export function devVars(): Record<string, string>;
