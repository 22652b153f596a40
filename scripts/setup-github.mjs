#!/usr/bin/env node
// `npm run setup:github -- --url https://agent-bot.example.com`: creates agent-bot's GitHub App
// from a manifest without a browser session on the deployment. A one-shot listener on 127.0.0.1
// serves a page that posts the manifest to GitHub's "new App" page (its webhook points at the
// deployment); GitHub redirects back to the listener with a one-time code, which is exchanged
// (POST /app-manifests/{code}/conversions) for the App's id, private key and webhook secret.
// They are printed as `wrangler secret put` commands, or written to .dev.vars (--write-dev-vars).
// The Worker's own /setup/github does the same from the deployment (docs/github-app.md).
import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { existsSync, readFileSync, realpathSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

/** The events and permissions of workers/integrations/github/app/manifest.ts. */
const EVENTS = ["issues", "issue_comment", "pull_request", "pull_request_review_comment", "push"];
const PERMISSIONS = { contents: "write", issues: "write", pull_requests: "write", metadata: "read" };

const escapeHtml = (text) =>
  String(text).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);

/** The manifest: webhooks to the deployment, the redirect back to this listener. */
export function setupManifest({ deploymentUrl, callbackUrl, name = "agent-bot" }) {
  const base = deploymentUrl.replace(/\/+$/, "");
  return {
    name,
    url: base,
    description: "Turns GitHub issues, comments and pull requests into work done by coding agents.",
    public: false,
    hook_attributes: { url: `${base}/webhooks/github`, active: true },
    redirect_url: callbackUrl,
    default_events: EVENTS,
    default_permissions: PERMISSIONS,
  };
}

/** The code → the App's credentials; GitHub answers a code only once. */
export async function convertCode(apiUrl, code) {
  const response = await fetch(`${apiUrl.replace(/\/+$/, "")}/app-manifests/${encodeURIComponent(code)}/conversions`, {
    method: "POST",
    headers: { accept: "application/vnd.github+json", "x-github-api-version": "2022-11-28", "user-agent": "agent-bot-setup" },
  });
  const body = await response.json().catch(() => ({}));
  if (!response.ok)
    throw new Error(
      `GitHub refused the code (${response.status} ${body.message ?? ""}): used already or older than an hour; run the setup again`,
    );
  return { appId: String(body.id), slug: body.slug, htmlUrl: body.html_url, privateKey: body.pem, webhookSecret: body.webhook_secret };
}

