// The fake GitHub's App side, for `npm run fake-vendors`/`npm run dev` and the Workers tests
// alike (WebCrypto only, so it runs in Node and in workerd):
//
//   POST /settings/apps/new (web)                  the manifest form: creates an App, redirects
//                                                  to its redirect_url with a one-time code
//   POST /app-manifests/:code/conversions          the code → id, pem, webhook_secret, … (once)
//   GET  /app                                      the App its JWT names
//   GET  /users/:slug[bot]                         the App's bot user
//   GET  /repos/:owner/:repo/installation          the installation covering the repository (JWT)
//   POST /app/installations/:id/access_tokens      an installation token for `repositories` with
//                                                  `permissions` (JWT, RS256-verified)
//
// Every other /repos/… call is installation-scoped once an App exists: it needs a live
// installation token that covers the repository and grants the permission the call needs.

const HOUR_MS = 60 * 60_000;
const encoder = new TextEncoder();

const json = (status, body, headers = {}) => ({ status, body, headers });
const badCredentials = () => json(401, { message: "Bad credentials", documentation_url: "https://docs.github.com/rest", status: "401" });
const notFound = () => json(404, { message: "Not Found", documentation_url: "https://docs.github.com/rest", status: "404" });

const base64url = (bytes) =>
  btoa(String.fromCharCode(...new Uint8Array(bytes)))
    .replace(/\+/g, "-")
    .replace(/\//g, "_")
    .replace(/=+$/, "");
const fromBase64url = (text) => Uint8Array.from(atob(text.replace(/-/g, "+").replace(/_/g, "/")), (c) => c.charCodeAt(0));
const pem = (label, der) =>
  `-----BEGIN ${label}-----\n${btoa(String.fromCharCode(...new Uint8Array(der))).replace(/.{1,64}/g, "$&\n")}-----END ${label}-----\n`;
const pemDer = (text) => Uint8Array.from(atob(text.replace(/-----[A-Z ]+-----/g, "").replace(/\s+/g, "")), (c) => c.charCodeAt(0));
const RSA = { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" };

/** A fresh RSA key pair as PEM: PKCS#8 private key, SPKI public key. */
export async function generateAppKeyPair() {
  const pair = await crypto.subtle.generateKey({ ...RSA, modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]) }, true, [
    "sign",
    "verify",
  ]);
  return {
    privateKeyPem: pem("PRIVATE KEY", await crypto.subtle.exportKey("pkcs8", pair.privateKey)),
    publicKeyPem: pem("PUBLIC KEY", await crypto.subtle.exportKey("spki", pair.publicKey)),
  };
}

const randomToken = (prefix) => `${prefix}_${base64url(crypto.getRandomValues(new Uint8Array(27))).replace(/[-_]/g, "x")}`;

/** The App a JWT names, when its RS256 signature verifies with that App's public key and it is within its ten minutes. */
async function verifyAppJwt(apps, authorization, now) {
  const match = /^Bearer\s+([\w-]+)\.([\w-]+)\.([\w-]+)$/.exec(String(authorization ?? ""));
  if (!match) return undefined;
  const [, head, body, signature] = match;
  let header;
  let claims;
  try {
    header = JSON.parse(new TextDecoder().decode(fromBase64url(head)));
    claims = JSON.parse(new TextDecoder().decode(fromBase64url(body)));
  } catch {
    return undefined;
  }
  const app = apps.find((a) => String(a.id) === String(claims.iss) || a.clientId === claims.iss);
  if (header.alg !== "RS256" || !app) return undefined;
  const key = await crypto.subtle.importKey("spki", pemDer(app.publicKeyPem), RSA, false, ["verify"]);
  const valid = await crypto.subtle.verify(RSA, key, fromBase64url(signature), encoder.encode(`${head}.${body}`));
  const seconds = Math.floor(now / 1000);
  if (!valid || typeof claims.exp !== "number" || claims.exp <= seconds || claims.iat > seconds + 60 || claims.exp - claims.iat > 660)
    return undefined;
  return app;
}

