// The graph's queries on real samples, written straight through extraction and the store
// (the consumer path is covered by graph-api.test.ts): full-text search, shortest paths,
// timelines and identities, through /api/graph and the store functions.
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { agentEventSchema, type AgentEvent } from "../../core/agent-event";
import { HUB_DEGREE, keys, type EntityInput, type EdgeInput } from "../../core/graph-types";
import type { Vendor } from "../../core/names";
import { getConfig } from "../../workers/config";
import { extractGraph } from "../../workers/graph/extract";
import { graphContext } from "../../workers/graph/record-event";
import { entityId, findPath, ftsQuery, neighbours, searchEntities, timeline, upsertExtraction } from "../../workers/graph/store";
import { integrations } from "../../workers/integrations/registry";
import * as samples from "./samples";
import { api, rows } from "./support";

const repo = "Codertocat/Hello-World";
const context = graphContext(getConfig(env));

function eventOf(vendor: Vendor, type: string, payload: unknown, id: string, receivedAt: number): AgentEvent {
  const parsed = integrations[vendor].parse(type, payload);
  expect(parsed.handled, parsed.note).toBe(true);
  return agentEventSchema.parse({ ...parsed, id, vendor, deliveryKey: id, type, payloadRef: `payloads/${id}.json`, receivedAt });
}

async function record(event: AgentEvent): Promise<void> {
  await upsertExtraction(env.DB, extractGraph(event, context), event.id, event.receivedAt);
}

async function json<T>(res: Response | Promise<Response>, status = 200): Promise<T> {
  const response = await res;
  expect(response.status, await response.clone().text()).toBe(status);
  return (await response.json()) as T;
}

const enc = encodeURIComponent;

/** The story: Sentry names the culprit file, a push touches it, Jira and Slack discuss the error. */
beforeAll(async () => {
  await record(eventOf("sentry", "issue", samples.sentry.issueCreated(), "dlv_q_sentry_issue", 1_000));
  await record(eventOf("sentry", "event_alert", samples.sentry.eventAlert(), "dlv_q_sentry_alert", 2_000));
  const jira = samples.jira.issueCreated();
  await record(eventOf("jira", "jira:issue_created", jira, "dlv_q_jira", 3_000));
  const slack = samples.slack.appMention();
  slack.event.text = "<@U0LAN0Z89> EUR checkout broken again, PAY-142";
  await record(eventOf("slack", "app_mention", slack, "dlv_q_slack", 4_000));
  const push = samples.github("push");
  push.ref = "refs/heads/PAY-142-fix";
  push.pusher = { name: push.sender.login, email: "DANA.REYES@example.com" };
  push.commits = [
    {
      id: "abcdef0123456789abcdef0123456789abcdef01",
      message: "Look up FX rates by currency code\n\nFixes PAY-142",
      url: "https://github.com/x",
      added: [],
      modified: ["app/payments/charge.py"],
      removed: [],
    },
  ];
  await record(eventOf("github", "push", push, "dlv_q_push", 5_000));
});

describe("full-text search", () => {
  it("quotes every word and makes the last a prefix", () => {
    expect(ftsQuery('  PAY-142 "checkout" eu')).toBe('"PAY-142" "checkout" "eu" *');
    expect(ftsQuery('" * - : AND')).toBe('"AND" *');
    expect(ftsQuery('" * - :')).toBeUndefined();
  });

  it("finds by title, key and text with prefixes, ranking a title match above a text-only one", async () => {
    const byTitle = await searchEntities(env.DB, "checkout ret", { limit: 10 });
    expect(byTitle[0]?.key).toBe("jira:issue:PAY-142");
    // `currency` is in the Sentry issue's and the commit's titles, but only in the Jira ticket's description.
    const currency = (await searchEntities(env.DB, "currency", { limit: 10 })).map((e) => e.key);
    expect(currency).toEqual(expect.arrayContaining(["jira:issue:PAY-142", keys.commit(repo, "abcdef0"), "sentry:issue:BACKEND-4Z"]));
    expect(currency.indexOf("jira:issue:PAY-142")).toBeGreaterThan(currency.indexOf(keys.commit(repo, "abcdef0")));
    expect(currency.indexOf("jira:issue:PAY-142")).toBeGreaterThan(currency.indexOf("sentry:issue:BACKEND-4Z"));
    // Files are found by a path segment.
    expect((await searchEntities(env.DB, "charge.py", { types: ["file"], limit: 5 })).map((e) => e.key)).toEqual([
      keys.file(repo, "app/payments/charge.py"),
    ]);
  });

  it("never fails on FTS5 syntax in the query", async () => {
    for (const q of [
      '"',
      '"unbalanced',
      "*",
      "-",
      "a:b",
      "title:PAY",
      "NEAR(a b)",
      "AND OR NOT",
      "pay-142*",
      "(x",
      "^y",
      "{key title}: x",
    ]) {
      const res = await api(`/api/graph/search?q=${enc(q)}`);
      expect(res.status, `${q}: ${await res.clone().text()}`).toBe(200);
    }
    const items = (await json<{ items: { key: string }[] }>(api(`/api/graph/search?q=${enc('"PAY-142"')}&types=jira_issue`))).items;
    expect(items.map((e) => e.key)).toEqual(["jira:issue:PAY-142"]);
  });

  it("keeps the type filter and the limit", async () => {
    const items = (await json<{ items: { type: string }[] }>(api(`/api/graph/search?q=pay&types=jira_issue,jira_project&limit=1`))).items;
    expect(items).toHaveLength(1);
    expect(["jira_issue", "jira_project"]).toContain(items[0]?.type);
  });
});

