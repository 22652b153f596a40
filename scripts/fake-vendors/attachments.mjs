// Files the fake vendors serve as attachments, so a triggering message's images and files can be
// fetched without the real vendors (issue 18). Paths are relative to each vendor's prefix:
//
//   GitHub  GET /user-attachments/assets/:id          public, like github.com's
//           GET /user-attachments/files/:id/:name     public
//   Slack   GET /files-pri/:id/:name                  needs the bot token (Bearer), like files.slack.com
//   Jira    GET /rest/api/3/attachment/content/:id    needs Jira's auth (Basic)
//
// What an id serves, whatever its name says:
//   screenshot*, png*   a small PNG
//   log*, text*         a few lines of text
//   big*                a PNG of 11 MiB (over the default 10 MiB limit)
//   away*               a 302 to http://localhost:<port>/elsewhere/<id>.png: the same server under
//                       another host, so a fetch that followed it would show up in /_calls
//   anything else       404

/** A 1×1 transparent PNG. */
export const FAKE_PNG = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==",
  "base64",
);
const FAKE_LOG = Buffer.from("2026-12-01T01:00:00Z ERROR checkout: total is NaN for currency EUR\n");
const BIG_BYTES = 11 * 1024 * 1024;

const file = (bytes) => ({ status: 200, raw: bytes, headers: { "content-type": "application/octet-stream" } });

function content(id, origin) {
  if (/^(screenshot|png)/.test(id)) return file(FAKE_PNG);
  if (/^(log|text)/.test(id)) return file(FAKE_LOG);
  if (id.startsWith("big")) return file(Buffer.concat([FAKE_PNG, Buffer.alloc(BIG_BYTES - FAKE_PNG.length)]));
  if (id.startsWith("away")) {
    const elsewhere = new URL(origin);
    elsewhere.hostname = "localhost";
    return { status: 302, raw: Buffer.alloc(0), headers: { location: `${elsewhere.origin}/elsewhere/${id}.png` } };
  }
  return { status: 404, raw: Buffer.from("Not Found"), headers: { "content-type": "text/plain" } };
}

const unauthorized = { status: 401, raw: Buffer.from("not_authed"), headers: { "content-type": "text/plain" } };

const ROUTES = {
  github: [/^\/user-attachments\/assets\/([^/]+)$/, /^\/user-attachments\/files\/([^/]+)\/[^/]+$/],
  slack: [/^\/files-pri\/([^/]+)\/[^/]+$/],
  jira: [/^\/rest\/api\/3\/attachment\/content\/([^/]+)$/],
};
const NEEDS_AUTH = { github: false, slack: "Bearer", jira: "Basic" };

/**
 * The answer for an attachment path of `vendor` (the path after its prefix), or undefined when
 * the path is none. `origin` is the fake's own origin, for the redirect-away case.
 */
export function serveAttachment(vendor, path, authorization, origin) {
  const id = (ROUTES[vendor] ?? []).map((pattern) => pattern.exec(path)?.[1]).find(Boolean);
  if (!id) return undefined;
  const scheme = NEEDS_AUTH[vendor];
  if (scheme && !String(authorization ?? "").startsWith(`${scheme} `)) return unauthorized;
  return content(decodeURIComponent(id), origin);
}
