// The knowledge graph as read-only tools on the agent-bot MCP server: the same
// store functions GET /api/graph/... serves (workers/graph/store.ts).
import type { McpServer } from "@modelcontextprotocol/server";
import { z } from "zod";
import { EDGE_TYPES, ENTITY_TYPES } from "../../core/graph-types";
import { MAX_PATH_DEPTH } from "../../workers/graph/path";
import { findPath, getEntity, neighbours, searchEntities, timeline } from "../../workers/graph/store";
import { registerTools, tool, ToolError, type ToolContext } from "./define";
import { anyResource } from "./scope";

const entityRef = z
  .string()
  .min(1)
  .max(500)
  .describe("An entity id (ge_…) or natural key, e.g. jira:issue:PAY-142, sentry:issue:BACKEND-4Z, github:pr:owner/name#12");
const entityTypes = z.array(z.enum(ENTITY_TYPES)).max(ENTITY_TYPES.length).optional();
const edgeTypes = z.array(z.enum(EDGE_TYPES)).max(EDGE_TYPES.length).optional();

const notFound = (ref: string) => new ToolError(`no graph entity ${ref}`, { status: 404, retryable: false });

export const graphTools = [
  tool({
    name: "search_entities",
    title: "Search the knowledge graph",
    description:
      "Full-text search over everything agent-bot has seen (issues, PRs, commits, files, Jira tickets, Slack threads, Sentry issues, people) by key, title and text. Every word must match; the last one is a prefix. Best match first.",
    input: z.object({
      query: z.string().min(1).max(200),
      types: entityTypes.describe("Only entities of these types"),
      limit: z.number().int().min(1).max(100).default(20),
    }),
    reaches: anyResource,
    run: async (a, ctx) => ({ items: await searchEntities(ctx.env.DB, a.query, { types: a.types, limit: a.limit }) }),
  }),
  tool({
    name: "get_entity",
    title: "Get a graph entity",
    description: "One entity of the knowledge graph: type, key, title, URL, properties, searchable text, first and last seen.",
    input: z.object({ id: entityRef }),
    reaches: anyResource,
    run: async ({ id }, ctx) => {
      const entity = await getEntity(ctx.env.DB, id);
      if (!entity) throw notFound(id);
      return { entity };
    },
  }),
  tool({
    name: "get_neighbors",
    title: "Get an entity's neighbourhood",
    description:
      "What is related to an entity: everything within `depth` hops (either direction), nearest first, and the edges among them (references, closes, culprit_in, touches, discussed_in, assigned_to, same_as…). Hubs (repositories, projects, channels, accounts, installations, and anything with hundreds of edges) are returned but not walked through unless through_hubs is true.",
    input: z.object({
      id: entityRef,
      depth: z.number().int().min(1).max(3).default(1),
      types: entityTypes.describe("Only return entities of these types (others are still walked through)"),
      edge_types: edgeTypes.describe("Only walk edges of these types"),
      limit: z.number().int().min(1).max(200).default(50),
      through_hubs: z.boolean().default(false).describe("Also walk through hubs: their whole membership, newest first"),
    }),
    reaches: anyResource,
    run: async (a, ctx) => {
      const result = await neighbours(ctx.env.DB, a.id, {
        depth: a.depth,
        types: a.types,
        edgeTypes: a.edge_types,
        limit: a.limit,
        throughHubs: a.through_hubs,
      });
      if (!result) throw notFound(a.id);
      return result;
    },
  }),
  tool({
    name: "find_path",
    title: "Find how two entities are connected",
    description:
      "The shortest chain of relations between two entities (edges in either direction), or `path: null` when none is within max_depth hops. A path that avoids hubs (repositories, projects, channels, accounts, installations, and anything with hundreds of edges) is preferred; one through a hub is returned only when there is no other, unless through_hubs says otherwise.",
    input: z.object({
      from: entityRef,
      to: entityRef,
      max_depth: z.number().int().min(1).max(MAX_PATH_DEPTH).default(4),
      edge_types: edgeTypes.describe("Only walk edges of these types"),
      through_hubs: z
        .boolean()
        .optional()
        .describe("true: may pass through hubs; false: never; unset: avoid hubs unless that finds no path"),
    }),
    reaches: anyResource,
    run: async (a, ctx) => {
      const [from, to] = await Promise.all([getEntity(ctx.env.DB, a.from), getEntity(ctx.env.DB, a.to)]);
      if (!from) throw notFound(a.from);
      if (!to) throw notFound(a.to);
      const path = await findPath(ctx.env.DB, from.id, to.id, {
        maxDepth: a.max_depth,
        edgeTypes: a.edge_types,
        throughHubs: a.through_hubs,
      });
      return { path: path ? { length: path.edges.length, ...path } : null };
    },
  }),
  tool({
    name: "get_timeline",
    title: "Get an entity's timeline",
    description: "The events (webhook deliveries) that named an entity, newest first. Pass the answer's `next` as `before` for older ones.",
    input: z.object({
      id: entityRef,
      limit: z.number().int().min(1).max(200).default(20),
      before: z.number().int().positive().optional().describe("Only events before this time (epoch ms)"),
    }),
    reaches: anyResource,
    run: async (a, ctx) => {
      const page = await timeline(ctx.env.DB, a.id, { limit: a.limit, before: a.before });
      if (!page) throw notFound(a.id);
      return page;
    },
  }),
];

export function registerGraphTools(server: McpServer, ctx: ToolContext): void {
  registerTools(server, ctx, graphTools);
}
