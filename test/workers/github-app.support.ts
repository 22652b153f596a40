// A GitHub App for Workers tests: the fake GitHub's App side (scripts/fake-vendors/github-app.mjs,
// the one `npm run dev` uses) behind fetch interception, with the few /repos/… endpoints a task
// writes to, and the App's credentials stored in D1 the way the setup flow stores them.
import { env } from "cloudflare:workers";
import { createFakeGitHubApp, generateAppKeyPair, type FakeInstallation } from "../../scripts/fake-vendors/github-app.mjs";
import { storeApp } from "../../workers/integrations/github/app/credential-store";

export const APP_ID = 4242;
export const APP_SLUG = "agent-bot-test";

export interface GitHubCall {
  method: string;
  path: string;
  auth: string | null;
  status: number;
  body: Record<string, unknown> | null;
}

/** `/repos/:owner/:repo` → a matcher returning the named segments (decoded). */
function compile(pattern: string) {
  const names: string[] = [];
  const regex = new RegExp(
    `^${pattern.replace(/:(\w+)/g, (_, name: string) => {
      names.push(name);
      return "([^/]+)";
    })}$`,
  );
  return (path: string) => {
    const match = regex.exec(path);
    return match && Object.fromEntries(names.map((name, i) => [name, decodeURIComponent(match[i + 1]!)]));
  };
}

/** The fake GitHub App, its key pair's private half stored in D1 as the App's. */
export async function installGitHubApp(installations: FakeInstallation[], options: { storeApp?: boolean } = {}) {
  const keys = await generateAppKeyPair();
  const fake = createFakeGitHubApp({ app: { id: APP_ID, slug: APP_SLUG, publicKeyPem: keys.publicKeyPem }, installations });
  if (options.storeApp !== false) {
    await storeApp(env.DB, env.GITHUB_APP_STORE_KEY!, {
      appId: String(APP_ID),
      slug: APP_SLUG,
      privateKey: keys.privateKeyPem,
      webhookSecret: "stored-webhook-secret",
    });
  }
  const routes = fake.routes.map(([method, pattern, handle]) => ({ method, match: compile(pattern), handle }));
  const calls: GitHubCall[] = [];
  let nextComment = 9001;
  const handler = async (request: Request): Promise<Response> => {
    const url = new URL(request.url);
    const text = request.method === "GET" ? "" : await request.text();
    const body = text ? (JSON.parse(text) as Record<string, unknown>) : null;
    const auth = request.headers.get("authorization");
    const answer = await (async () => {
      for (const route of routes) {
        const params = route.method === request.method ? route.match(url.pathname) : null;
        if (params)
          return route.handle({ base: url.origin, query: {}, body, authorized: Boolean(auth), authorization: auth ?? undefined }, params);
      }
      const refused = fake.authorize(request.method, url.pathname, auth ?? undefined);
      if (refused) return refused;
      const repo = /^\/repos\/([^/]+\/[^/]+)/.exec(url.pathname)?.[1];
      if (request.method === "POST" && url.pathname.endsWith("/comments")) {
        const id = nextComment++;
        return { status: 201, body: { id, html_url: `https://github.com/${repo}/issues/1#issuecomment-${id}` }, headers: {} };
      }
      if (request.method === "PATCH") return { status: 200, body: { id: 9001 }, headers: {} };
      if (request.method === "GET" && url.pathname === `/repos/${repo}`)
        return { status: 200, body: { full_name: repo, default_branch: "main" }, headers: {} };
      if (request.method === "POST" && url.pathname.endsWith("/pulls")) {
        return { status: 201, body: { number: 7, html_url: `https://github.com/${repo}/pull/7` }, headers: {} };
      }
      return { status: 404, body: { message: "Not Found" }, headers: {} };
    })();
    calls.push({ method: request.method, path: url.pathname, auth, status: answer.status, body });
    return answer.body === undefined
      ? new Response(null, { status: answer.status })
      : Response.json(answer.body, { status: answer.status });
  };
  return { fake, calls, handler, keys };
}