describe("shortest path", () => {
  interface PathBody {
    path: { length: number; entities: { key: string }[]; edges: { sourceId: string; targetId: string; type: string }[] } | null;
  }

  it("from a Sentry issue to the commit that touched its culprit file", async () => {
    const from = "sentry:issue-id:4509012345";
    const to = keys.commit(repo, "abcdef0");
    const body = await json<PathBody>(api(`/api/graph/path?from=${enc(from)}&to=${enc(to)}`));
    // Two hops: issue -culprit_in-> file <-touches- commit (or issue ← Jira → … of equal length).
    expect(body.path?.length).toBe(2);
    expect(body.path?.entities[0]?.key).toBe(from);
    expect(body.path?.entities.at(-1)?.key).toBe(to);
    const path = body.path!;
    // Every edge joins its neighbours on the path, in either direction.
    const ids = await Promise.all(path.entities.map((e) => entityId(e.key)));
    path.edges.forEach((edge, i) => expect([edge.sourceId, edge.targetId].sort()).toEqual([ids[i], ids[i + 1]].sort()));
  });

  it("only over the edge types asked for, and only within maxDepth", async () => {
    const from = "sentry:issue-id:4509012345";
    const to = keys.commit(repo, "abcdef0");
    const viaFile = await findPath(env.DB, from, to, { edgeTypes: ["culprit_in", "touches"] });
    expect(viaFile?.entities.map((e) => e.key)).toEqual([from, keys.file(repo, "app/payments/charge.py"), to]);
    expect(viaFile?.edges.map((e) => e.type)).toEqual(["culprit_in", "touches"]);
    expect(await findPath(env.DB, from, to, { maxDepth: 1 })).toBeUndefined();
    expect(await findPath(env.DB, from, to, { edgeTypes: ["mentions"] })).toBeUndefined();
    // The Slack thread reaches the Sentry short id through the Jira ticket.
    const slack = await findPath(env.DB, "slack:thread:T0001/C0LAN2Q65/1515449522.000016", "sentry:issue:BACKEND-4Z", { maxDepth: 6 });
    expect(slack?.entities.map((e) => e.key)).toEqual([
      "slack:thread:T0001/C0LAN2Q65/1515449522.000016",
      "jira:issue:PAY-142",
      "sentry:issue:BACKEND-4Z",
    ]);
    expect((await findPath(env.DB, from, from))?.edges).toEqual([]);
  });

  it("answers null without a path, 404 for an unknown end, 400 for a bad depth", async () => {
    expect(
      (await json<PathBody>(api(`/api/graph/path?from=${enc("sentry:issue:BACKEND-4Z")}&to=${enc("person:github:Codertocat")}&maxDepth=1`)))
        .path,
    ).toBeNull();
    await json(api(`/api/graph/path?from=${enc("jira:issue:NOPE-1")}&to=${enc("sentry:issue:BACKEND-4Z")}`), 404);
    await json(api(`/api/graph/path?from=a&to=b&maxDepth=7`), 400);
    await json(api(`/api/graph/path?from=a`), 400);
    expect((await api(`/api/graph/path?from=a&to=b`, { token: null })).status).toBe(401);
  });
});

