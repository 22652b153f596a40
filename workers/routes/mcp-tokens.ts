// Issue, list and revoke MCP tokens. Mounted under /api, so the admin
// API_TOKEN guards it. The secret is in the POST answer only.
import { Hono } from "hono";
import { z } from "zod";
import { MCP_ACCESS } from "../../core/mcp-scopes";
import type { AppEnv } from "../app-env";
import { issueToken, listTokens, mcpServerSchema, resourceScopeInput, revokeToken } from "../auth/mcp-tokens";
import { AppError } from "../errors";
import { validate } from "../middleware/validate";

const DAY_SECONDS = 86_400;

/** The body IssueMcpTokenInput (core/api-types.ts) describes; test/node/api-types.test.ts holds them equal. */
export const issueBody = z.object({
  name: z.string().trim().min(1).max(100),
  servers: z.array(mcpServerSchema).min(1),
  access: z.enum(MCP_ACCESS).default("read"),
  /** Lifetime in seconds: 30 days unless given, at most a year. */
  expiresInSeconds: z
    .number()
    .int()
    .min(60)
    .max(365 * DAY_SECONDS)
    .default(30 * DAY_SECONDS),
  /** Requests per second for this token; MCP_RATE_LIMIT_PER_SECOND when absent. */
  rateLimitPerSecond: z.number().int().min(1).max(1000).optional(),
  /** The resources it reaches within its servers (docs/mcp.md); every resource when absent. */
  scope: resourceScopeInput.optional(),
});

export function mcpTokenRoutes() {
  const app = new Hono<AppEnv>();

  app.post("/mcp-tokens", validate("json", issueBody, "token request"), async (c) => {
    const { expiresInSeconds, ...input } = c.req.valid("json");
    const issued = await issueToken(c.env.DB, { ...input, expiresAt: Date.now() + expiresInSeconds * 1000 });
    c.get("log").outcome = "mcp_token_issued";
    return c.json(issued, 201, { "cache-control": "no-store" });
  });

  app.get("/mcp-tokens", async (c) => c.json({ items: await listTokens(c.env.DB) }));

  app.delete("/mcp-tokens/:id", async (c) => {
    const revoked = await revokeToken(c.env.DB, c.req.param("id"));
    if (!revoked) throw new AppError("not_found", `no MCP token ${c.req.param("id")}`);
    return c.json(revoked);
  });

  return app;
}