/** Shell commands that set the credentials as Worker secrets (each value single-quoted). */
export function secretCommands(app, env) {
  const quote = (value) => `'${String(value).replace(/'/g, `'\\''`)}'`;
  const suffix = env ? ` --env ${env}` : "";
  return [
    ["GITHUB_APP_ID", app.appId],
    ["GITHUB_APP_PRIVATE_KEY", app.privateKey],
    ["GITHUB_WEBHOOK_SECRET", app.webhookSecret],
  ].map(([name, value]) => `printf '%s' ${quote(value)} | npx wrangler secret put ${name}${suffix}`);
}

/** Sets (or replaces) the App's settings in a .dev.vars file. */
export function writeDevVars(path, app) {
  const lines = existsSync(path) ? readFileSync(path, "utf8").split("\n") : [];
  const values = {
    GITHUB_APP_ID: app.appId,
    GITHUB_APP_PRIVATE_KEY: `"${app.privateKey.trim().replace(/\n/g, "\\n")}"`,
    GITHUB_WEBHOOK_SECRET: app.webhookSecret,
  };
  const kept = lines.filter((line) => !Object.keys(values).some((name) => line.startsWith(`${name}=`)));
  while (kept.at(-1) === "") kept.pop();
  writeFileSync(path, `${[...kept, ...Object.entries(values).map(([k, v]) => `${k}=${v}`)].join("\n")}\n`, { mode: 0o600 });
}

/**
 * Starts the one-shot listener. `done` resolves with the created App after the first valid
 * callback; the listener then refuses everything (a second callback, a forged state).
 */
export async function startSetupListener({
  deploymentUrl,
  webUrl = "https://github.com",
  apiUrl = "https://api.github.com",
  org,
  name,
  port = 0,
}) {
  const state = randomUUID();
  let finished = false;
  let resolveDone;
  let rejectDone;
  const done = new Promise((resolve, reject) => {
    resolveDone = resolve;
    rejectDone = reject;
  });
  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const page = (status, body) => {
      res.writeHead(status, { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" });
      res.end(
        `<!doctype html><meta charset="utf-8"><title>agent-bot GitHub App setup</title><body style="font:15px system-ui;max-width:44rem;margin:2rem auto">${body}</body>`,
      );
    };
    if (url.pathname === "/" && req.method === "GET" && !finished) {
      const manifest = setupManifest({ deploymentUrl, callbackUrl: `${listenerUrl}/callback`, name });
      const base = webUrl.replace(/\/+$/, "");
      const action = `${base}${org ? `/organizations/${encodeURIComponent(org)}` : ""}/settings/apps/new?state=${state}`;
      return page(
        200,
        `<h1>Create the GitHub App <code>${escapeHtml(manifest.name)}</code></h1><p>Webhooks go to <code>${escapeHtml(manifest.hook_attributes.url)}</code>; permissions ${Object.entries(
          PERMISSIONS,
        )
          .map(([k, v]) => `<code>${k}: ${v}</code>`)
          .join(", ")}.</p>
<form id="m" method="post" action="${escapeHtml(action)}"><input type="hidden" name="manifest" value="${escapeHtml(JSON.stringify(manifest))}"><button>Create on GitHub</button></form>
<script>document.getElementById("m").submit()</script>`,
      );
    }
    if (url.pathname === "/callback" && req.method === "GET") {
      if (finished || url.searchParams.get("state") !== state || !url.searchParams.get("code")) {
        return page(
          400,
          "<h1>Refused</h1><p>This setup has finished already, or the callback is not from the setup it started. Run <code>npm run setup:github</code> again.</p>",
        );
      }
      finished = true;
      try {
        const app = await convertCode(apiUrl, url.searchParams.get("code"));
        page(
          201,
          `<h1>GitHub App <code>${escapeHtml(app.slug)}</code> created</h1><p>Back to the terminal for its credentials. Then <a href="${escapeHtml(`${app.htmlUrl}/installations/new`)}">install it</a>.</p>`,
        );
        resolveDone(app);
      } catch (error) {
        page(409, `<h1>Not created</h1><p>${escapeHtml(error.message)}</p>`);
        rejectDone(error);
      }
      return;
    }
    page(404, "<h1>Not found</h1>");
  });
  await new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", resolve);
  });
  const listenerUrl = `http://127.0.0.1:${server.address().port}`;
  return {
    url: listenerUrl,
    done,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}

function isMain() {
  try {
    return Boolean(process.argv[1]) && realpathSync(process.argv[1]) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isMain()) {
  const { values } = parseArgs({
    options: {
      url: { type: "string" },
      "web-url": { type: "string", default: process.env.GITHUB_WEB_URL || "https://github.com" },
      "api-url": { type: "string", default: process.env.GITHUB_API_URL || "https://api.github.com" },
      org: { type: "string" },
      name: { type: "string", default: "agent-bot" },
      env: { type: "string" },
      port: { type: "string", default: "0" },
      "write-dev-vars": { type: "boolean", default: false },
      "no-open": { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help || !values.url) {
    console.log(`usage: npm run setup:github -- --url <deployment's PUBLIC_URL> [--org acme] [--name agent-bot]
       [--web-url https://github.example.com --api-url https://github.example.com/api/v3]   (GitHub Enterprise)
       [--env production] [--write-dev-vars] [--no-open] [--port 0]`);
    process.exit(values.help ? 0 : 2);
  }
  const listener = await startSetupListener({
    deploymentUrl: values.url,
    webUrl: values["web-url"],
    apiUrl: values["api-url"],
    org: values.org,
    name: values.name,
    port: Number(values.port),
  });
  console.log(`Open ${listener.url}/ in a browser signed in to GitHub: it posts agent-bot's App manifest to ${values["web-url"]}.`);
  if (!values["no-open"]) {
    const opener = process.platform === "darwin" ? "open" : process.platform === "win32" ? "start" : "xdg-open";
    spawn(opener, [`${listener.url}/`], { stdio: "ignore", detached: true })
      .on("error", () => {})
      .unref();
  }
  try {
    const app = await listener.done;
    console.log(`\nGitHub App ${app.slug} (id ${app.appId}) created. Install it: ${app.htmlUrl}/installations/new\n`);
    if (values["write-dev-vars"]) {
      writeDevVars(".dev.vars", app);
      console.log("Wrote GITHUB_APP_ID, GITHUB_APP_PRIVATE_KEY and GITHUB_WEBHOOK_SECRET to .dev.vars.");
    } else {
      console.log("Set its credentials as the Worker's secrets (shown once; they are not stored anywhere else):\n");
      for (const command of secretCommands(app, values.env)) console.log(command);
    }
  } catch (error) {
    console.error(error.message);
    process.exitCode = 1;
  } finally {
    await listener.close();
  }
}