describe("timeline", () => {
  interface Page {
    items: { deliveryId: string; vendor: string; eventType: string; at: number; summary: string }[];
    next?: number;
  }

  it("lists the deliveries that named an entity, newest first, in pages", async () => {
    const key = enc("jira:issue:PAY-142");
    const all = await json<Page>(api(`/api/graph/entities/${key}/timeline`));
    expect(all.items.map((i) => i.deliveryId)).toEqual(["dlv_q_push", "dlv_q_slack", "dlv_q_jira"]);
    expect(all.items[2]).toMatchObject({ vendor: "jira", eventType: "jira:issue_created", at: 3_000 });
    expect(all.items[1]?.summary).toContain("slack app_mention");
    expect(all.next).toBeUndefined();
    const first = await json<Page>(api(`/api/graph/entities/${key}/timeline?limit=2`));
    expect(first.items.map((i) => i.deliveryId)).toEqual(["dlv_q_push", "dlv_q_slack"]);
    const second = await json<Page>(api(`/api/graph/entities/${key}/timeline?limit=2&before=${first.next}`));
    expect(second.items.map((i) => i.deliveryId)).toEqual(["dlv_q_jira"]);
  });

  it("keeps every event of the millisecond a page ends in", async () => {
    const extraction = { entities: [{ key: "jira:issue:TIE-1", type: "jira_issue" as const }], edges: [] };
    const timelineRow = { vendor: "jira", eventType: "comment_created", summary: "tie" };
    for (const id of ["dlv_tie_a", "dlv_tie_b", "dlv_tie_c"])
      await upsertExtraction(env.DB, { ...extraction, timeline: timelineRow }, id, 7_000);
    const first = await timeline(env.DB, "jira:issue:TIE-1", { limit: 2 });
    expect(first?.items.map((i) => i.deliveryId)).toEqual(["dlv_tie_c", "dlv_tie_b", "dlv_tie_a"]);
    expect((await timeline(env.DB, "jira:issue:TIE-1", { limit: 2, before: first?.next }))?.items).toEqual([]);
  });

  it("a replay adds no row and moves only last_seen", async () => {
    const before = await rows("SELECT * FROM graph_entity_events ORDER BY entity_id, delivery_id");
    const entitiesBefore = await rows("SELECT id, title, text, properties, first_seen FROM graph_entities ORDER BY id");
    const edgesBefore = await rows(
      "SELECT source_id, target_id, type, weight, properties, first_seen FROM graph_edges ORDER BY source_id, target_id, type",
    );
    await record(eventOf("sentry", "event_alert", samples.sentry.eventAlert(), "dlv_q_sentry_alert", 2_500));
    expect(await rows("SELECT * FROM graph_entity_events ORDER BY entity_id, delivery_id")).toEqual(before);
    expect(await rows("SELECT id, title, text, properties, first_seen FROM graph_entities ORDER BY id")).toEqual(entitiesBefore);
    expect(
      await rows("SELECT source_id, target_id, type, weight, properties, first_seen FROM graph_edges ORDER BY source_id, target_id, type"),
    ).toEqual(edgesBefore);
  });

  it("answers 404 for an unknown entity and 400 for a bad limit", async () => {
    await json(api(`/api/graph/entities/${enc("jira:issue:NOPE-1")}/timeline`), 404);
    await json(api(`/api/graph/entities/${enc("jira:issue:PAY-142")}/timeline?limit=0`), 400);
  });
});

describe("identities", () => {
  it("joins the Jira reporter and the GitHub pusher who share an email with one same_as edge", async () => {
    const [jira, github] = await Promise.all([
      entityId("person:jira:712020:4f2d9c1e-8b3a-4e6f-9d21-0c5a7b3e8f14"),
      entityId("person:github:Codertocat"),
    ]);
    const edges = await rows<{ source_id: string; target_id: string; weight: number; properties: string }>(
      "SELECT * FROM graph_edges WHERE type = 'same_as' AND ((source_id = ?1 AND target_id = ?2) OR (source_id = ?2 AND target_id = ?1))",
      jira,
      github,
    );
    expect(edges).toHaveLength(1);
    expect(edges[0]).toMatchObject({
      source_id: [jira, github].sort()[0],
      weight: 1,
      properties: JSON.stringify({ identity: "email:dana.reyes@example.com" }),
    });
    expect(await rows("SELECT identity, source FROM graph_identities WHERE person_id = ?", github)).toEqual([
      { identity: "email:dana.reyes@example.com", source: "email" },
    ]);
    const path = await findPath(env.DB, "person:github:Codertocat", "jira:issue:PAY-142", { edgeTypes: ["same_as", "opened_by"] });
    expect(path?.edges.map((e) => e.type)).toEqual(["same_as", "opened_by"]);
  });
});