/** The permission a /repos/… call needs: metadata to read the repository, issues or pull_requests to write there. */
function neededPermission(method, path) {
  const rest = path.split("/").slice(4).join("/");
  if (rest.startsWith("pulls")) return ["pull_requests", method === "GET" ? "read" : "write"];
  if (rest.startsWith("issues")) return ["issues", method === "GET" ? "read" : "write"];
  if (rest.startsWith("contents") || rest.startsWith("git")) return ["contents", method === "GET" ? "read" : "write"];
  return ["metadata", "read"];
}

const grants = (granted, level) => granted === "write" || (granted === "read" && level === "read");

/**
 * @param {{ app?: { id: number, slug: string, botUserId?: number, publicKeyPem: string, webhookSecret?: string },
 *           installations?: { id: number, account: string, repositories: string[] | "all", suspended?: boolean }[],
 *           now?: () => number, webUrl?: string }} [options]
 */
export function createFakeGitHubApp(options = {}) {
  const now = options.now ?? (() => Date.now());
  const apps = options.app ? [{ botUserId: 41_898_282 + Number(options.app.id), ...options.app }] : [];
  const installations = structuredClone(options.installations ?? []);
  /** Codes the manifest form issued, until exchanged. */
  const codes = new Map();
  /** Every installation token minted: what it was asked for and whether it still works. */
  const tokens = [];

  const covering = (repository) =>
    installations.find((i) => (i.repositories === "all" ? repository.split("/")[0] === i.account : i.repositories.includes(repository)));

  const installationView = (i) => ({
    id: i.id,
    account: { login: i.account, id: 1000 + i.id, type: "Organization" },
    repository_selection: i.repositories === "all" ? "all" : "selected",
    app_id: apps[0]?.id,
    suspended_at: i.suspended ? new Date(now()).toISOString() : null,
    html_url: `https://github.com/organizations/${i.account}/settings/installations/${i.id}`,
  });

  /** Creates an App from a manifest (the web form's part); the code is GitHub's answer. */
  async function createFromManifest(manifest) {
    const keys = await generateAppKeyPair();
    const id = 900_000 + apps.length + 1;
    const slug = String(manifest.name ?? "agent-bot")
      .toLowerCase()
      .replace(/[^a-z0-9-]+/g, "-");
    const app = {
      id,
      slug,
      botUserId: 41_898_282 + id,
      publicKeyPem: keys.publicKeyPem,
      privateKeyPem: keys.privateKeyPem,
      webhookSecret: randomToken("whsec"),
      clientId: `Iv1.${id}`,
      clientSecret: randomToken("secret"),
      manifest,
    };
    apps.push(app);
    const code = randomToken("code");
    codes.set(code, app);
    return { app, code };
  }

  const routes = [
    [
      "POST",
      "/app-manifests/:code/conversions",
      (ctx, p) => {
        const app = codes.get(p.code);
        // GitHub's codes are one-time: a second exchange of the same code is refused.
        if (!app) return notFound();
        codes.delete(p.code);
        return json(201, {
          id: app.id,
          slug: app.slug,
          node_id: `A_fake${app.id}`,
          name: app.manifest?.name ?? app.slug,
          html_url: `https://github.com/apps/${app.slug}`,
          permissions: app.manifest?.default_permissions ?? {},
          events: app.manifest?.default_events ?? [],
          client_id: app.clientId,
          client_secret: app.clientSecret,
          webhook_secret: app.webhookSecret,
          pem: app.privateKeyPem,
        });
      },
    ],
    [
      "GET",
      "/app",
      async (ctx) => {
        const app = await verifyAppJwt(apps, ctx.authorization, now());
        if (!app) return badCredentials();
        return json(200, { id: app.id, slug: app.slug, name: app.slug, html_url: `https://github.com/apps/${app.slug}` });
      },
    ],
    [
      "GET",
      "/users/:login",
      (ctx, p) => {
        const app = apps.find((a) => `${a.slug}[bot]` === p.login);
        return app ? json(200, { login: p.login, id: app.botUserId, type: "Bot" }) : notFound();
      },
    ],
    [
      "GET",
      "/repos/:owner/:repo/installation",
      async (ctx, p) => {
        if (!(await verifyAppJwt(apps, ctx.authorization, now()))) return badCredentials();
        const installation = covering(`${p.owner}/${p.repo}`);
        return installation ? json(200, installationView(installation)) : notFound();
      },
    ],
    [
      "POST",
      "/app/installations/:id/access_tokens",
      async (ctx, p) => {
        const app = await verifyAppJwt(apps, ctx.authorization, now());
        if (!app) return badCredentials();
        const installation = installations.find((i) => String(i.id) === p.id);
        if (!installation) return notFound();
        if (installation.suspended) return json(403, { message: "This installation has been suspended" });
        const names = ctx.body?.repositories ?? [];
        const repositories = names.map((name) => `${installation.account}/${name}`);
        if (repositories.some((r) => !covering(r) || covering(r).id !== installation.id)) {
          return json(422, {
            message: "There is at least one repository that does not exist or is not accessible to the parent installation.",
          });
        }
        const permissions = ctx.body?.permissions ?? { contents: "write", issues: "write", pull_requests: "write", metadata: "read" };
        const expiresAt = new Date(now() + HOUR_MS).toISOString();
        const token = {
          token: randomToken("ghs"),
          installationId: installation.id,
          appId: app.id,
          repositories,
          permissions,
          expiresAt,
          revoked: false,
        };
        tokens.push(token);
        return json(201, {
          token: token.token,
          expires_at: expiresAt,
          permissions,
          repository_selection: "selected",
          repositories: repositories.map((full_name) => ({ full_name, name: full_name.split("/")[1] })),
        });
      },
    ],
  ];

  /** The web side: GitHub's "new App from a manifest" form. */
  const webRoutes = [
    [
      "POST",
      "/settings/apps/new",
      async (ctx) => {
        let manifest;
        try {
          manifest = JSON.parse(ctx.body?.manifest ?? "");
        } catch {
          return json(400, { message: "manifest: not JSON" });
        }
        if (!manifest?.redirect_url || !manifest?.hook_attributes?.url)
          return json(422, { message: "manifest needs redirect_url and hook_attributes.url" });
        const { code } = await createFromManifest(manifest);
        const back = new URL(manifest.redirect_url);
        back.searchParams.set("code", code);
        if (ctx.query.state) back.searchParams.set("state", ctx.query.state);
        return json(302, undefined, { location: back.toString() });
      },
    ],
  ];

  /**
   * For an installation-scoped call (`/repos/{owner}/{repo}/…`): undefined when it may go on,
   * else GitHub's refusal. Without any App the fake takes any credential, as before.
   */
  function authorize(method, path, authorization) {
    if (apps.length === 0) return undefined;
    const match = /^\/repos\/([^/]+)\/([^/]+)/.exec(path);
    if (!match) return undefined;
    const value = String(authorization ?? "")
      .replace(/^(token|Bearer)\s+/i, "")
      .trim();
    const token = tokens.find((t) => t.token === value);
    if (!token || token.revoked || Date.parse(token.expiresAt) <= now()) return badCredentials();
    if (!token.repositories.includes(`${decodeURIComponent(match[1])}/${decodeURIComponent(match[2])}`)) return notFound();
    const [permission, level] = neededPermission(method, path);
    if (!grants(token.permissions[permission] ?? (permission === "metadata" ? "read" : undefined), level)) {
      return json(403, {
        message: "Resource not accessible by integration",
        documentation_url: "https://docs.github.com/rest",
        status: "403",
      });
    }
    return undefined;
  }

  return {
    routes,
    webRoutes,
    authorize,
    createFromManifest,
    /** The installation token `token` is for, while it works (git over HTTP asks this). */
    tokenFor: (value) => tokens.find((t) => t.token === value && !t.revoked && Date.parse(t.expiresAt) > now()),
    /** Revokes every installation token minted so far (an uninstall, a key rotation). */
    revokeTokens: () => tokens.forEach((t) => (t.revoked = true)),
    /** Every installation token minted so far, in full (for tests in the same process). */
    minted: () => structuredClone(tokens),
    installations,
    state: () => ({
      apps: apps.map((a) => ({ id: a.id, slug: a.slug, botUserId: a.botUserId })),
      installations: structuredClone(installations),
      tokens: tokens.map(({ token, ...rest }) => ({ ...rest, token: `${token.slice(0, 8)}…` })),
    }),
  };
}
