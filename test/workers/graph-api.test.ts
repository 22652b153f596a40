// The knowledge graph end to end: real samples from all four vendors through the
// signed webhook path and the queue consumer, then read back through /api/graph.
import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import worker from "../../workers/index";
import { upsertExtraction, entityId } from "../../workers/graph/store";
import { deliveryId } from "../../workers/webhooks/ingest";
import { api, deliver, eventually, processed, rows, type DeliveryRow } from "./support";
import * as samples from "./samples";

interface Entity {
  id: string;
  type: string;
  key: string;
  title: string | null;
  url: string | null;
  properties: Record<string, unknown>;
  firstSeen: number;
  lastSeen: number;
}
interface Neighbourhood {
  entity: Entity;
  neighbours: (Entity & { depth: number })[];
  edges: { sourceId: string; targetId: string; type: string; weight: number }[];
}

const path = (key: string) => `/api/graph/entities/${encodeURIComponent(key)}`;

async function json<T>(res: Response | Promise<Response>, status = 200): Promise<T> {
  const response = await res;
  expect(response.status, await response.clone().text()).toBe(status);
  return (await response.json()) as T;
}

/** The Slack thread where someone pastes the Sentry link and names the Jira ticket. */
function slackAboutTheError() {
  const payload = samples.slack.appMention();
  payload.event.text =
    "<@U0LAN0Z89> EUR checkout is failing again: <https://sentry.io/organizations/example-org/issues/4509012345/|KeyError: 'currency'>, ticket PAY-142";
  return payload;
}