describe("hubs", () => {
  // acme/hubs has three items; HUB-1 is also referenced by item 1. A person opened HUB_DEGREE
  // issues of another repository, which makes them a hub by degree.
  const hubRepo = "acme/hubs";
  const item = (n: number): EntityInput => ({ key: keys.issue(hubRepo, n), type: "issue", title: `hub item ${n}` });
  const belongs = (n: number): EdgeInput => ({ source: keys.issue(hubRepo, n), target: keys.repo(hubRepo), type: "belongs_to" });
  const busy = "person:github:busy";

  beforeAll(async () => {
    for (const n of [1, 2, 3]) {
      await upsertExtraction(
        env.DB,
        { entities: [{ key: keys.repo(hubRepo), type: "repository" }, item(n)], edges: [belongs(n)] },
        `dlv_hub_${n}`,
        10_000 + n,
      );
    }
    await upsertExtraction(
      env.DB,
      {
        entities: [item(1), { key: "jira:issue:HUB-1", type: "jira_issue" }],
        edges: [{ source: keys.issue(hubRepo, 1), target: "jira:issue:HUB-1", type: "references" }],
      },
      "dlv_hub_ref",
      10_010,
    );
    const opened = Array.from({ length: HUB_DEGREE }, (_, i) => keys.issue("acme/busy", i));
    await upsertExtraction(
      env.DB,
      {
        entities: [{ key: busy, type: "person" }, ...opened.map((key) => ({ key, type: "issue" as const })), item(3)],
        edges: [...opened, keys.issue(hubRepo, 3)].map((key) => ({ source: key, target: busy, type: "opened_by" as const })),
      },
      "dlv_hub_busy",
      10_020,
    );
  });

  it("keeps every entity's degree: its edges, both directions, each counted once", async () => {
    const degree = async (key: string) =>
      (await rows<{ degree: number }>("SELECT degree FROM graph_entities WHERE id = ?", await entityId(key)))[0]?.degree;
    expect(await degree(keys.repo(hubRepo))).toBe(3);
    expect(await degree(keys.issue(hubRepo, 1))).toBe(2);
    expect(await degree(busy)).toBe(HUB_DEGREE + 1);
    // A replay adds no edge, so no degree.
    await upsertExtraction(
      env.DB,
      { entities: [{ key: keys.repo(hubRepo), type: "repository" }, item(1)], edges: [belongs(1)] },
      "dlv_hub_again",
      10_030,
    );
    expect(await degree(keys.repo(hubRepo))).toBe(3);
  });

  it("returns a hub as a neighbour but does not walk through it unless throughHubs", async () => {
    const start = keys.issue(hubRepo, 1);
    const near = await neighbours(env.DB, start, { depth: 2, limit: 50 });
    expect(near?.neighbours.map((n) => [n.key, n.depth])).toEqual([
      [keys.repo(hubRepo), 1],
      ["jira:issue:HUB-1", 1],
    ]);
    const full = await neighbours(env.DB, start, { depth: 2, limit: 50, throughHubs: true });
    expect(full?.neighbours.map((n) => [n.key, n.depth])).toEqual([
      [keys.repo(hubRepo), 1],
      ["jira:issue:HUB-1", 1],
      [keys.issue(hubRepo, 3), 2],
      [keys.issue(hubRepo, 2), 2],
    ]);
    // The same through the API, with throughHubs=1.
    const api1 = await json<{ neighbours: { key: string }[] }>(api(`/api/graph/entities/${enc(start)}/neighbors?depth=2&throughHubs=1`));
    expect(api1.neighbours.map((n) => n.key)).toEqual(full?.neighbours.map((n) => n.key));
    const api0 = await json<{ neighbours: { key: string }[] }>(api(`/api/graph/entities/${enc(start)}/neighbors?depth=2`));
    expect(api0.neighbours.map((n) => n.key)).toEqual(near?.neighbours.map((n) => n.key));
    await json(api(`/api/graph/entities/${enc(start)}/neighbors?throughHubs=yes`), 400);
  });

  it("treats an entity with HUB_DEGREE edges as a hub, and always walks from the start", async () => {
    // Item 3's opener is a hub by degree: shown, not crossed.
    const near = await neighbours(env.DB, keys.issue(hubRepo, 3), { depth: 2, limit: 500 });
    expect(near?.neighbours.map((n) => n.key).sort()).toEqual([busy, keys.repo(hubRepo)].sort());
    const full = await neighbours(env.DB, keys.issue(hubRepo, 3), { depth: 2, limit: 500, throughHubs: true });
    expect(full?.neighbours).toHaveLength(2 + 2 + HUB_DEGREE);
    // From a hub: its own neighbours, newest first; the first level fills the limit, so it is the answer.
    const fromRepo = await neighbours(env.DB, keys.repo(hubRepo), { depth: 2, limit: 2 });
    expect(fromRepo?.neighbours.map((n) => [n.key, n.depth])).toEqual([
      [keys.issue(hubRepo, 1), 1],
      [keys.issue(hubRepo, 3), 1],
    ]);
    expect(fromRepo?.edges.map((e) => e.type)).toEqual(["belongs_to", "belongs_to"]);
    // From the busy person with a type filter the first level cannot fill: the walk goes on, around hubs.
    const filtered = await neighbours(env.DB, busy, { depth: 2, limit: 5, types: ["repository"] });
    expect(filtered?.neighbours.map((n) => [n.key, n.depth])).toEqual([[keys.repo(hubRepo), 2]]);
  });

  it("prefers paths with hubs only at their ends, and crosses a hub only when there is no other way", async () => {
    const [a, b] = [keys.issue(hubRepo, 1), keys.issue(hubRepo, 2)];
    expect(await findPath(env.DB, a, b, { throughHubs: false })).toBeUndefined();
    // Unset: no hub-free path, so the one through the repository.
    expect((await findPath(env.DB, a, b))?.entities.map((e) => e.key)).toEqual([a, keys.repo(hubRepo), b]);
    const through = await findPath(env.DB, a, b, { throughHubs: true });
    expect(through?.entities.map((e) => e.key)).toEqual([a, keys.repo(hubRepo), b]);
    expect((await findPath(env.DB, a, keys.repo(hubRepo)))?.edges).toHaveLength(1);
    expect((await findPath(env.DB, keys.repo(hubRepo), "jira:issue:HUB-1"))?.entities.map((e) => e.key)).toEqual([
      keys.repo(hubRepo),
      a,
      "jira:issue:HUB-1",
    ]);
    const body = await json<{ path: { length: number } | null }>(api(`/api/graph/path?from=${enc(a)}&to=${enc(b)}&throughHubs=1`));
    expect(body.path?.length).toBe(2);
    expect((await json<{ path: null }>(api(`/api/graph/path?from=${enc(a)}&to=${enc(b)}&throughHubs=0`))).path).toBeNull();
    expect((await json<{ path: { length: number } | null }>(api(`/api/graph/path?from=${enc(a)}&to=${enc(b)}`))).path?.length).toBe(2);
  });
});

