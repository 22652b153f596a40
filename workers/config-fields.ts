// The zod field types settings are declared with, shared by configSchema (config.ts) and the
// settings each vendor declares beside its code (`workers/integrations/<vendor>/<vendor>.settings.ts`).
import { z } from "zod";
import { CLI_NAMES, type CliName, VENDORS } from "../core/names";

const VENDOR = VENDORS.join("|");
/** `vendor:scope=owner/repo`, for any vendor in VENDORS. */
const REPOSITORY_PAIR = new RegExp(`^\\s*(${VENDOR}):([^=\\s]+)\\s*=\\s*([\\w.-]+\\/[\\w.-]+)\\s*$`);
/** `vendor:<id>`, a graph person of any vendor in VENDORS. */
const VENDOR_PERSON = new RegExp(`^(${VENDOR}):\\S+$`);

export const list = z
  .string()
  .optional()
  .transform((value) =>
    (value ?? "")
      .split(",")
      .map((item) => item.trim())
      .filter(Boolean),
  );
/** A list whose absence means `fallback`; set to empty, it is empty. */
export const listOr = (fallback: readonly string[]) =>
  z
    .string()
    .optional()
    .transform((value) =>
      value === undefined
        ? [...fallback]
        : value
            .split(",")
            .map((item) => item.trim())
            .filter(Boolean),
    );
export const secret = z
  .string()
  .optional()
  .transform((value) => (value?.trim() ? value : undefined));
/** `vendor:scope=owner/repo` pairs, e.g. `sentry:backend=acme/api,jira:PAY=acme/api`, keyed `vendor:scope`. */
export const repositoryMap = z
  .string()
  .optional()
  .transform((value) => {
    const map: Record<string, string> = {};
    for (const pair of (value ?? "").split(",")) {
      const match = REPOSITORY_PAIR.exec(pair);
      if (match) map[`${match[1]}:${match[2]}`] = match[3]!;
    }
    return map;
  });
/**
 * People who are one person across vendors: `name=item,item;name=item…`, each item a graph person
 * (`github:<login>`, `jira:<accountId>`, `slack:<team>/<user>`, `sentry:<user id>`) or an email
 * address. Keyed by `person:<vendor>:<id>` or `email:<address>`, valued by the name.
 */
export const personIdentities = z
  .string()
  .optional()
  .transform((value) => {
    const map: Record<string, string> = {};
    for (const group of (value ?? "").split(";")) {
      const [name, items] = group.split("=", 2).map((s) => s.trim());
      if (!name || !items) continue;
      for (const item of items.split(",").map((s) => s.trim())) {
        if (VENDOR_PERSON.test(item)) map[`person:${item}`] = name;
        else if (/^[^@\s]+@[^@\s]+$/.test(item)) map[`email:${item.toLowerCase()}`] = name;
      }
    }
    return map;
  });
export const positiveInt = (fallback: number) => z.coerce.number().int().positive().catch(fallback);
/** A Cloudflare Access team domain as the issuer its JWTs name: `https://<team>.cloudflareaccess.com`. */
export const teamDomain = z
  .string()
  .optional()
  .transform((value) => {
    const text = value?.trim();
    if (!text) return undefined;
    try {
      return new URL(/^https?:\/\//.test(text) ? text : `https://${text}`).origin;
    } catch {
      // An unusable domain leaves Access sign-in off, like an empty one; bearer tokens still work.
      return undefined;
    }
  });
/** `claude=<model>,cursor=<model>`: a model per CLI (names in CLI_NAMES); a CLI left out uses its own default. */
export const modelPerCli = z
  .string()
  .optional()
  .transform((value) => {
    const map: Partial<Record<CliName, string>> = {};
    for (const pair of (value ?? "").split(",")) {
      const [cli, model] = pair.split("=", 2).map((s) => s.trim());
      if (model && (CLI_NAMES as readonly string[]).includes(cli ?? "")) map[cli as CliName] = model;
    }
    return map;
  });
/**
 * Models a request may choose: `claude:opus,cursor:gpt-5` per CLI, or a bare `sonnet` for every
 * CLI. Keyed by CLI name, `*` for the bare ones. A prefix that is no CLI name is part of the model
 * (`us.anthropic.claude-v1:0`).
 */
export const allowedModels = list.transform((items) => {
  const map: Record<string, string[]> = {};
  for (const item of items) {
    const colon = item.indexOf(":");
    const prefix = colon > 0 ? item.slice(0, colon) : "";
    const [key, model] = (CLI_NAMES as readonly string[]).includes(prefix) ? [prefix, item.slice(colon + 1).trim()] : ["*", item];
    if (model) map[key] = [...(map[key] ?? []), model];
  }
  return map;
});
