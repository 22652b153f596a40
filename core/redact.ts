// One redaction step for everything the runner emits (events, log lines, error
// reasons) and everything the Worker logs. Known secret values are replaced first (longest first, so a
// secret that contains another is not half-replaced), then token shapes that a
// CLI may print even though nobody told us about them.
import { Buffer } from "node:buffer";

export const REDACTED = "[redacted]";

/** Values shorter than this are not secrets worth the name; replacing them would blank out ordinary words. */
const MIN_EXPLICIT_LENGTH = 4;
/** `env` also carries plain settings ("1", "true", a model name); only long values are treated as secrets. */
const MIN_ENV_LENGTH = 8;

const TOKEN_PATTERNS: { pattern: RegExp; replace: string }[] = [
  // GitHub personal, OAuth, app installation, user-to-server and refresh tokens; fine-grained PATs.
  { pattern: /\bgh[pousr]_[A-Za-z0-9]{20,}/g, replace: REDACTED },
  { pattern: /\bgithub_pat_[A-Za-z0-9_]{20,}/g, replace: REDACTED },
  // Slack bot, user, app-level and refresh tokens.
  { pattern: /\bxox[abpr]-[A-Za-z0-9-]{8,}/g, replace: REDACTED },
  // Anthropic before generic `sk-` so the whole key goes.
  { pattern: /\bsk-ant-[A-Za-z0-9_-]{16,}/g, replace: REDACTED },
  { pattern: /\bsk-[A-Za-z0-9_-]{16,}/g, replace: REDACTED },
  // AWS access key ids (long-term and temporary).
  { pattern: /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/g, replace: REDACTED },
  // Authorization header values, whatever the token looks like.
  { pattern: /\b(Bearer)\s+[A-Za-z0-9._~+/=-]{8,}/gi, replace: `$1 ${REDACTED}` },
  // Credentials embedded in URLs: https://user:secret@host.
  { pattern: /\b([a-z][a-z0-9+.-]*:\/\/[^\s:/@]+:)[^\s@/]+@/gi, replace: `$1${REDACTED}@` },
];

export type SecretSources = {
  redact?: readonly string[];
  gitToken?: string;
  env?: Record<string, string>;
  /** MCP server header values (Authorization and the like). */
  headers?: readonly string[];
};

export type Redactor = {
  text(value: string): string;
  /** Redacts every string inside a JSON-like value; keys are left as they are. */
  deep<T>(value: T): T;
};

export function createRedactor(sources: SecretSources = {}): Redactor {
  const values = new Set<string>();
  const add = (value: string | undefined, min: number) => {
    if (value && value.length >= min) values.add(value);
  };
  for (const value of sources.redact ?? []) add(value, MIN_EXPLICIT_LENGTH);
  for (const value of sources.headers ?? []) add(value, MIN_EXPLICIT_LENGTH);
  for (const value of Object.values(sources.env ?? {})) add(value, MIN_ENV_LENGTH);
  if (sources.gitToken) {
    add(sources.gitToken, MIN_EXPLICIT_LENGTH);
    // What git sends for HTTP basic auth, should a verbose log ever print it.
    add(Buffer.from(`x-access-token:${sources.gitToken}`).toString("base64"), MIN_EXPLICIT_LENGTH);
  }
  const ordered = [...values].sort((a, b) => b.length - a.length);

  const text = (input: string): string => {
    let out = input;
    for (const value of ordered) if (out.includes(value)) out = out.split(value).join(REDACTED);
    for (const { pattern, replace } of TOKEN_PATTERNS) out = out.replace(pattern, replace);
    return out;
  };

  const deep = <T>(value: T): T => {
    if (typeof value === "string") return text(value) as T;
    if (Array.isArray(value)) return value.map((item) => deep(item)) as T;
    if (value && typeof value === "object") {
      const out: Record<string, unknown> = {};
      for (const [key, item] of Object.entries(value)) out[key] = deep(item);
      return out as T;
    }
    return value;
  };

  return { text, deep };
}
