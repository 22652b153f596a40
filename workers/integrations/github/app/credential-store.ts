// The GitHub App credentials the setup flow received, kept in D1 sealed with AES-GCM under a
// key from the GITHUB_APP_STORE_KEY secret: whoever reads the database without that secret gets
// the App's id and slug, never its private key, webhook secret or client secret.
import { eq } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { z } from "zod";
import { githubApp } from "../../../db/schema";

/** What GitHub's manifest conversion returns that agent-bot keeps. */
export const storedAppSchema = z.object({
  appId: z.string().min(1),
  slug: z.string().min(1),
  privateKey: z.string().min(1),
  webhookSecret: z.string().min(1),
  clientId: z.string().optional(),
  clientSecret: z.string().optional(),
  /** The App's bot user, whose id makes the noreply email commits are authored with. */
  botUserId: z.string().optional(),
});
export type StoredApp = z.infer<typeof storedAppSchema>;

const ROW = 1;
const encoder = new TextEncoder();

/** The AES-256-GCM key derived from the store key secret (any length: it is hashed). */
async function storeKey(secret: string): Promise<CryptoKey> {
  const digest = await crypto.subtle.digest("SHA-256", encoder.encode(secret));
  return crypto.subtle.importKey("raw", digest, "AES-GCM", false, ["encrypt", "decrypt"]);
}

const toBase64 = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes));
const fromBase64 = (text: string) => Uint8Array.from(atob(text), (c) => c.charCodeAt(0));

export async function seal(secret: string, app: StoredApp): Promise<string> {
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const cipher = new Uint8Array(
    await crypto.subtle.encrypt({ name: "AES-GCM", iv }, await storeKey(secret), encoder.encode(JSON.stringify(app))),
  );
  const out = new Uint8Array(iv.length + cipher.length);
  out.set(iv);
  out.set(cipher, iv.length);
  return toBase64(out);
}

export async function unseal(secret: string, sealed: string): Promise<StoredApp> {
  const bytes = fromBase64(sealed);
  const plain = await crypto.subtle.decrypt({ name: "AES-GCM", iv: bytes.slice(0, 12) }, await storeKey(secret), bytes.slice(12));
  return storedAppSchema.parse(JSON.parse(new TextDecoder().decode(plain)));
}

/** Each GitHub request would read the row otherwise: an isolate reads it at most this often (a new App shows within it). */
const CACHE_MS = 30_000;
const cache = new Map<D1Database, { at: number; app: Promise<StoredApp | undefined> }>();

export async function storeApp(db: D1Database, secret: string, app: StoredApp, now = Date.now()): Promise<void> {
  const row = { id: ROW, appId: app.appId, slug: app.slug, sealed: await seal(secret, app), createdAt: now };
  await drizzle(db).insert(githubApp).values(row).onConflictDoUpdate({ target: githubApp.id, set: row });
  cache.delete(db);
}

/** The stored App, or undefined when none is stored; a wrong store key throws (AES-GCM's tag check). */
export function loadStoredApp(db: D1Database, secret: string, now = Date.now()): Promise<StoredApp | undefined> {
  const cached = cache.get(db);
  if (cached && now - cached.at < CACHE_MS) return cached.app;
  const app = (async () => {
    const [row] = await drizzle(db).select().from(githubApp).where(eq(githubApp.id, ROW)).limit(1);
    return row ? unseal(secret, row.sealed) : undefined;
  })();
  cache.set(db, { at: now, app });
  app.catch(() => cache.delete(db));
  return app;
}
