// MCP bearer tokens in D1. A token is `mcp_` + 32 random bytes (base64url); only
// its SHA-256 is stored, so a database read never yields a usable token.
// Below mcp/ and durable-objects/: the API issues and revokes tokens, the MCP route
// verifies them, and the TaskAgent mints one per attempt.
import { desc, eq } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { z } from "zod";
import type { McpToken } from "../../core/api-types";
import { MCP_SERVERS, type McpAccess, type McpPrincipal, type McpResourceScope, type McpServerName } from "../../core/mcp-scopes";
import { mcpTokens } from "../db/schema";
import { sha256Hex } from "../security/hmac";

export const TOKEN_PREFIX = "mcp_";

export const mcpServerSchema = z.enum(MCP_SERVERS);

export interface IssueTokenInput {
  name: string;
  servers: McpServerName[];
  access: McpAccess;
  /** Epoch milliseconds. */
  expiresAt: number;
  rateLimitPerSecond?: number;
  taskId?: string;
  /** The resources it reaches; every resource when absent. */
  scope?: McpResourceScope;
}

function randomToken(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return (
    TOKEN_PREFIX +
    btoa(String.fromCharCode(...bytes))
      .replace(/\+/g, "-")
      .replace(/\//g, "_")
      .replace(/=+$/, "")
  );
}

const serversColumn = z.array(mcpServerSchema);

// No length limits here: a task with many joined threads must not fail its token.
const names = z.array(z.string());
/** McpResourceScope as stored; lenient about names, since the tools' own schemas bound what they reach. */
const resourceScopeSchema = z.object({
  taskId: z.string().nullable(),
  repositories: names,
  issues: names,
  slack: z.array(z.object({ channel: z.string(), threadTs: z.string().nullable() })),
  jiraProjects: names,
  jiraIssues: names,
  sentryIssues: names,
}) satisfies z.ZodType<McpResourceScope>;

const list = <T extends z.ZodType>(item: T) => z.array(item).max(100).default([]);
// `owner/name` parts that are only dots would be path traversal once in a URL.
const noDotParts = (name: string) => !name.split(/[/#]/).some((part) => /^\.+$/.test(part));
/**
 * The `scope` an admin may give a token (McpResourceScopeInput in core/api-types.ts): names in
 * their vendor's shapes; a list left out means none of that kind.
 */
export const resourceScopeInput = z
  .object({
    taskId: z
      .string()
      .regex(/^[\w.:-]{1,200}$/)
      .nullable()
      .default(null),
    repositories: list(
      z
        .string()
        .regex(/^[\w.-]+\/[\w.-]+$/, "owner/name")
        .refine(noDotParts, "no . or .. names"),
    ),
    issues: list(
      z
        .string()
        .regex(/^[\w.-]+\/[\w.-]+#\d+$/, "owner/name#number")
        .refine(noDotParts, "no . or .. names"),
    ),
    slack: list(
      z.object({
        channel: z.string().regex(/^[CGD][A-Z0-9]+$/, "a channel id such as C0123ABCD"),
        threadTs: z
          .string()
          .regex(/^\d+\.\d+$/, "a message timestamp such as 1700000000.000100")
          .nullable()
          .default(null),
      }),
    ),
    jiraProjects: list(z.string().regex(/^[A-Z][A-Z0-9_]+$/, "a project key such as PAY")),
    jiraIssues: list(z.string().regex(/^[A-Z][A-Z0-9_]+-\d+$/, "an issue key such as PAY-123")),
    sentryIssues: list(z.string().regex(/^\d+$/, "a numeric Sentry issue id")),
  })
  .strict() satisfies z.ZodType<McpResourceScope>;

// Rows from before scopes (and admin tokens) have none: they reach every resource.
const scopeColumn = z
  .string()
  .nullable()
  .transform((raw) => (raw === null ? null : resourceScopeSchema.parse(JSON.parse(raw))));

function toRecord(row: typeof mcpTokens.$inferSelect): McpToken {
  return {
    id: row.id,
    name: row.name,
    servers: serversColumn.parse(JSON.parse(row.servers)),
    access: row.access,
    rateLimitPerSecond: row.rateLimitPerSecond,
    taskId: row.taskId,
    scope: scopeColumn.parse(row.scope),
    createdAt: row.createdAt,
    expiresAt: row.expiresAt,
    revokedAt: row.revokedAt,
  };
}

/** Creates a token; the returned `token` is the only time the secret exists outside the caller. */
export async function issueToken(db: D1Database, input: IssueTokenInput, now = Date.now()): Promise<McpToken & { token: string }> {
  const token = randomToken();
  const row = {
    id: `mtk_${crypto.randomUUID().replace(/-/g, "")}`,
    name: input.name,
    tokenHash: await sha256Hex(token),
    servers: JSON.stringify([...new Set(input.servers)]),
    access: input.access,
    rateLimitPerSecond: input.rateLimitPerSecond ?? null,
    taskId: input.taskId ?? null,
    scope: input.scope ? JSON.stringify(resourceScopeSchema.parse(input.scope)) : null,
    createdAt: now,
    expiresAt: input.expiresAt,
    revokedAt: null,
  };
  await drizzle(db).insert(mcpTokens).values(row);
  return { ...toRecord(row), token };
}

export async function listTokens(db: D1Database): Promise<McpToken[]> {
  const rows = await drizzle(db).select().from(mcpTokens).orderBy(desc(mcpTokens.createdAt), desc(mcpTokens.id));
  return rows.map(toRecord);
}

/** Marks the token revoked; false when there is no such token. Revoking twice keeps the first time. */
export async function revokeToken(db: D1Database, id: string, now = Date.now()): Promise<McpToken | undefined> {
  const [row] = await drizzle(db).select().from(mcpTokens).where(eq(mcpTokens.id, id));
  if (!row) return undefined;
  if (row.revokedAt === null) await drizzle(db).update(mcpTokens).set({ revokedAt: now }).where(eq(mcpTokens.id, id));
  return toRecord({ ...row, revokedAt: row.revokedAt ?? now });
}

export type TokenCheck =
  | { ok: true; principal: McpPrincipal; rateLimitPerSecond: number | null }
  | { ok: false; reason: "unknown" | "expired" | "revoked" };

/** Looks a presented token up by its hash. */
export async function verifyToken(db: D1Database, token: string, now = Date.now()): Promise<TokenCheck> {
  if (!token.startsWith(TOKEN_PREFIX)) return { ok: false, reason: "unknown" };
  const [row] = await drizzle(db)
    .select()
    .from(mcpTokens)
    .where(eq(mcpTokens.tokenHash, await sha256Hex(token)));
  if (!row) return { ok: false, reason: "unknown" };
  const record = toRecord(row);
  if (record.revokedAt !== null) return { ok: false, reason: "revoked" };
  if (record.expiresAt <= now) return { ok: false, reason: "expired" };
  return {
    ok: true,
    rateLimitPerSecond: record.rateLimitPerSecond,
    principal: {
      tokenId: record.id,
      name: record.name,
      servers: record.servers,
      access: record.access,
      expiresAt: record.expiresAt,
      taskId: record.taskId,
      scope: record.scope,
    },
  };
}
