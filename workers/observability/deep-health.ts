// GET /health?deep=1: one round trip to each dependency the Worker needs to take work, timed.
// A check never throws: a failure is reported with its message, and any failure makes the
// whole answer "degraded" (503), so a probe can alert on the status code alone.

/** How long one check may take before it counts as failed. */
const CHECK_TIMEOUT_MS = 5_000;

export interface CheckResult {
  ok: boolean;
  latencyMs: number;
  detail?: string;
  error?: string;
}

export interface DeepHealth {
  status: "ok" | "degraded";
  checks: Record<"d1" | "r2" | "queue" | "runner", CheckResult>;
}

type HealthEnv = Pick<Env, "DB" | "PAYLOADS" | "EVENTS" | "RUNNER_URL" | "RUNNER_SECRET" | "AGENT_RUNNER">;

async function timed(probe: () => Promise<string | undefined>): Promise<CheckResult> {
  const start = Date.now();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS);
  });
  try {
    const detail = await Promise.race([probe(), timeout]);
    return { ok: true, latencyMs: Date.now() - start, ...(detail ? { detail } : {}) };
  } catch (error) {
    return { ok: false, latencyMs: Date.now() - start, error: error instanceof Error ? error.message : String(error) };
  } finally {
    clearTimeout(timer);
  }
}

async function checkD1(db: D1Database): Promise<string> {
  const row = await db.prepare("SELECT count(*) AS n FROM d1_migrations").first<{ n: number }>();
  return `${row?.n ?? 0} migrations applied`;
}

async function checkR2(bucket: R2Bucket): Promise<string> {
  // A head of a key that need not exist is a full round trip that reads nothing.
  await bucket.head("health/probe");
  return "reachable";
}

async function checkQueue(queue: Queue): Promise<string> {
  const { backlogCount } = await queue.metrics();
  return `backlog ${backlogCount}`;
}

/**
 * A runner process (RUNNER_URL) is asked for its /health. Containers start one per task, so
 * none is started just to be probed: the check is that the binding and RUNNER_SECRET are there.
 */
async function checkRunner(env: HealthEnv, fetcher: typeof fetch): Promise<string> {
  if (!env.RUNNER_SECRET?.trim()) throw new Error("RUNNER_SECRET is not set: the runner refuses calls without it");
  if (!env.RUNNER_URL) {
    if (!env.AGENT_RUNNER) throw new Error("neither RUNNER_URL nor the AGENT_RUNNER container binding is set");
    return "container per task, started on demand (not started by this check)";
  }
  const response = await fetcher(`${env.RUNNER_URL.replace(/\/+$/, "")}/health`);
  if (!response.ok) throw new Error(`runner answered ${response.status} to /health`);
  const body = (await response.json().catch(() => ({}))) as { runs?: number };
  return `runner process, ${body.runs ?? 0} runs`;
}

export async function deepHealth(env: HealthEnv, fetcher: typeof fetch = fetch): Promise<DeepHealth> {
  const [d1, r2, queue, runner] = await Promise.all([
    timed(() => checkD1(env.DB)),
    timed(() => checkR2(env.PAYLOADS)),
    timed(() => checkQueue(env.EVENTS)),
    timed(() => checkRunner(env, fetcher)),
  ]);
  const checks = { d1, r2, queue, runner };
  return { status: Object.values(checks).every((check) => check.ok) ? "ok" : "degraded", checks };
}