describe("search ranking inside FTS5", () => {
  beforeAll(async () => {
    // Equal scores (same title, same key shape): last_seen decides, also across the limit's cut.
    for (const n of [1, 2, 3, 4]) {
      await upsertExtraction(
        env.DB,
        { entities: [{ key: `jira:issue:ZEB-${n}`, type: "jira_issue", title: "zebrafish rollout" }], edges: [] },
        `dlv_zeb_${n}`,
        20_000 + n,
      );
    }
    for (let n = 1; n <= 30; n++) {
      await upsertExtraction(
        env.DB,
        { entities: [{ key: keys.file("acme/zeb", `zebrafish/z${n}.ts`), type: "file", title: "zebrafish" }], edges: [] },
        `dlv_zebf_${n}`,
        30_000 + n,
      );
    }
  });

  it("breaks ties in score by last_seen, across the cut too", async () => {
    const two = await searchEntities(env.DB, "zebrafish rollout", { limit: 2 });
    expect(two.map((e) => e.key)).toEqual(["jira:issue:ZEB-4", "jira:issue:ZEB-3"]);
    const all = await searchEntities(env.DB, "zebrafish rollout", { limit: 10 });
    expect(all.map((e) => e.key)).toEqual(["jira:issue:ZEB-4", "jira:issue:ZEB-3", "jira:issue:ZEB-2", "jira:issue:ZEB-1"]);
  });

  it("keeps the type filter when the best matches are of other types", async () => {
    // Thirty files rank above the tickets for `zebrafish` (shorter titles); the tickets are still found.
    const tickets = await searchEntities(env.DB, "zebrafish", { types: ["jira_issue"], limit: 3 });
    expect(tickets.map((e) => e.key)).toEqual(["jira:issue:ZEB-4", "jira:issue:ZEB-3", "jira:issue:ZEB-2"]);
    const files = await searchEntities(env.DB, "zebrafish", { types: ["file"], limit: 50 });
    expect(files).toHaveLength(30);
    expect(files.every((e) => e.type === "file")).toBe(true);
  });
});
