// The knowledge graph's read API: one entity, its neighbourhood, its timeline, the
// shortest path between two entities, and full-text search.
// Mounted under /api, behind requireApiToken.
import { Hono } from "hono";
import { z } from "zod";
import { EDGE_TYPES, ENTITY_TYPES } from "../../core/graph-types";
import type { AppEnv } from "../app-env";
import { AppError } from "../errors";
import { MAX_PATH_DEPTH } from "../graph/path";
import { findPath, getEntity, neighbours, searchEntities, timeline } from "../graph/store";
import { validate } from "../middleware/validate";

const list = <T extends readonly [string, ...string[]]>(values: T) =>
  z
    .string()
    .optional()
    .transform((text) =>
      text
        ? text
            .split(",")
            .map((s) => s.trim())
            .filter(Boolean)
        : undefined,
    )
    .pipe(z.array(z.enum(values)).optional());

/** `throughHubs=1` (or `true`): walk through hubs too. */
const flag = z
  .enum(["0", "1", "true", "false"])
  .optional()
  .transform((v) => v === "1" || v === "true");

const neighboursQuery = z.object({
  depth: z.coerce.number().int().min(1).max(3).default(1),
  types: list(ENTITY_TYPES),
  edgeTypes: list(EDGE_TYPES),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  throughHubs: flag,
});
const searchQuery = z.object({
  q: z.string().trim().min(1).max(200),
  types: list(ENTITY_TYPES),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

/** Like `flag`, but absent stays undefined: findPath then avoids hubs when it can and crosses them when it must. */
const optionalFlag = z
  .enum(["0", "1", "true", "false"])
  .optional()
  .transform((v) => (v === undefined ? undefined : v === "1" || v === "true"));

const pathQuery = z.object({
  from: z.string().trim().min(1).max(500),
  to: z.string().trim().min(1).max(500),
  maxDepth: z.coerce.number().int().min(1).max(MAX_PATH_DEPTH).default(4),
  edgeTypes: list(EDGE_TYPES),
  throughHubs: optionalFlag,
});
const timelineQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  before: z.coerce.number().int().positive().optional(),
});

export function graphRoutes() {
  const app = new Hono<AppEnv>();

  // `:id` is an entity id (`ge_…`) or a URL-encoded natural key (`jira%3Aissue%3APAY-142`).
  app.get("/graph/entities/:id", async (c) => {
    const id = c.req.param("id");
    const entity = await getEntity(c.env.DB, id);
    if (!entity) throw new AppError("not_found", `no graph entity ${id}`);
    return c.json({ entity });
  });

  app.get("/graph/entities/:id/neighbors", validate("query", neighboursQuery), async (c) => {
    const id = c.req.param("id");
    const result = await neighbours(c.env.DB, id, c.req.valid("query"));
    if (!result) throw new AppError("not_found", `no graph entity ${id}`);
    return c.json(result);
  });

  app.get("/graph/entities/:id/timeline", validate("query", timelineQuery), async (c) => {
    const id = c.req.param("id");
    const page = await timeline(c.env.DB, id, c.req.valid("query"));
    if (!page) throw new AppError("not_found", `no graph entity ${id}`);
    return c.json(page);
  });

  // 404 when either end is unknown; `{ path: null }` when both exist but no path is within maxDepth.
  app.get("/graph/path", validate("query", pathQuery), async (c) => {
    const query = c.req.valid("query");
    const [from, to] = await Promise.all([getEntity(c.env.DB, query.from), getEntity(c.env.DB, query.to)]);
    if (!from) throw new AppError("not_found", `no graph entity ${query.from}`);
    if (!to) throw new AppError("not_found", `no graph entity ${query.to}`);
    const path = await findPath(c.env.DB, from.id, to.id, query);
    return c.json({ path: path ? { length: path.edges.length, ...path } : null });
  });

  app.get("/graph/search", validate("query", searchQuery), async (c) => {
    const query = c.req.valid("query");
    return c.json({ items: await searchEntities(c.env.DB, query.q, query) });
  });

  return app;
}
