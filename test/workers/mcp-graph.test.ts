// The knowledge-graph tools on the agent-bot MCP server, through the official SDK
// client: search, entity, neighbourhood, path and timeline over a graph written from
// real samples, and unknown ids as tool errors (never protocol errors).
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { agentEventSchema } from "../../core/agent-event";
import { keys } from "../../core/graph-types";
import type { Vendor } from "../../core/names";
import { getConfig } from "../../workers/config";
import { extractGraph } from "../../workers/graph/extract";
import { graphContext } from "../../workers/graph/record-event";
import { upsertExtraction } from "../../workers/graph/store";
import { integrations } from "../../workers/integrations/registry";
import { connectMcp, json, text } from "./mcp-harness";
import * as samples from "./samples";

async function record(vendor: Vendor, type: string, payload: unknown, id: string, at: number) {
  const event = agentEventSchema.parse({
    ...integrations[vendor].parse(type, payload),
    id,
    vendor,
    deliveryKey: id,
    type,
    payloadRef: "p",
    receivedAt: at,
  });
  await upsertExtraction(env.DB, extractGraph(event, graphContext(getConfig(env))), id, at);
}

let client: Client;

beforeAll(async () => {
  await record("sentry", "event_alert", samples.sentry.eventAlert(), "dlv_mcp_alert", 1_000);
  await record("jira", "jira:issue_created", samples.jira.issueCreated(), "dlv_mcp_jira", 2_000);
  client = await connectMcp("agent-bot", "read", {});
});

const call = (name: string, args: Record<string, unknown>) => client.callTool({ name, arguments: args });

describe("agent-bot MCP server: knowledge graph tools", () => {
  it("lists the five graph tools as read-only, next to the task tools", async () => {
    const { tools } = await client.listTools();
    const graph = tools.filter((t) => ["search_entities", "get_entity", "get_neighbors", "find_path", "get_timeline"].includes(t.name));
    expect(graph).toHaveLength(5);
    for (const t of graph) expect(t.annotations?.readOnlyHint).toBe(true);
    expect(tools.map((t) => t.name)).toContain("get_task");
  });

  it("search_entities, get_entity and get_neighbors answer what we know about PAY-142", async () => {
    const found = json(await call("search_entities", { query: "EUR card", types: ["jira_issue"] }));
    expect(found.items.map((e: { key: string }) => e.key)).toEqual(["jira:issue:PAY-142"]);
    const entity = json(await call("get_entity", { id: "jira:issue:PAY-142" })).entity;
    expect(entity).toMatchObject({ type: "jira_issue", title: "Checkout returns 502 for EUR card payments" });
    expect(entity.text).toContain("KeyError");
    const around = json(await call("get_neighbors", { id: entity.id, depth: 1, types: ["sentry_issue", "person"] }));
    expect(around.neighbours.map((n: { key: string }) => n.key).sort()).toEqual([
      "person:jira:712020:4f2d9c1e-8b3a-4e6f-9d21-0c5a7b3e8f14",
      "sentry:issue:BACKEND-4Z",
    ]);
    // Hubs (here the Jira project and the Sentry project) are crossed only when asked.
    const near = json(await call("get_neighbors", { id: entity.id, depth: 2 })).neighbours.map((n: { key: string }) => n.key);
    const full = json(await call("get_neighbors", { id: entity.id, depth: 2, through_hubs: true })).neighbours.map(
      (n: { key: string }) => n.key,
    );
    expect(full).toEqual(expect.arrayContaining(near));
    expect(near).toContain("jira:project:PAY");
  });

  it("find_path and get_timeline", async () => {
    const file = keys.file("Codertocat/Hello-World", "app/payments/charge.py");
    const path = json(await call("find_path", { from: file, to: "sentry:project:backend", max_depth: 3 })).path;
    expect(path.entities.map((e: { key: string }) => e.key)).toEqual([file, "sentry:issue-id:4509012345", "sentry:project:backend"]);
    expect(json(await call("find_path", { from: file, to: "jira:project:PAY", max_depth: 1 })).path).toBeNull();
    const page = json(await call("get_timeline", { id: file }));
    expect(page.items).toEqual([expect.objectContaining({ deliveryId: "dlv_mcp_alert", vendor: "sentry", eventType: "event_alert" })]);
  });

  it("an unknown entity or a bad argument is a tool error", async () => {
    const missing = await call("get_entity", { id: "jira:issue:NOPE-1" });
    expect(missing.isError).toBe(true);
    expect(text(missing)).toBe("no graph entity jira:issue:NOPE-1");
    expect((await call("find_path", { from: "jira:issue:PAY-142", to: "jira:issue:NOPE-1" })).isError).toBe(true);
    expect((await call("get_timeline", { id: "jira:issue:NOPE-1" })).isError).toBe(true);
    const bad = await call("find_path", { from: "a", to: "b", max_depth: 9 });
    expect(bad.isError).toBe(true);
  });
});