describe("knowledge graph API", () => {
  it("links a Sentry issue, a Jira ticket and a Slack thread about the same error", async () => {
    await deliver("sentry", samples.sentry.issueCreated(), { eventType: "issue" });
    await deliver("jira", samples.jira.issueCreated(), { eventType: "jira:issue_created" });
    await deliver("slack", slackAboutTheError());
    await deliver("github", samples.github("issues", "opened"), { eventType: "issues" });

    const jira = await json<{ entity: Entity }>(api(path("jira:issue:PAY-142")));
    expect(jira.entity).toMatchObject({
      type: "jira_issue",
      title: "Checkout returns 502 for EUR card payments",
      url: "https://example.atlassian.net/browse/PAY-142",
    });
    // The id works as well as the natural key.
    expect((await json<{ entity: Entity }>(api(`/api/graph/entities/${jira.entity.id}`))).entity.key).toBe("jira:issue:PAY-142");

    // From the Sentry issue: the Jira ticket references it (1 hop); the Slack thread reaches
    // it through the numeric id the pasted URL names (2 hops).
    const around = await json<Neighbourhood>(api(`${path("sentry:issue:BACKEND-4Z")}/neighbors?depth=2`));
    const byKey = new Map(around.neighbours.map((n) => [n.key, n]));
    expect(byKey.get("jira:issue:PAY-142")?.depth).toBe(1);
    expect(byKey.get("sentry:issue-id:4509012345")?.depth).toBe(1);
    expect(byKey.get("sentry:project:backend")?.depth).toBe(1);
    expect(byKey.get("slack:thread:T0001/C0LAN2Q65/1515449522.000016")).toMatchObject({ depth: 2, type: "slack_thread" });
    expect(around.edges).toContainEqual(
      expect.objectContaining({ sourceId: jira.entity.id, targetId: around.entity.id, type: "references", weight: 1 }),
    );

    // From the Slack thread, filtered to Jira and Sentry issues: both, directly.
    const fromSlack = await json<Neighbourhood>(
      api(`${path("slack:thread:T0001/C0LAN2Q65/1515449522.000016")}/neighbors?depth=1&types=jira_issue,sentry_issue`),
    );
    expect(fromSlack.neighbours.map((n) => n.key).sort()).toEqual(["jira:issue:PAY-142", "sentry:issue-id:4509012345"]);

    // GitHub is in the same graph.
    const repo = await json<Neighbourhood>(api(`${path("github:repo:Codertocat/Hello-World")}/neighbors?types=issue`));
    expect(repo.neighbours).toContainEqual(expect.objectContaining({ type: "issue", title: "Spelling error in the README file" }));

    const search = await json<{ items: Entity[] }>(api(`/api/graph/search?q=${encodeURIComponent("EUR card")}`));
    // The ticket, and the task started for it (titled after it).
    expect(search.items.map((e) => e.key)).toContain("jira:issue:PAY-142");
    expect(search.items.every((e) => e.key === "jira:issue:PAY-142" || e.type === "task")).toBe(true);
    const limited = await json<{ items: Entity[] }>(api("/api/graph/search?q=person&types=person&limit=1"));
    expect(limited.items).toHaveLength(1);
    expect(limited.items[0]?.type).toBe("person");
  });

  it("counts distinct deliveries in edge weights; a redelivery changes nothing", async () => {
    // A thread of its own, so earlier tests' deliveries do not count here.
    const inChannel = (eventId: string) => {
      const payload = slackAboutTheError();
      payload.event_id = eventId;
      payload.event.channel = "CWEIGHTS";
      return payload;
    };
    const firstRow = await deliver("slack", inChannel("EvGRAPH1"));
    await deliver("slack", inChannel("EvGRAPH1")); // the same Slack event_id: a duplicate, not counted
    await eventually(async () => (await rows<DeliveryRow>("SELECT * FROM deliveries WHERE id = ?", firstRow.id))[0]?.duplicates === 1);
    await deliver("slack", inChannel("EvGRAPH2"));

    const thread = await entityId("slack:thread:T0001/CWEIGHTS/1515449522.000016");
    const [edge] = await rows<{ weight: number }>(
      "SELECT weight FROM graph_edges WHERE source_id = ? AND target_id = ? AND type = 'references'",
      thread,
      await entityId("jira:issue:PAY-142"),
    );
    expect(edge?.weight).toBe(2);
    const [count] = await rows<{ n: number }>("SELECT COUNT(*) AS n FROM graph_entities WHERE key LIKE 'slack:thread:T0001/CWEIGHTS/%'");
    expect(count?.n).toBe(1);
  });

  it("replaying one delivery's extraction moves only last_seen", async () => {
    const extraction = {
      entities: [
        { key: "jira:issue:OPS-1", type: "jira_issue" as const, title: "Disk full" },
        { key: "jira:project:OPS", type: "jira_project" as const },
      ],
      edges: [{ source: "jira:issue:OPS-1", target: "jira:project:OPS", type: "belongs_to" as const }],
    };
    await upsertExtraction(env.DB, extraction, "dlv_replay", 1000);
    const before = await rows("SELECT * FROM graph_entities WHERE key LIKE '%OPS%' ORDER BY key");
    const edgesBefore = await rows("SELECT * FROM graph_edges WHERE source_id = ?", await entityId("jira:issue:OPS-1"));
    await upsertExtraction(env.DB, extraction, "dlv_replay", 2000);
    const after = await rows("SELECT * FROM graph_entities WHERE key LIKE '%OPS%' ORDER BY key");
    const edgesAfter = await rows("SELECT * FROM graph_edges WHERE source_id = ?", await entityId("jira:issue:OPS-1"));
    expect(after).toEqual(before.map((r) => ({ ...r, last_seen: 2000 })));
    expect(edgesAfter).toEqual(edgesBefore.map((r) => ({ ...r, last_seen: 2000 })));
    expect(edgesAfter[0]).toMatchObject({ weight: 1, first_seen: 1000 });
  });

  it("keeps processing an event when the graph write fails", async () => {
    const failing = new Proxy(env.DB, {
      get(target, prop) {
        if (prop === "prepare") {
          return (sql: string) => {
            if (sql.includes("graph_")) throw new Error("graph store unavailable");
            return target.prepare(sql);
          };
        }
        const value = Reflect.get(target, prop);
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
    const id = await deliveryId("sentry", "graph-failure");
    const body = {
      id,
      vendor: "sentry",
      deliveryKey: "graph-failure",
      type: "comment",
      action: "created",
      handled: true,
      actor: { id: "42", name: "Dana Reyes", association: "user", isBot: false },
      subject: { sentryIssueId: "99887766", sentryProject: "backend" },
      text: "Tracked in OPS-77",
      labels: [],
      assigneeIds: [],
      links: [],
      payloadRef: `payloads/sentry/${id}.json`,
      receivedAt: Date.now(),
    };
    const batch = createMessageBatch("agent-bot-events", [{ id: "m1", body, attempts: 1, timestamp: new Date() }]);
    const ctx = createExecutionContext();
    await worker.queue(batch, { ...env, DB: failing }, ctx);
    const result = await getQueueResult(batch, ctx);
    expect(result.explicitAcks).toEqual(["m1"]);
    expect(result.retryMessages).toEqual([]);
    expect((await processed(id)).status).toBe("processed");
    expect(await rows("SELECT * FROM graph_entities WHERE key = 'jira:issue:OPS-77'")).toEqual([]);
  });

  it("validates queries, answers 404 for unknown entities and requires the API token", async () => {
    await json(api(`${path("jira:issue:NOPE-1")}`), 404);
    await json(api(`${path("jira:issue:NOPE-1")}/neighbors`), 404);
    await json(api(`${path("jira:issue:NOPE-1")}/neighbors?depth=4`), 400);
    await json(api(`${path("jira:issue:NOPE-1")}/neighbors?types=planet`), 400);
    await json(api("/api/graph/search"), 400);
    expect((await api("/api/graph/search?q=x", { token: null })).status).toBe(401);
  });
});
