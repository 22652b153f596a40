// GET /api/analytics over seeded task rows, in a year no other test writes to,
// with every number asserted exactly.
import { beforeAll, describe, expect, it } from "vitest";
import { api, rows } from "./support";

interface Seed {
  id: string;
  vendor: string;
  status: string;
  at: string;
  repository?: string;
  costUsd?: number;
  durationMs?: number;
  title?: string;
}

const SEEDS: Seed[] = [
  { id: "an_1", vendor: "github", status: "succeeded", at: "2031-03-01T08:00:00Z", repository: "acme/api", costUsd: 0.1, durationMs: 1000 },
  { id: "an_2", vendor: "github", status: "failed", at: "2031-03-01T09:00:00Z", repository: "acme/api", costUsd: 0.2, durationMs: 3000 },
  {
    id: "an_3",
    vendor: "slack",
    status: "succeeded",
    at: "2031-03-01T23:59:59.999Z",
    repository: "acme/web",
    costUsd: 0.05,
    durationMs: 2000,
  },
  { id: "an_4", vendor: "sentry", status: "timed_out", at: "2031-03-03T00:00:00Z", repository: "acme/api", costUsd: 0.3, durationMs: 9000 },
  { id: "an_5", vendor: "jira", status: "cancelled", at: "2031-03-03T10:00:00Z", durationMs: 500 },
  { id: "an_6", vendor: "github", status: "running", at: "2031-03-03T11:00:00Z", repository: "acme/web", costUsd: 0.01 },
  { id: "an_7", vendor: "github", status: "queued", at: "2031-03-03T12:00:00Z", repository: "acme/web" },
  // Just outside the range on either side.
  {
    id: "an_before",
    vendor: "github",
    status: "succeeded",
    at: "2031-02-28T23:59:59.999Z",
    repository: "acme/api",
    costUsd: 5,
    durationMs: 1,
  },
  { id: "an_after", vendor: "github", status: "succeeded", at: "2031-03-04T00:00:00Z", repository: "acme/api", costUsd: 7, durationMs: 1 },
];

beforeAll(async () => {
  for (const seed of SEEDS) {
    const at = Date.parse(seed.at);
    await rows(
      "INSERT INTO tasks (id, delivery_id, vendor, event_type, status, repository, title, cost_usd, duration_ms, created_at, updated_at) VALUES (?, ?, ?, 'seed', ?, ?, ?, ?, ?, ?, ?)",
      seed.id,
      `dlv_${seed.id}`,
      seed.vendor,
      seed.status,
      seed.repository ?? null,
      seed.title ?? seed.id,
      seed.costUsd ?? null,
      seed.durationMs ?? null,
      at,
      at,
    );
  }
});

async function analytics(query: string) {
  const res = await api(`/api/analytics${query}`);
  return { status: res.status, body: (await res.json()) as Record<string, any> };
}

