// The one interface a TaskAgent uses to run a task, whichever way the runner is
// deployed. Both deployments speak the same HTTP protocol (core/runner-protocol.ts);
// only how a request reaches the runner differs:
//   - a Cloudflare Container (one per task): through the AgentRunner Durable Object's fetch;
//   - a local runner process (dev, tests): through fetch to RUNNER_URL.
// Which one is used follows from configuration (RUNNER_URL set or not), never from
// an environment name. Every call carries RUNNER_SECRET as a bearer token: the runner
// answers nothing else without it (but /health).
import { getContainer } from "@cloudflare/containers";
import { type RunRequest, type SessionBundle, sessionBundleSchema } from "../../core/runner-protocol";

export interface Runner {
  start(request: RunRequest): Promise<void>;
  /** NDJSON stream of RunnerEvents with seq > after; ends after the terminal result. */
  events(taskId: string, after: number, signal?: AbortSignal): Promise<ReadableStream<Uint8Array>>;
  cancel(taskId: string): Promise<boolean>;
  /** The CLI session an ended attempt left (for the next turn's resume); undefined when it has none. */
  session(taskId: string, attempt: number): Promise<SessionBundle | undefined>;
}

export class RunnerUnavailableError extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = "RunnerUnavailableError";
  }
}

type Send = (taskId: string, path: string, init?: RequestInit) => Promise<Response>;

class HttpRunner implements Runner {
  constructor(
    private readonly send: Send,
    private readonly secret: string | undefined,
    /** During a rotation: a container started before it still knows only this one. */
    private readonly previousSecret?: string,
  ) {}

  private async call(taskId: string, path: string, init?: RequestInit): Promise<Response> {
    // Said here rather than as the runner's 401, so the log names the missing setting.
    if (!this.secret) throw new RunnerUnavailableError("RUNNER_SECRET is not set: the runner refuses calls without it");
    let response = await this.sendWith(this.secret, taskId, path, init);
    // A body sent once cannot be sent again: only bodiless calls and string bodies are retried, which is all this client sends.
    if (response.status === 401 && this.previousSecret && (init?.body === undefined || typeof init.body === "string")) {
      await response.body?.cancel();
      response = await this.sendWith(this.previousSecret, taskId, path, init);
    }
    if (!response.ok) {
      const text = await response.text().catch(() => "");
      throw new RunnerUnavailableError(`runner answered ${response.status} to ${path}: ${text.slice(0, 300)}`, response.status);
    }
    return response;
  }

  private async sendWith(secret: string, taskId: string, path: string, init?: RequestInit): Promise<Response> {
    const headers = new Headers(init?.headers);
    headers.set("authorization", `Bearer ${secret}`);
    try {
      return await this.send(taskId, path, { ...init, headers });
    } catch (error) {
      throw new RunnerUnavailableError(`runner unreachable: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  async start(request: RunRequest): Promise<void> {
    const response = await this.call(request.taskId, "/runs", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(request),
    });
    await response.body?.cancel();
  }

  async events(taskId: string, after: number, signal?: AbortSignal): Promise<ReadableStream<Uint8Array>> {
    const response = await this.call(taskId, `/runs/${encodeURIComponent(taskId)}/events?after=${after}`, { signal });
    if (!response.body) throw new RunnerUnavailableError("runner sent no event stream");
    return response.body;
  }

  async session(taskId: string, attempt: number): Promise<SessionBundle | undefined> {
    try {
      const response = await this.call(taskId, `/runs/${encodeURIComponent(taskId)}/session?attempt=${attempt}`);
      return sessionBundleSchema.parse(await response.json());
    } catch (error) {
      if (error instanceof RunnerUnavailableError && error.status === 404) return undefined;
      throw error;
    }
  }

  async cancel(taskId: string): Promise<boolean> {
    const response = await this.call(taskId, `/runs/${encodeURIComponent(taskId)}/cancel`, { method: "POST" });
    const body = (await response.json().catch(() => ({}))) as { cancelled?: boolean };
    return body.cancelled ?? false;
  }
}

/** A runner process at a URL (the local runner in dev and tests). */
export function urlRunner(baseUrl: string, secret: string | undefined, fetcher: typeof fetch = fetch, previousSecret?: string): Runner {
  const base = baseUrl.replace(/\/+$/, "");
  return new HttpRunner((_taskId, path, init) => fetcher(`${base}${path}`, init), secret, previousSecret);
}

/** One Container instance per task, reached through its Durable Object. */
export function containerRunner(namespace: Env["AGENT_RUNNER"], secret: string | undefined, previousSecret?: string): Runner {
  return new HttpRunner(
    (taskId, path, init) => getContainer(namespace, taskId).fetch(new Request(`http://runner${path}`, init)),
    secret,
    previousSecret,
  );
}

export function runnerFor(env: Pick<Env, "RUNNER_URL" | "AGENT_RUNNER" | "RUNNER_SECRET" | "RUNNER_SECRET_PREVIOUS">): Runner {
  const secret = env.RUNNER_SECRET?.trim() || undefined;
  const previous = env.RUNNER_SECRET_PREVIOUS?.trim() || undefined;
  return env.RUNNER_URL ? urlRunner(env.RUNNER_URL, secret, fetch, previous) : containerRunner(env.AGENT_RUNNER, secret, previous);
}
