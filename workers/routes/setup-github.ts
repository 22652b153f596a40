// One-click GitHub App setup (docs/github-app.md). GET /setup/github (API token or Access) shows
// what will be created and posts the manifest to GitHub's "new App" page; GitHub redirects the
// browser back to /setup/github/callback with a one-time code, which is exchanged for the App's
// credentials. They are stored in D1 sealed under GITHUB_APP_STORE_KEY, or, without that key,
// shown once as `wrangler secret put` commands. The callback has no API token (it is GitHub's
// redirect): the state GitHub returns must match the cookie the setup page set, once.
import { Hono } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import type { AppEnv } from "../app-env";
import { AppError } from "../errors";
import { storeApp } from "../integrations/github/app/credential-store";
import { buildManifest, convertManifestCode, newAppUrl, type CreatedApp } from "../integrations/github/app/manifest";
import { requireApiToken } from "../middleware/api-auth";
import { VendorApiError } from "../threads/types";

const STATE_COOKIE = "agent_bot_github_setup";

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);

const page = (title: string, body: string) =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<style>body{font:15px/1.5 system-ui,sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem}code,pre{background:#f4f4f4;padding:.1rem .3rem}pre{padding:.8rem;overflow-x:auto}</style>
</head><body>${body}</body></html>`;

const list = (items: string[]) => `<ul>${items.map((item) => `<li>${item}</li>`).join("")}</ul>`;

/** The commands that set the App's credentials as Worker secrets, each value quoted for a POSIX shell. */
function secretCommands(app: CreatedApp): string {
  const quote = (value: string) => `'${value.replace(/'/g, `'\\''`)}'`;
  const put = (name: string, value: string) => `printf '%s' ${quote(value)} | npx wrangler secret put ${name}`;
  return [
    put("GITHUB_APP_ID", app.appId),
    put("GITHUB_APP_PRIVATE_KEY", app.privateKey),
    put("GITHUB_WEBHOOK_SECRET", app.webhookSecret),
  ].join("\n");
}

export function setupGitHubRoutes() {
  const app = new Hono<AppEnv>();

  app.get("/github", requireApiToken, (c) => {
    const config = c.get("config");
    const base = config.PUBLIC_URL ?? new URL(c.req.url).origin;
    const manifest = buildManifest(base, c.req.query("name") || undefined);
    const state = crypto.randomUUID();
    const action = newAppUrl(config.GITHUB_WEB_URL, state, c.req.query("org") || undefined);
    setCookie(c, STATE_COOKIE, state, {
      path: "/setup/github",
      httpOnly: true,
      secure: new URL(c.req.url).protocol === "https:",
      sameSite: "Lax",
      maxAge: 3600,
    });
    c.header(
      "content-security-policy",
      `default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; form-action ${new URL(config.GITHUB_WEB_URL).origin}; frame-ancestors 'none'`,
    );
    return c.html(
      page(
        "Create agent-bot's GitHub App",
        `<h1>Create the GitHub App <code>${escapeHtml(manifest.name)}</code></h1>
<p>On <code>${escapeHtml(action.split("?")[0]!)}</code>, with:</p>
${list([
  `webhook: <code>${escapeHtml(manifest.hook_attributes.url)}</code>`,
  `events: ${manifest.default_events.map((e) => `<code>${e}</code>`).join(", ")}`,
  `permissions: ${Object.entries(manifest.default_permissions)
    .map(([name, level]) => `<code>${name}: ${level}</code>`)
    .join(", ")}`,
  `back to: <code>${escapeHtml(manifest.redirect_url)}</code>`,
])}
<p>Credentials: ${config.GITHUB_APP_STORE_KEY ? "stored in D1, sealed with GITHUB_APP_STORE_KEY" : "shown once as <code>wrangler secret put</code> commands (no GITHUB_APP_STORE_KEY)"}.</p>
<form id="manifest" method="post" action="${escapeHtml(action)}">
<input type="hidden" name="manifest" value="${escapeHtml(JSON.stringify(manifest))}">
<button type="submit">Create on GitHub</button></form>
<script>document.getElementById("manifest").submit()</script>`,
      ),
    );
  });

  app.get("/github/callback", async (c) => {
    const config = c.get("config");
    const code = c.req.query("code");
    const state = c.req.query("state");
    const expected = getCookie(c, STATE_COOKIE);
    if (!code) throw new AppError("bad_request", "no code: GitHub redirects here with ?code=… after the App is created");
    if (!state || !expected || state !== expected) {
      throw new AppError("forbidden", "this setup was not started here or has already finished: start again at /setup/github");
    }
    deleteCookie(c, STATE_COOKIE, { path: "/setup/github" });
    let created: CreatedApp;
    try {
      created = await convertManifestCode(config.GITHUB_API_URL, code);
    } catch (error) {
      if (error instanceof VendorApiError && error.status >= 400 && error.status < 500) {
        throw new AppError(
          "conflict",
          `GitHub refused the code (used already, or older than an hour): start again at /setup/github (${error.message})`,
        );
      }
      throw error;
    }
    const install = `${created.htmlUrl.replace(/\/+$/, "")}/installations/new`;
    const next = `<p>Next: <a href="${escapeHtml(install)}">install it</a> on the repositories agent-bot may work on.</p>`;
    c.header("cache-control", "no-store");
    if (config.GITHUB_APP_STORE_KEY) {
      await storeApp(c.env.DB, config.GITHUB_APP_STORE_KEY, created);
      return c.html(
        page(
          "GitHub App created",
          `<h1>GitHub App <code>${escapeHtml(created.slug)}</code> created</h1><p>App id ${escapeHtml(created.appId)}; its private key, webhook secret and client secret are stored in D1, sealed with GITHUB_APP_STORE_KEY.</p>${next}`,
        ),
        201,
      );
    }
    return c.html(
      page(
        "GitHub App created",
        `<h1>GitHub App <code>${escapeHtml(created.slug)}</code> created</h1>
<p>No GITHUB_APP_STORE_KEY is set, so nothing was stored. Set the credentials as Worker secrets now (this page is the only time they are shown):</p>
<pre>${escapeHtml(secretCommands(created))}</pre>${next}`,
      ),
      201,
    );
  });

  return app;
}
