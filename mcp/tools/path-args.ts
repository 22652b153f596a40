// Tool arguments that become part of a vendor URL's path. Whatever the token's scope, they
// stay inside the path they were meant for: no `.`/`..` segments, no encoded dots, slashes or
// backslashes, no scheme or host, no leading slash. The refusal is a tool error from the
// input schema, before any request is built.
import { z } from "zod";

const SCHEME = /^[a-z][a-z0-9+.-]*:/i;
// %2e `.`, %2f `/`, %5c `\`, and %25 (an encoded `%`, which a second decoding would turn into one of them).
const ENCODED_SEPARATOR = /%(2e|2f|5c|25)/i;
// biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
const CONTROL = /[\u0000-\u001f\u007f]/;

/** Why `path` may not be used as a relative path, or undefined when it may. */
function unsafePathReason(path: string): string | undefined {
  if (path.startsWith("/")) return "must be relative: no leading /";
  if (SCHEME.test(path)) return "must be a path, not a URL";
  if (path.includes("\\")) return "must not contain \\";
  if (ENCODED_SEPARATOR.test(path)) return "must not contain encoded dots, slashes or percent signs (%2e, %2f, %5c, %25)";
  if (CONTROL.test(path)) return "must not contain control characters";
  if (path.split("/").some((segment) => segment === "." || segment === "..")) return "must not contain . or .. segments";
  if (/\/\//.test(path)) return "must not contain empty segments (//)";
  return undefined;
}

/** A path relative to a fixed URL prefix (a file in a repository); `""` is the prefix itself. */
export const relativePath = z
  .string()
  .max(1000)
  .superRefine((path, ctx) => {
    const reason = unsafePathReason(path);
    if (reason) ctx.addIssue({ code: "custom", message: `path ${reason}` });
  });

/** One URL path segment (an owner, a repository, an organization slug): a name, never `.` or `..`. */
export const pathSegment = z
  .string()
  .min(1)
  .max(100)
  .regex(/^[\w.-]+$/, "letters, digits, _, . and - only")
  .refine((name) => !/^\.+$/.test(name), "must not be . or ..");