describe("GET /api/analytics", () => {
  it("computes daily counts, summary, percentiles, cost per day and top repositories", async () => {
    const { status, body } = await analytics("?from=2031-03-01&to=2031-03-03");
    expect(status).toBe(200);
    expect(body).toEqual({
      from: "2031-03-01",
      to: "2031-03-03",
      daily: [
        { day: "2031-03-01", vendor: "github", tasks: 2, succeeded: 1, failed: 1, costUsd: 0.3 },
        { day: "2031-03-01", vendor: "slack", tasks: 1, succeeded: 1, failed: 0, costUsd: 0.05 },
        { day: "2031-03-03", vendor: "github", tasks: 2, succeeded: 0, failed: 0, costUsd: 0.01 },
        { day: "2031-03-03", vendor: "jira", tasks: 1, succeeded: 0, failed: 0, costUsd: 0 },
        { day: "2031-03-03", vendor: "sentry", tasks: 1, succeeded: 0, failed: 0, costUsd: 0.3 },
      ],
      summary: {
        tasks: 7,
        succeeded: 2,
        failed: 1,
        cancelled: 1,
        timedOut: 1,
        // 2 of the 4 tasks that finished on their own (the cancelled one is left out).
        successRate: 0.5,
        // Nearest rank over the 5 finished durations 500, 1000, 2000, 3000, 9000.
        p50DurationMs: 2000,
        p95DurationMs: 9000,
        costUsd: 0.66,
      },
      costPerDay: [
        { day: "2031-03-01", costUsd: 0.35 },
        { day: "2031-03-02", costUsd: 0 },
        { day: "2031-03-03", costUsd: 0.31 },
      ],
      topRepositories: [
        { repository: "acme/api", tasks: 3, succeeded: 1, successRate: 1 / 3, costUsd: 0.6 },
        { repository: "acme/web", tasks: 3, succeeded: 1, successRate: 1, costUsd: 0.06 },
      ],
    });
  });

  it("answers an empty range with zeros and nulls", async () => {
    const { status, body } = await analytics("?from=2031-06-01&to=2031-06-02");
    expect(status).toBe(200);
    expect(body).toEqual({
      from: "2031-06-01",
      to: "2031-06-02",
      daily: [],
      summary: {
        tasks: 0,
        succeeded: 0,
        failed: 0,
        cancelled: 0,
        timedOut: 0,
        successRate: null,
        p50DurationMs: null,
        p95DurationMs: null,
        costUsd: 0,
      },
      costPerDay: [
        { day: "2031-06-01", costUsd: 0 },
        { day: "2031-06-02", costUsd: 0 },
      ],
      topRepositories: [],
    });
  });

  it("takes one day, and a percentile over a single duration", async () => {
    const { body } = await analytics("?from=2031-03-03&to=2031-03-03");
    expect(body.summary).toMatchObject({ tasks: 4, p50DurationMs: 500, p95DurationMs: 9000, successRate: 0 });
    expect(body.costPerDay).toEqual([{ day: "2031-03-03", costUsd: 0.31 }]);
    const single = await analytics("?from=2031-02-28&to=2031-02-28");
    expect(single.body.summary).toMatchObject({ tasks: 1, p50DurationMs: 1, p95DurationMs: 1, successRate: 1, costUsd: 5 });
  });

  it("defaults to the last 7 UTC days, today included", async () => {
    const { status, body } = await analytics("");
    expect(status).toBe(200);
    const today = new Date().toISOString().slice(0, 10);
    const weekAgo = new Date(Date.parse(`${today}T00:00:00Z`) - 6 * 86_400_000).toISOString().slice(0, 10);
    expect([body.from, body.to]).toEqual([weekAgo, today]);
    expect(body.costPerDay).toHaveLength(7);
    const onlyTo = await analytics("?to=2031-03-03");
    expect([onlyTo.body.from, onlyTo.body.to]).toEqual(["2031-02-25", "2031-03-03"]);
  });

  it("allows 90 days and refuses more", async () => {
    const ninety = await analytics("?from=2031-01-01&to=2031-03-31");
    expect(ninety.status).toBe(200);
    expect(ninety.body.costPerDay).toHaveLength(90);
    expect(ninety.body.summary.tasks).toBe(9);
    const more = await analytics("?from=2031-01-01&to=2031-04-01");
    expect(more.status).toBe(400);
    expect(more.body.error).toEqual({ code: "bad_request", message: expect.stringContaining("91 days") });
  });

  it.each(["?from=2031-3-1", "?to=2031-02-30", "?from=yesterday", "?from=2031-03-04&to=2031-03-03", "?from=2031-03-01T00:00:00Z"])(
    "answers 400 to %s",
    async (query) => {
      const { status, body } = await analytics(query);
      expect(status).toBe(400);
      expect(body.error.code).toBe("bad_request");
    },
  );

  it("needs the API token", async () => {
    expect((await api("/api/analytics", { token: null })).status).toBe(401);
  });
});
