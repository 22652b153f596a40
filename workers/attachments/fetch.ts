// Fetches one attached file for the platform (the agent never fetches them): only from the
// vendor's own hosts, following redirects by hand so each hop is checked again, with the
// vendor's credential sent to its API hosts alone, and never reading more than the limit.

/** Where a vendor's files may come from, and which of those hosts get its credential. */
export interface HostRule {
  vendor: string;
  /** Origins (`https://github.com`) or wildcard origins (`https://*.githubusercontent.com`). */
  origins: readonly string[];
  /** Origins that get `headers` (the vendor's token); a subset of `origins`. */
  authOrigins: readonly string[];
  headers: Record<string, string>;
}

export type Fetched = { ok: true; bytes: Uint8Array } | { ok: false; reason: string };

const MAX_REDIRECTS = 5;
const TIMEOUT_MS = 20_000;

function originMatches(pattern: string, url: URL): boolean {
  const wildcard = /^(https?:)\/\/\*\.(.+)$/.exec(pattern);
  if (!wildcard) return pattern === url.origin;
  return url.protocol === wildcard[1] && url.port === "" && url.hostname.endsWith(`.${wildcard[2]}`);
}

export function allowedBy(rule: HostRule, url: URL): boolean {
  return rule.origins.some((pattern) => originMatches(pattern, url));
}

/** The URL as notes and the prompt show it: no query (signed URLs carry tokens there), no credentials. */
export function describeUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.origin}${parsed.pathname}`;
  } catch {
    return url.slice(0, 200);
  }
}

export async function fetchAttachment(url: string, rule: HostRule, maxBytes: number, fetcher: typeof fetch = fetch): Promise<Fetched> {
  let current: URL;
  try {
    current = new URL(url);
  } catch {
    return { ok: false, reason: "not a URL" };
  }
  for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
    if (!allowedBy(rule, current)) {
      const how = hop === 0 ? "is on" : "redirects to";
      return { ok: false, reason: `${how} ${current.host}, not one of ${rule.vendor}'s hosts` };
    }
    const headers = rule.authOrigins.includes(current.origin) ? rule.headers : {};
    let response: Response;
    try {
      response = await fetcher(current.toString(), { headers, redirect: "manual", signal: AbortSignal.timeout(TIMEOUT_MS) });
    } catch (error) {
      return { ok: false, reason: `could not be fetched (${error instanceof Error ? error.message : String(error)})` };
    }
    if (response.status >= 300 && response.status < 400) {
      const location = response.headers.get("location");
      await response.body?.cancel();
      if (!location) return { ok: false, reason: `answered ${response.status} without a Location` };
      current = new URL(location, current);
      continue;
    }
    if (!response.ok) {
      await response.body?.cancel();
      return { ok: false, reason: `answered ${response.status}` };
    }
    return readCapped(response, maxBytes);
  }
  return { ok: false, reason: `more than ${MAX_REDIRECTS} redirects` };
}

/** The body, or a refusal as soon as it is known to exceed `maxBytes` (declared or counted). */
async function readCapped(response: Response, maxBytes: number): Promise<Fetched> {
  const tooBig = { ok: false as const, reason: `is larger than the ${formatBytes(maxBytes)} limit` };
  const declared = Number(response.headers.get("content-length") ?? Number.NaN);
  if (declared > maxBytes) {
    await response.body?.cancel();
    return tooBig;
  }
  if (!response.body) return { ok: true, bytes: new Uint8Array() };
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = response.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      return tooBig;
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, at);
    at += chunk.byteLength;
  }
  return { ok: true, bytes };
}

/** `10 MiB`, `512 KiB`, `30 B`. */
export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${+(bytes / (1024 * 1024)).toFixed(1)} MiB`;
  if (bytes >= 1024) return `${+(bytes / 1024).toFixed(1)} KiB`;
  return `${bytes} B`;
}
