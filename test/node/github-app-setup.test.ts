// `npm run setup:github` against the fake GitHub: the listener's page posts the manifest to the
// fake's "new App" form, the fake redirects back with a one-time code, the listener exchanges it
// for the App's credentials; a second callback, and a second exchange of the code, are refused.
// The fake then mints installation tokens only for a correctly signed App JWT.
import { createSign } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeVendors, type FakeVendors } from "../../scripts/fake-vendors.mjs";
import { secretCommands, startSetupListener, writeDevVars } from "../../scripts/setup-github.mjs";

let fake: FakeVendors;
beforeAll(async () => {
  fake = await startFakeVendors({ port: 0, githubApp: { installations: [{ id: 5, account: "acme", repositories: ["acme/shop"] }] } });
});
afterAll(() => fake.stop());

const unescapeHtml = (text: string) =>
  text
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&");

function jwt(appId: string, pem: string, now = Math.floor(Date.now() / 1000)): string {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");
  const unsigned = `${part({ alg: "RS256", typ: "JWT" })}.${part({ iss: appId, iat: now - 60, exp: now + 540 })}`;
  return `${unsigned}.${createSign("RSA-SHA256").update(unsigned).sign(pem).toString("base64url")}`;
}

describe("npm run setup:github", () => {
  it("creates the App from a manifest through the fake GitHub, once", async () => {
    const listener = await startSetupListener({
      deploymentUrl: "https://agent-bot.example.com",
      webUrl: fake.env.GITHUB_WEB_URL,
      apiUrl: fake.env.GITHUB_API_URL,
    });
    try {
      // The browser: the listener's page, whose form posts the manifest to GitHub.
      const html = await (await fetch(`${listener.url}/`)).text();
      const action = unescapeHtml(/action="([^"]+)"/.exec(html)![1]!);
      const manifest = unescapeHtml(/name="manifest" value="([^"]+)"/.exec(html)![1]!);
      expect(action).toMatch(new RegExp(`^${fake.env.GITHUB_WEB_URL}/settings/apps/new\\?state=[\\w-]+$`));
      expect(JSON.parse(manifest)).toMatchObject({
        hook_attributes: { url: "https://agent-bot.example.com/webhooks/github" },
        redirect_url: `${listener.url}/callback`,
        default_permissions: { contents: "write", issues: "write", pull_requests: "write", metadata: "read" },
      });
      const created = await fetch(action, { method: "POST", body: new URLSearchParams({ manifest }), redirect: "manual" });
      expect(created.status).toBe(302);
      const back = created.headers.get("location")!;
      expect(back).toMatch(new RegExp(`^${listener.url}/callback\\?code=.+&state=`));

      expect((await fetch(back)).status).toBe(201);
      const app = await listener.done;
      expect(app).toMatchObject({ appId: expect.stringMatching(/^\d+$/), slug: "agent-bot", webhookSecret: expect.any(String) });
      expect(app.privateKey).toContain("PRIVATE KEY");

      // The listener is one-shot, and GitHub (the fake) answers a code once.
      expect((await fetch(back)).status).toBe(400);
      const code = new URL(back).searchParams.get("code")!;
      expect((await fetch(`${fake.env.GITHUB_API_URL}/app-manifests/${code}/conversions`, { method: "POST" })).status).toBe(404);

      // The created App's key signs JWTs the fake accepts; a token is scoped to what was asked.
      const mint = (authorization: string) =>
        fetch(`${fake.env.GITHUB_API_URL}/app/installations/5/access_tokens`, {
          method: "POST",
          headers: { authorization, "content-type": "application/json" },
          body: JSON.stringify({ repositories: ["shop"], permissions: { issues: "write" } }),
        });
      const minted = await mint(`Bearer ${jwt(app.appId, app.privateKey)}`);
      expect(minted.status).toBe(201);
      const { token } = (await minted.json()) as { token: string };
      expect((await mint(`Bearer ${jwt(app.appId, app.privateKey).replace(/.$/, "A")}x`)).status).toBe(401);

      const comment = (repo: string, auth: string) =>
        fetch(`${fake.env.GITHUB_API_URL}/repos/${repo}/issues/1/comments`, {
          method: "POST",
          headers: { authorization: auth, "content-type": "application/json" },
          body: JSON.stringify({ body: "hi" }),
        });
      expect((await comment("acme/shop", `token ${token}`)).status).toBe(201);
      expect((await comment("acme/shop", "token ghp_a-personal-token")).status).toBe(401);
      expect((await comment("acme/other", `token ${token}`)).status).toBe(404);
      const pulls = await fetch(`${fake.env.GITHUB_API_URL}/repos/acme/shop/pulls`, {
        method: "POST",
        headers: { authorization: `token ${token}`, "content-type": "application/json" },
        body: JSON.stringify({ head: "x", base: "main", title: "t" }),
      });
      expect(pulls.status).toBe(403);
    } finally {
      await listener.close();
    }
  });

  it("prints wrangler secret put commands, or writes .dev.vars", () => {
    const app = {
      appId: "12",
      slug: "a",
      htmlUrl: "https://github.com/apps/a",
      privateKey: "-----BEGIN RSA PRIVATE KEY-----\nabc\n-----END RSA PRIVATE KEY-----\n",
      webhookSecret: "it's",
    };
    const commands = secretCommands(app, "production");
    expect(commands[0]).toBe("printf '%s' '12' | npx wrangler secret put GITHUB_APP_ID --env production");
    expect(commands[2]).toBe("printf '%s' 'it'\\''s' | npx wrangler secret put GITHUB_WEBHOOK_SECRET --env production");
    const dir = mkdtempSync(join(tmpdir(), "agent-bot-setup-"));
    try {
      const path = join(dir, ".dev.vars");
      writeFileSync(path, "API_TOKEN=x\nGITHUB_APP_ID=\n");
      writeDevVars(path, app);
      const text = readFileSync(path, "utf8");
      expect(text).toContain("API_TOKEN=x\n");
      expect(text).toContain("GITHUB_APP_ID=12\n");
      expect(text).toContain('GITHUB_APP_PRIVATE_KEY="-----BEGIN RSA PRIVATE KEY-----\\nabc\\n-----END RSA PRIVATE KEY-----"\n');
      expect(text.match(/GITHUB_APP_ID=/g)).toHaveLength(1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("the terminal's manifest", () => {
  // The script runs in plain Node and cannot import the Worker's TypeScript; this keeps its copy in step.
  it("asks for the same events and permissions as the Worker's /setup/github, only the redirect differs", async () => {
    const { buildManifest } = await import("../../workers/integrations/github/app/manifest");
    const { setupManifest } = await import("../../scripts/setup-github.mjs");
    const worker = buildManifest("https://bot.example.com");
    const terminal = setupManifest({ deploymentUrl: "https://bot.example.com", callbackUrl: "http://127.0.0.1:9/callback" });
    expect(terminal).toEqual({ ...worker, redirect_url: "http://127.0.0.1:9/callback" });
  });
});
