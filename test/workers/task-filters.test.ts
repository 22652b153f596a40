// GET /api/tasks?repository=&q=: exact repository, case-insensitive text over
// title, subject and id, combined with the other filters and keyset pagination.
import { beforeAll, describe, expect, it } from "vitest";
import { api, rows } from "./support";

type Page = { items: { id: string; repository: string | null; title: string }[]; nextCursor: string | null };

const BASE = Date.parse("2032-05-01T00:00:00Z");
const SEEDS = [
  {
    id: "tf_1",
    vendor: "github",
    status: "succeeded",
    repository: "acme/checkout",
    title: "Fix the flaky LOGIN test",
    subject: "acme/checkout#12",
  },
  {
    id: "tf_2",
    vendor: "sentry",
    status: "failed",
    repository: "acme/checkout",
    title: "TypeError in charge()",
    subject: "sentry:BACKEND-4Z",
  },
  { id: "tf_3", vendor: "jira", status: "queued", repository: "acme/checkout-ui", title: "Login button misaligned", subject: "PAY-142" },
  { id: "tf_4", vendor: "slack", status: "queued", repository: null, title: "why is checkout failing?", subject: "slack:C0123/1712.5" },
  { id: "tf_5", vendor: "github", status: "queued", repository: "acme/checkout", title: "Bump deps", subject: "acme/checkout#99" },
  { id: "tf_100%_5", vendor: "github", status: "queued", repository: "acme/other", title: "Literal 100% and under_score", subject: null },
];

beforeAll(async () => {
  for (const [i, seed] of SEEDS.entries()) {
    await rows(
      "INSERT INTO tasks (id, delivery_id, vendor, event_type, status, repository, title, subject, created_at, updated_at) VALUES (?, ?, ?, 'seed', ?, ?, ?, ?, ?, ?)",
      seed.id,
      `dlv_${seed.id}`,
      seed.vendor,
      seed.status,
      seed.repository,
      seed.title,
      seed.subject,
      BASE + i * 1000,
      BASE + i * 1000,
    );
  }
});

async function ids(query: string): Promise<string[]> {
  const res = await api(`/api/tasks?limit=200&${query}`);
  expect(res.status).toBe(200);
  return ((await res.json()) as Page).items.map((t) => t.id).filter((id) => id.startsWith("tf_"));
}

describe("task filters", () => {
  it("filters by exact repository", async () => {
    expect(await ids("repository=acme/checkout")).toEqual(["tf_5", "tf_2", "tf_1"]);
    expect(await ids("repository=acme%2Fcheckout-ui")).toEqual(["tf_3"]);
    expect(await ids("repository=acme/check")).toEqual([]);
    expect(await ids("repository=ACME/checkout")).toEqual([]);
  });

  it("matches q case-insensitively in title, subject or id", async () => {
    expect(await ids("q=login")).toEqual(["tf_3", "tf_1"]);
    expect(await ids("q=pay-142")).toEqual(["tf_3"]);
    expect(await ids("q=TF_2")).toEqual(["tf_2"]);
    expect(await ids("q=checkout")).toEqual(["tf_5", "tf_4", "tf_1"]);
    expect(await ids("q=%20%20bump%20")).toEqual(["tf_5"]);
  });

  it("treats % and _ in q as text, not wildcards", async () => {
    expect(await ids("q=100%25")).toEqual(["tf_100%_5"]);
    expect(await ids("q=r_s")).toEqual(["tf_100%_5"]);
    expect(await ids("q=0%25_")).toEqual(["tf_100%_5"]);
    expect(await ids("q=%25%25")).toEqual([]);
  });

  it("combines with vendor and status, and an empty filter is no filter", async () => {
    expect(await ids("repository=acme/checkout&vendor=github")).toEqual(["tf_5", "tf_1"]);
    expect(await ids("q=checkout&status=queued")).toEqual(["tf_5", "tf_4"]);
    expect(await ids("q=&repository=")).toHaveLength(SEEDS.length);
  });

  it("keeps keyset pagination under filters", async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res = await api(`/api/tasks?repository=acme/checkout&q=e&limit=1${cursor ? `&cursor=${cursor}` : ""}`);
      const page = (await res.json()) as Page;
      seen.push(...page.items.map((t) => t.id));
      cursor = page.nextCursor;
      pages++;
    } while (cursor && pages < 10);
    expect(seen).toEqual(["tf_5", "tf_2", "tf_1"]);
    expect(pages).toBe(3);
  });

  it("answers 400 to an over-long filter", async () => {
    const res = await api(`/api/tasks?q=${"x".repeat(201)}`);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("bad_request");
  });
});
