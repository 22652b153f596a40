#!/usr/bin/env node
// `npm run fake-vendors [-- --port 8790]`: one local HTTP server standing in for
// the four vendor APIs agent-bot writes to, so the Worker can report progress
// without network or real credentials. Point the Worker at it with
//
//   GITHUB_API_URL=http://127.0.0.1:8790/github
//   SLACK_API_URL=http://127.0.0.1:8790/slack/api/
//   JIRA_BASE_URL=http://127.0.0.1:8790/jira
//   SENTRY_API_URL=http://127.0.0.1:8790/sentry/api/0/
//   GITHUB_WEB_URL=http://127.0.0.1:8790/github-web   (the GitHub App manifest form)
//
// GitHub's App side (manifest conversion, App JWTs, installation tokens) is in
// fake-vendors/github-app.mjs: once an App exists, /repos/… calls need an installation token.
//
// It keeps what was written (comments, messages, pull requests) in memory, so
// edits apply to what was posted, and records every call:
//
//   GET    /_calls   every request: vendor, method, path, query, headers (the
//                    authorization value replaced by its scheme), body, status
//   DELETE /_calls   forget the recorded calls
//   GET    /_state   what the fake vendors hold now
//   DELETE /_state   forget state and calls
//   POST   /_faults  { method?, path, status, body?, headers?, times? }: the next
//                    `times` requests whose path starts with `path` get that answer
//   POST   /_github/pulls  seed a person's pull request (scripts/fake-vendors/github-pulls.mjs)
//
// It also serves attachment bytes (GitHub uploads, Slack files, Jira attachment content) for the
// platform to fetch: scripts/fake-vendors/attachments.mjs says which paths and ids.
//
// Tests import `startFakeVendors({ port: 0 })` instead of running the CLI.
import { createServer } from "node:http";
import { realpathSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { serveAttachment } from "./fake-vendors/attachments.mjs";
import { githubPullRoutes, seedPullRequest } from "./fake-vendors/github-pulls.mjs";
import { createFakeGitHubApp } from "./fake-vendors/github-app.mjs";

const PREFIXES = [
  ["github", "/github"],
  ["github-web", "/github-web"],
  ["slack", "/slack/api"],
  ["jira", "/jira"],
  ["sentry", "/sentry/api/0"],
];

const BOT = { login: "agent-bot", id: 90_000_001, type: "User" };

function initialState() {
  return {
    next: { githubComment: 1_000_000_001, pull: 101, review: 80_000_001, jiraComment: 10_001, sentryNote: 5_000_001, slackSeq: 1 },
    github: { comments: new Map(), pulls: new Map(), reviews: [] },
    slack: { messages: new Map() },
    jira: { comments: new Map() },
    sentry: { notes: new Map() },
  };
}

// ── request plumbing ─────────────────────────────────────────────────────────

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    req.on("data", (chunk) => chunks.push(chunk));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

/** JSON bodies parsed, form bodies as an object (Slack's WebClient posts forms), else the text. */
function parseBody(text, contentType) {
  if (!text) return undefined;
  if (contentType.includes("application/x-www-form-urlencoded")) return Object.fromEntries(new URLSearchParams(text));
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** Headers as recorded: lower-case names, the credential replaced by its scheme. */
function recordedHeaders(headers) {
  const out = {};
  for (const [name, value] of Object.entries(headers)) {
    if (name === "authorization") continue;
    out[name] = Array.isArray(value) ? value.join(", ") : value;
  }
  return out;
}

function authScheme(header) {
  if (!header) return null;
  const [scheme] = String(header).trim().split(/\s+/);
  return scheme || null;
}

const json = (status, body, headers = {}) => ({ status, body, headers });

// ── vendors ──────────────────────────────────────────────────────────────────

function githubRoutes(state) {
  const notFound = json(404, { message: "Not Found", documentation_url: "https://docs.github.com/rest" });
  const repoKey = (p) => `${p.owner}/${p.repo}`;
  const comment = (ctx, p, c) => ({
    id: c.id,
    node_id: `IC_fake${c.id}`,
    url: `${ctx.base}/repos/${c.repository}/issues/comments/${c.id}`,
    html_url: `https://github.com/${c.repository}/issues/${c.issueNumber}#issuecomment-${c.id}`,
    issue_url: `${ctx.base}/repos/${c.repository}/issues/${c.issueNumber}`,
    body: c.body,
    user: BOT,
    author_association: "NONE",
    created_at: c.createdAt,
    updated_at: c.updatedAt,
  });
  const pull = (ctx, pr) => ({
    id: 2_000_000_000 + pr.number,
    number: pr.number,
    state: pr.state,
    title: pr.title,
    body: pr.body,
    draft: false,
    url: `${ctx.base}/repos/${pr.repository}/pulls/${pr.number}`,
    html_url: `https://github.com/${pr.repository}/pull/${pr.number}`,
    head: { ref: pr.headRef, label: pr.headLabel },
    base: { ref: pr.base },
    created_at: pr.createdAt,
  });
  const missingField = (field) =>
    json(422, { message: "Invalid request.", errors: [{ resource: "Request", code: "missing_field", field }], status: "422" });

  return [
    [
      "GET",
      "/repos/:owner/:repo",
      (ctx, p) =>
        json(200, {
          id: 1_000 + repoKey(p).length,
          name: p.repo,
          full_name: repoKey(p),
          owner: { login: p.owner },
          private: false,
          html_url: `https://github.com/${repoKey(p)}`,
          default_branch: "main",
        }),
    ],
    // An issue the fake has not been told about reads as an open one named after its number.
    [
      "GET",
      "/repos/:owner/:repo/issues/:number",
      (ctx, p) =>
        json(200, {
          id: 2_000_000 + Number(p.number),
          number: Number(p.number),
          title: `Issue ${p.number} of ${repoKey(p)}`,
          body: "An issue served by the fake GitHub API.",
          state: "open",
          user: { login: "Codertocat" },
          labels: [],
          assignees: [],
          html_url: `https://github.com/${repoKey(p)}/issues/${p.number}`,
          created_at: "2026-01-01T00:00:00Z",
          updated_at: "2026-01-01T00:00:00Z",
        }),
    ],
    [
      "POST",
      "/repos/:owner/:repo/issues/:number/comments",
      (ctx, p) => {
        if (typeof ctx.body?.body !== "string") return missingField("body");
        const now = new Date().toISOString();
        const c = {
          id: state.next.githubComment++,
          repository: repoKey(p),
          issueNumber: Number(p.number),
          body: ctx.body.body,
          createdAt: now,
          updatedAt: now,
        };
        state.github.comments.set(c.id, c);
        return json(201, comment(ctx, p, c), { location: `${ctx.base}/repos/${c.repository}/issues/comments/${c.id}` });
      },
    ],
    [
      "GET",
      "/repos/:owner/:repo/issues/:number/comments",
      (ctx, p) =>
        json(
          200,
          [...state.github.comments.values()]
            .filter((c) => c.repository === repoKey(p) && c.issueNumber === Number(p.number))
            .map((c) => comment(ctx, p, c)),
        ),
    ],
    [
      "GET",
      "/repos/:owner/:repo/issues/comments/:id",
      (ctx, p) => {
        const c = state.github.comments.get(Number(p.id));
        return c && c.repository === repoKey(p) ? json(200, comment(ctx, p, c)) : notFound;
      },
    ],
    [
      "PATCH",
      "/repos/:owner/:repo/issues/comments/:id",
      (ctx, p) => {
        const c = state.github.comments.get(Number(p.id));
        if (!c || c.repository !== repoKey(p)) return notFound;
        if (typeof ctx.body?.body !== "string") return missingField("body");
        c.body = ctx.body.body;
        c.updatedAt = new Date().toISOString();
        return json(200, comment(ctx, p, c));
      },
    ],
    [
      "POST",
      "/repos/:owner/:repo/pulls",
      (ctx, p) => {
        for (const field of ["title", "head", "base"]) if (typeof ctx.body?.[field] !== "string") return missingField(field);
        const [headOwner, headRef] = ctx.body.head.includes(":") ? ctx.body.head.split(":", 2) : [p.owner, ctx.body.head];
        const headLabel = `${headOwner}:${headRef}`;
        const pulls = state.github.pulls.get(repoKey(p)) ?? [];
        if (pulls.some((pr) => pr.state === "open" && pr.headLabel === headLabel && pr.base === ctx.body.base)) {
          return json(422, {
            message: "Validation Failed",
            errors: [{ resource: "PullRequest", code: "custom", message: `A pull request already exists for ${headLabel}.` }],
            documentation_url: "https://docs.github.com/rest/pulls/pulls#create-a-pull-request",
            status: "422",
          });
        }
        const pr = {
          number: state.next.pull++,
          repository: repoKey(p),
          state: "open",
          title: ctx.body.title,
          body: ctx.body.body ?? null,
          headRef,
          headLabel,
          base: ctx.body.base,
          createdAt: new Date().toISOString(),
        };
        state.github.pulls.set(repoKey(p), [...pulls, pr]);
        return json(201, pull(ctx, pr));
      },
    ],
    [
      "GET",
      "/repos/:owner/:repo/pulls",
      (ctx, p) => {
        const { head, base, state: wanted = "open" } = ctx.query;
        const pulls = (state.github.pulls.get(repoKey(p)) ?? []).filter(
          (pr) => (wanted === "all" || pr.state === wanted) && (!head || pr.headLabel === head) && (!base || pr.base === base),
        );
        return json(
          200,
          pulls.map((pr) => pull(ctx, pr)),
        );
      },
    ],
    ...githubPullRoutes(state),
  ];
}

function slackRoutes(state) {
  // Slack answers HTTP 200 with { ok: false, error } for almost every failure.
  const fail = (error) => json(200, { ok: false, error });
  const nextTs = () => `${Math.floor(Date.now() / 1000)}.${String(state.next.slackSeq++).padStart(6, "0")}`;
  const authed = (ctx) => ctx.authorized || typeof ctx.body?.token === "string";
  return [
    [
      "POST",
      "/chat.postMessage",
      (ctx) => {
        if (!authed(ctx)) return fail("not_authed");
        const { channel, text, thread_ts: threadTs, blocks } = ctx.body ?? {};
        if (!channel) return fail("channel_not_found");
        if (!text && !blocks) return fail("no_text");
        const message = {
          type: "message",
          subtype: "bot_message",
          text: text ?? "",
          user: "U0FAKEBOT",
          bot_id: "B0FAKEBOT",
          ts: nextTs(),
          ...(threadTs ? { thread_ts: threadTs } : {}),
        };
        state.slack.messages.set(`${channel}:${message.ts}`, { channel, ...message });
        return json(200, { ok: true, channel, ts: message.ts, message });
      },
    ],
    [
      "POST",
      "/chat.update",
      (ctx) => {
        if (!authed(ctx)) return fail("not_authed");
        const { channel, ts, text, blocks } = ctx.body ?? {};
        if (!channel) return fail("channel_not_found");
        const stored = state.slack.messages.get(`${channel}:${ts}`);
        if (!stored) return fail("message_not_found");
        if (!text && !blocks) return fail("no_text");
        stored.text = text ?? "";
        stored.edited = { user: "U0FAKEBOT", ts: nextTs() };
        const { channel: _, ...message } = stored;
        return json(200, { ok: true, channel, ts, text: stored.text, message });
      },
    ],
  ];
}

function jiraRoutes(state) {
  const author = { accountId: "5b10a2844c20165700ede21g", displayName: "agent-bot", active: true, accountType: "atlassian" };
  const view = (ctx, c) => ({
    self: `${ctx.base}/rest/api/${c.version}/issue/${c.issueKey}/comment/${c.id}`,
    id: String(c.id),
    author,
    updateAuthor: author,
    body: c.body,
    created: c.created,
    updated: c.updated,
    jsdPublic: true,
  });
  const notFound = (id) => json(404, { errorMessages: [`Can not find a comment for the id: ${id}.`], errors: {} });
  const emptyBody = json(400, { errorMessages: [], errors: { comment: "Comment body can not be empty!" } });
  const validBody = (body) => (typeof body === "string" ? body.trim() !== "" : body && typeof body === "object");
  return [
    [
      "POST",
      "/rest/api/:version/issue/:key/comment",
      (ctx, p) => {
        if (!validBody(ctx.body?.body)) return emptyBody;
        const now = new Date().toISOString().replace("Z", "+0000");
        const c = { id: state.next.jiraComment++, version: p.version, issueKey: p.key, body: ctx.body.body, created: now, updated: now };
        state.jira.comments.set(c.id, c);
        return json(201, view(ctx, c));
      },
    ],
    [
      "GET",
      "/rest/api/:version/issue/:key/comment",
      (ctx, p) => {
        const comments = [...state.jira.comments.values()].filter((c) => c.issueKey === p.key).map((c) => view(ctx, c));
        return json(200, { startAt: 0, maxResults: 5000, total: comments.length, comments });
      },
    ],
    [
      "GET",
      "/rest/api/:version/issue/:key/comment/:id",
      (ctx, p) => {
        const c = state.jira.comments.get(Number(p.id));
        return c && c.issueKey === p.key ? json(200, view(ctx, c)) : notFound(p.id);
      },
    ],
    [
      "PUT",
      "/rest/api/:version/issue/:key/comment/:id",
      (ctx, p) => {
        const c = state.jira.comments.get(Number(p.id));
        if (!c || c.issueKey !== p.key) return notFound(p.id);
        if (!validBody(ctx.body?.body)) return emptyBody;
        c.body = ctx.body.body;
        c.updated = new Date().toISOString().replace("Z", "+0000");
        return json(200, view(ctx, c));
      },
    ],
  ];
}

function sentryRoutes(state) {
  const user = { id: "1", name: "agent-bot", username: "agent-bot", email: "agent-bot@example.com" };
  const view = (n) => ({ id: String(n.id), user, type: "note", data: { text: n.text }, dateCreated: n.dateCreated });
  const notFound = json(404, { detail: "The requested resource does not exist" });
  return [
    [
      "POST",
      "/issues/:issueId/comments/",
      (ctx, p) => {
        if (typeof ctx.body?.text !== "string" || !ctx.body.text.trim()) return json(400, { text: ["This field is required."] });
        const n = { id: state.next.sentryNote++, issueId: p.issueId, text: ctx.body.text, dateCreated: new Date().toISOString() };
        state.sentry.notes.set(n.id, n);
        return json(201, view(n));
      },
    ],
    [
      "GET",
      "/issues/:issueId/comments/",
      (ctx, p) => json(200, [...state.sentry.notes.values()].filter((n) => n.issueId === p.issueId).map(view)),
    ],
    [
      "PUT",
      "/issues/:issueId/comments/:noteId/",
      (ctx, p) => {
        const n = state.sentry.notes.get(Number(p.noteId));
        if (!n || n.issueId !== p.issueId) return notFound;
        if (typeof ctx.body?.text !== "string" || !ctx.body.text.trim()) return json(400, { text: ["This field is required."] });
        n.text = ctx.body.text;
        return json(200, view(n));
      },
    ],
  ];
}

/** Each vendor's answer to a request without credentials. */
const UNAUTHENTICATED = {
  github: json(401, { message: "Requires authentication", documentation_url: "https://docs.github.com/rest", status: "401" }),
  slack: null, // Slack answers { ok: false, error: "not_authed" } itself, and takes a token in the body too.
  jira: json(401, { errorMessages: ["You are not authenticated. Authentication required to perform this operation."], errors: {} }),
  sentry: json(401, { detail: "Authentication credentials were not provided." }),
};

const NOT_FOUND = {
  github: json(404, { message: "Not Found", documentation_url: "https://docs.github.com/rest" }),
  slack: json(404, { ok: false, error: "unknown_method" }),
  jira: json(404, { errorMessages: ["Not found"], errors: {} }),
  sentry: json(404, { detail: "The requested resource does not exist" }),
};
const NO_VENDOR = json(404, { error: "no fake vendor serves this path" });

/** `/repos/:owner/:repo` → a matcher that returns the named segments. */
function compile(pattern) {
  const names = [];
  const source = pattern.replace(/[.]/g, "\\.").replace(/:(\w+)/g, (_, name) => {
    names.push(name);
    return "([^/]+)";
  });
  const regex = new RegExp(`^${source}$`);
  return (path) => {
    const match = regex.exec(path);
    return match && Object.fromEntries(names.map((name, i) => [name, decodeURIComponent(match[i + 1])]));
  };
}

// ── server ───────────────────────────────────────────────────────────────────

/**
 * Starts the fake vendors on 127.0.0.1. `port: 0` picks a free port. `githubApp`: the App and
 * installations the fake GitHub knows from the start (fake-vendors/github-app.mjs).
 * @param {{ port?: number, host?: string, log?: (line: string) => void, githubApp?: Parameters<typeof createFakeGitHubApp>[0] }} [options]
 */
export async function startFakeVendors({ port = 8790, host = "127.0.0.1", log, githubApp: appOptions } = {}) {
  let state = initialState();
  let calls = [];
  let faults = [];
  let githubApp = createFakeGitHubApp(appOptions);
  const compiled = (list, extra = {}) => list.map(([method, pattern, handle]) => ({ method, match: compile(pattern), handle, ...extra }));
  const makeRoutes = () => ({
    // The App's own endpoints check their JWT or code themselves; the rest are installation-scoped.
    github: [...compiled(githubApp.routes, { open: true }), ...compiled(githubRoutes(state), { scoped: true })],
    "github-web": compiled(githubApp.webRoutes, { open: true }),
    slack: slackRoutes(state).map(([method, pattern, handle]) => ({ method, match: compile(pattern), handle })),
    jira: jiraRoutes(state).map(([method, pattern, handle]) => ({ method, match: compile(pattern), handle })),
    sentry: sentryRoutes(state).map(([method, pattern, handle]) => ({ method, match: compile(pattern), handle })),
  });
  let routes = makeRoutes();

  const reset = () => {
    state = initialState();
    githubApp = createFakeGitHubApp(appOptions);
    routes = makeRoutes();
    calls = [];
    faults = [];
  };

  const snapshot = () => ({
    github: {
      comments: [...state.github.comments.values()],
      pulls: [...state.github.pulls.values()].flat(),
      reviews: state.github.reviews,
    },
    slack: { messages: [...state.slack.messages.values()] },
    jira: { comments: [...state.jira.comments.values()] },
    sentry: { comments: [...state.sentry.notes.values()] },
    githubApp: githubApp.state(),
  });

  function control(method, path, body) {
    if (path === "/_calls" && method === "GET") return json(200, calls);
    if (path === "/_calls" && method === "DELETE") {
      calls = [];
      return json(204, undefined);
    }
    if (path === "/_state" && method === "GET") return json(200, snapshot());
    if (path === "/_state" && method === "DELETE") {
      reset();
      return json(204, undefined);
    }
    if (path === "/_github/pulls" && method === "POST") return seedPullRequest(state, body, `${url}/github`);
    if (path === "/_github/revoke" && method === "POST") {
      githubApp.revokeTokens();
      return json(204, undefined);
    }
    if (path === "/_faults" && method === "POST") {
      if (!body || typeof body.path !== "string" || !Number.isInteger(body.status))
        return json(400, { error: "expected { path, status, method?, body?, headers?, times? }" });
      faults.push({
        method: body.method?.toUpperCase(),
        path: body.path,
        status: body.status,
        body: body.body,
        headers: body.headers ?? {},
        times: body.times ?? 1,
      });
      return json(201, { queued: faults.length });
    }
    return undefined;
  }

  function takeFault(method, path) {
    const index = faults.findIndex((f) => (!f.method || f.method === method) && path.startsWith(f.path));
    if (index < 0) return undefined;
    const fault = faults[index];
    if (--fault.times <= 0) faults.splice(index, 1);
    return json(fault.status, fault.body ?? {}, fault.headers);
  }

  async function handle(req) {
    const url = new URL(req.url ?? "/", `http://${req.headers.host ?? `${host}:${port}`}`);
    const method = (req.method ?? "GET").toUpperCase();
    const text = await readBody(req);
    const body = parseBody(text, String(req.headers["content-type"] ?? ""));

    const controlled = url.pathname.startsWith("/_") ? control(method, url.pathname, body) : undefined;
    if (controlled) return { answer: controlled };

    const [vendor, prefix] = PREFIXES.find(([, p]) => url.pathname === p || url.pathname.startsWith(`${p}/`)) ?? [null, ""];
    const call = {
      at: new Date().toISOString(),
      vendor,
      method,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: recordedHeaders(req.headers),
      authorization: authScheme(req.headers.authorization),
      body: body && typeof body === "object" && "token" in body ? { ...body, token: "[redacted]" } : body,
      status: 0,
    };
    calls.push(call);

    const answer = await (async () => {
      const fault = takeFault(method, url.pathname);
      if (fault) return fault;
      if (!vendor) return NO_VENDOR;
      const path = url.pathname.slice(prefix.length) || "/";
      const attachment = serveAttachment(vendor, path, req.headers.authorization, url.origin);
      if (attachment) return attachment;
      for (const route of routes[vendor]) {
        if (route.method !== method) continue;
        const params = route.match(path);
        if (!params) continue;
        if (!route.open && !req.headers.authorization && UNAUTHENTICATED[vendor]) return UNAUTHENTICATED[vendor];
        const refused = route.scoped && vendor === "github" ? githubApp.authorize(method, path, req.headers.authorization) : undefined;
        if (refused) return refused;
        return route.handle(
          {
            base: `${url.origin}${prefix}`,
            query: call.query,
            body,
            authorized: Boolean(req.headers.authorization),
            authorization: req.headers.authorization,
          },
          params,
        );
      }
      return NOT_FOUND[vendor] ?? NO_VENDOR;
    })();
    call.status = answer.status;
    return { answer, call };
  }

  const server = createServer((req, res) => {
    handle(req).then(
      ({ answer, call }) => {
        if (call) log?.(`${call.method} ${call.path} → ${answer.status}`);
        // Attachments are bytes, not JSON (scripts/fake-vendors/attachments.mjs).
        if (answer.raw) {
          res.writeHead(answer.status, { "content-length": answer.raw.length, ...answer.headers });
          res.end(answer.raw);
          return;
        }
        const payload = answer.body === undefined ? "" : JSON.stringify(answer.body);
        res.writeHead(answer.status, { ...(payload ? { "content-type": "application/json; charset=utf-8" } : {}), ...answer.headers });
        res.end(payload);
      },
      (error) => {
        res.writeHead(500, { "content-type": "application/json; charset=utf-8" });
        res.end(JSON.stringify({ error: String(error?.message ?? error) }));
      },
    );
  });

  await new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address();
  const url = `http://${host}:${address.port}`;

  return {
    url,
    port: address.port,
    /** Settings that point agent-bot at this server. */
    env: {
      GITHUB_API_URL: `${url}/github`,
      SLACK_API_URL: `${url}/slack/api/`,
      JIRA_BASE_URL: `${url}/jira`,
      SENTRY_API_URL: `${url}/sentry/api/0/`,
      GITHUB_WEB_URL: `${url}/github-web`,
    },
    /** The fake GitHub's App side (its installations can be changed in place). */
    githubApp: () => githubApp,
    calls: () => structuredClone(calls),
    /** Seeds a person's pull request (see scripts/fake-vendors/github-pulls.mjs). */
    seedPullRequest: (input) => seedPullRequest(state, input, `${url}/github`).body,
    state: () => structuredClone(snapshot()),
    reset,
    stop: () =>
      new Promise((resolve, reject) => {
        server.closeAllConnections?.();
        server.close((error) => (error && error.code !== "ERR_SERVER_NOT_RUNNING" ? reject(error) : resolve()));
      }),
  };
}

// ── CLI ──────────────────────────────────────────────────────────────────────

function isMain() {
  if (!process.argv[1]) return false;
  try {
    return realpathSync(process.argv[1]) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isMain()) {
  const { values } = parseArgs({
    options: {
      port: { type: "string", default: process.env.FAKE_VENDORS_PORT ?? "8790" },
      quiet: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) {
    console.log(
      "usage: npm run fake-vendors -- [--port 8790] [--quiet]\n\nFAKE_VENDORS_PORT sets the port too. Inspect calls at GET /_calls, clear them with DELETE /_calls.",
    );
    process.exit(0);
  }
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`not a port: ${values.port}`);
    process.exit(2);
  }
  const fake = await startFakeVendors({ port, log: values.quiet ? undefined : (line) => console.log(line) });
  console.log(`fake vendors on ${fake.url}\n`);
  for (const [name, value] of Object.entries(fake.env)) console.log(`${name}=${value}`);
  console.log(`\ncalls: GET ${fake.url}/_calls (DELETE to clear) · state: GET ${fake.url}/_state`);
  const shutdown = () => fake.stop().then(() => process.exit(0));
  process.once("SIGINT", shutdown);
  process.once("SIGTERM", shutdown);
}
