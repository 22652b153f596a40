// GitHub App mode against the fake GitHub's App side (scripts/fake-vendors/github-app.mjs):
// one-click setup from a manifest, an installation token per run for its one repository,
// the installations registry, and the App's own events ignored.
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { TaskSpec, TaskState } from "../../core/task-types";
import { loadStoredApp } from "../../workers/integrations/github/app/credential-store";
import { buildManifest } from "../../workers/integrations/github/app/manifest";
import { taskAgent } from "./agents";
import { installFakeRunner } from "./fake-runner";
import { APP_SLUG, installGitHubApp } from "./github-app.support";
import * as samples from "./samples";
import { api, deliver, eventually, rows } from "./support";

afterEach(() => vi.restoreAllMocks());

const PAT = "test-github-token";

function spec(id: string, repository: string, installationId?: string): TaskSpec {
  return {
    id,
    deliveryId: `dlv_${id}`,
    vendor: "github",
    eventType: "issue_comment",
    actor: "octocat",
    subject: { repository, issueNumber: 3, installationId },
    subjectText: `${repository}#3`,
    title: "Fix the typo",
    prompt: "@agent-bot fix the typo",
    links: [],
    reason: "mentioned by octocat (OWNER)",
    payloadRef: `payloads/github/dlv_${id}.json`,
    createdAt: Date.now(),
  };
}

async function until(id: string, check: (s: TaskState) => boolean) {
  const agent = await taskAgent(id);
  return eventually(async () => {
    const state = await agent.getTask();
    return check(state) ? state : undefined;
  });
}

describe("setup from a manifest", () => {
  it("GET /setup/github takes the API token and posts a manifest with the webhook URL, events and permissions", async () => {
    expect((await api("/setup/github", { token: null })).status).toBe(401);
    const res = await api("/setup/github?org=acme");
    expect(res.status).toBe(200);
    const html = await res.text();
    const state = /agent_bot_github_setup=([\w-]+)/.exec(res.headers.get("set-cookie") ?? "")?.[1];
    expect(state).toBeTruthy();
    expect(html).toContain(`action="https://github.com/organizations/acme/settings/apps/new?state=${state}"`);
    const manifest = JSON.parse(
      /name="manifest" value="([^"]+)"/
        .exec(html)![1]!
        .replace(/&quot;/g, '"')
        .replace(/&amp;/g, "&"),
    );
    expect(manifest).toMatchObject({
      name: "agent-bot",
      url: "https://agent-bot.test",
      hook_attributes: { url: "https://agent-bot.test/webhooks/github", active: true },
      redirect_url: "https://agent-bot.test/setup/github/callback",
      default_events: ["issues", "issue_comment", "pull_request", "pull_request_review_comment", "push"],
      default_permissions: { contents: "write", issues: "write", pull_requests: "write", metadata: "read" },
    });
  });

  it("the callback exchanges the code with GitHub and stores the credentials sealed; the same code again is refused", async () => {
    const github = await installGitHubApp([], { storeApp: false });
    installFakeRunner({ "github.test": github.handler });
    const { code, app } = await github.fake.createFromManifest(buildManifest("https://agent-bot.test"));
    const callback = () =>
      api(`/setup/github/callback?code=${code}&state=s1`, { token: null, headers: { cookie: "agent_bot_github_setup=s1" } });

    const first = await callback();
    expect(first.status).toBe(201);
    expect(await first.text()).toContain(`${app.slug}/installations/new`);
    const stored = await loadStoredApp(env.DB, env.GITHUB_APP_STORE_KEY!);
    expect(stored).toMatchObject({ appId: String(app.id), slug: app.slug, botUserId: expect.any(String) });
    expect(stored?.privateKey).toContain("PRIVATE KEY");
    const [row] = await rows<{ sealed: string }>("SELECT sealed FROM github_app");
    expect(row?.sealed).not.toContain("PRIVATE KEY");
    expect(row?.sealed).not.toContain(stored!.webhookSecret);

    const second = await callback();
    expect(second.status).toBe(409);
    expect(await second.text()).toMatch(/GitHub refused the code/);
    const conversions = github.calls.filter((c) => c.path === `/app-manifests/${code}/conversions`);
    expect(conversions.map((c) => c.status)).toEqual([201, 404]);
  });

  it("refuses a callback whose state is not the one this browser started with", async () => {
    const res = await api("/setup/github/callback?code=abc&state=forged", {
      token: null,
      headers: { cookie: "agent_bot_github_setup=other" },
    });
    expect(res.status).toBe(403);
  });
});

describe("installation tokens per task", () => {
  it("mints one token per run for its one repository, and uses it for the run and the pull request, never the PAT", async () => {
    const github = await installGitHubApp([{ id: 77, account: "acme", repositories: ["acme/app-one"] }]);
    const runner = installFakeRunner({ "github.test": github.handler });
    runner.script = () => [
      { type: "phase", phase: "running" },
      {
        type: "result",
        outcome: "succeeded",
        summary: "Fixed the typo",
        change: { branch: "agent-bot/x", commitSha: "abc123", filesChanged: 1, insertions: 1, deletions: 1, files: ["README.md"] },
      },
    ];
    const id = `task_app_one_${Date.now()}`;
    await (await taskAgent(id)).createTask(spec(id, "acme/app-one", "77"));
    const state = await until(id, (s) => s.status === "succeeded");
    expect(state.result?.pullRequestUrl).toBe("https://github.com/acme/app-one/pull/7");

    const minted = github.fake.minted();
    expect(minted).toHaveLength(1);
    expect(minted[0]).toMatchObject({
      installationId: 77,
      repositories: ["acme/app-one"],
      permissions: { contents: "write", issues: "write", pull_requests: "write", metadata: "read" },
    });
    const token = minted[0]!.token;
    const run = runner.runs.get(id)!.request;
    expect(run.gitToken).toBe(token);
    expect(run.redact).toContain(token);
    const bot = github.fake.state().apps[0]!;
    expect(run.commitAuthor).toEqual({ name: `${APP_SLUG}[bot]`, email: `${bot.botUserId}+${APP_SLUG}[bot]@users.noreply.github.com` });
    const repoCalls = github.calls.filter((c) => c.path.startsWith("/repos/acme/app-one/"));
    expect(repoCalls.map((c) => `${c.method} ${c.path}`)).toEqual(
      expect.arrayContaining(["POST /repos/acme/app-one/issues/3/comments", "POST /repos/acme/app-one/pulls"]),
    );
    expect(repoCalls.every((c) => c.auth === `token ${token}`)).toBe(true);
    expect(github.calls.some((c) => c.auth?.includes(PAT))).toBe(false);
  });

  it("replaces a refused token once, then fails the task with a readable reason", async () => {
    const github = await installGitHubApp([{ id: 78, account: "acme", repositories: ["acme/app-two"] }]);
    // Every token dies as soon as it is minted: a revoked installation.
    const handler = async (request: Request) => {
      const response = await github.handler(request);
      if (request.url.includes("/access_tokens")) github.fake.revokeTokens();
      return response;
    };
    const runner = installFakeRunner({ "github.test": handler });
    const id = `task_app_two_${Date.now()}`;
    await (await taskAgent(id)).createTask(spec(id, "acme/app-two", "78"));
    const state = await until(id, (s) => s.status === "failed");

    expect(state.result?.reason).toMatch(
      /could not get a GitHub App installation token for acme\/app-two: .*refused the GitHub App's installation token twice/,
    );
    expect(runner.runs.has(id)).toBe(false);
    // One token, then one replacement per use that was refused: the first comment, the run's check, the last comment.
    expect(github.fake.minted()).toHaveLength(4);
    const refusals = github.calls.filter((c) => c.path.startsWith("/repos/") && c.status === 401);
    expect(refusals).toHaveLength(6);
    expect(github.calls.some((c) => c.auth?.includes(PAT))).toBe(false);
  });
});

describe("installations registry", () => {
  it("fetches a comment's image with a read-only installation token for the event's repository", async () => {
    // A repository of its own: the installations registry lives in D1 across this file's tests.
    const github = await installGitHubApp([{ id: 81, account: "acme", repositories: ["acme/app-pics"] }]);
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);
    const fetched: (string | null)[] = [];
    const runner = installFakeRunner({
      "github.test": (request) => {
        if (!new URL(request.url).pathname.startsWith("/user-attachments/")) return github.handler(request);
        fetched.push(request.headers.get("authorization"));
        return new Response(png);
      },
    });
    runner.script = () => [{ type: "result", outcome: "succeeded", summary: "Looked at it" }];
    const payload = samples.github("issue_comment", "created");
    payload.repository = {
      ...payload.repository,
      name: "app-pics",
      full_name: "acme/app-pics",
      owner: { ...payload.repository.owner, login: "acme" },
    };
    payload.comment.body = "@agent-bot see ![shot](http://github.test/user-attachments/assets/shot-9)";
    const row = await deliver("github", payload, { eventType: "issue_comment" });
    const state = await until(row.task_id!, (s) => s.status === "succeeded");

    expect(state.spec?.attachments?.map((a) => a.name)).toEqual(["1-shot.png"]);
    const reading = github.fake.minted().find((m) => m.permissions.contents === "read" && m.permissions.issues === "read");
    expect(reading).toMatchObject({ installationId: 81, repositories: ["acme/app-pics"] });
    expect(fetched).toEqual([`Bearer ${reading!.token}`]);
  });

  it("refuses an event for a repository outside every installation, and the ledger says why", async () => {
    const github = await installGitHubApp([{ id: 79, account: "acme", repositories: ["acme/app-three"] }]);
    installFakeRunner({ "github.test": github.handler });
    const payload = samples.github("issue_comment", "created");
    payload.comment.body = "@agent-bot fix it where you are not installed";
    const row = await deliver("github", payload, { eventType: "issue_comment" });
    expect(row.decision).toBe("refused");
    expect(row.reason).toBe(
      "Codertocat/Hello-World is in no installation of the GitHub App: install the App on it to let agent-bot work there",
    );
    expect(row.task_id).toBeNull();
  });

  it("keeps the registry from installation events: installed repositories trigger, an uninstall stops new tasks", async () => {
    const github = await installGitHubApp([]);
    const runner = installFakeRunner({ "github.test": github.handler });
    runner.script = () => [{ type: "result", outcome: "succeeded", summary: "done" }];
    const installed = samples.github("installation", "created");
    installed.repositories = [{ id: 1, name: "Hello-World", full_name: "Codertocat/Hello-World", private: false }];
    const recorded = await deliver("github", installed, { eventType: "installation" });
    expect(recorded.reason).toMatch(/installation 957387 on Codertocat created \(1 repositories; active\)/);
    expect(await rows("SELECT repository FROM github_installation_repositories WHERE installation_id = '957387'")).toEqual([
      { repository: "Codertocat/Hello-World" },
    ]);

    const comment = samples.github("issue_comment", "created");
    comment.comment.body = "@agent-bot fix it, now that you are installed";
    expect((await deliver("github", comment, { eventType: "issue_comment" })).decision).toBe("triggered");

    const deleted = structuredClone(installed);
    deleted.action = "deleted";
    expect((await deliver("github", deleted, { eventType: "installation" })).reason).toMatch(/uninstalled from Codertocat/);
    const again = samples.github("issue_comment", "created");
    again.comment.body = "@agent-bot fix it again";
    const refused = await deliver("github", again, { eventType: "issue_comment" });
    expect(refused.decision).toBe("refused");
    expect(refused.reason).toMatch(/is in no installation of the GitHub App/);
  });

  it("refuses a manual task for a repository outside every installation", async () => {
    const github = await installGitHubApp([]);
    installFakeRunner({ "github.test": github.handler });
    const res = await api("/api/tasks", {
      method: "POST",
      body: JSON.stringify({ repository: "acme/elsewhere", prompt: "do it" }),
      headers: { "content-type": "application/json" },
    });
    expect(res.status).toBe(403);
    expect(await res.text()).toContain("acme/elsewhere is in no installation of the GitHub App");
  });
});

describe("loop safety", () => {
  it("the App's own comment does not trigger", async () => {
    const github = await installGitHubApp([{ id: 80, account: "Codertocat", repositories: "all" }]);
    installFakeRunner({ "github.test": github.handler });
    const bot = github.fake.state().apps[0]!;
    const payload = samples.github("issue_comment", "created");
    payload.comment.body = "@agent-bot is working on it";
    payload.comment.user = { ...payload.comment.user, login: `${APP_SLUG}[bot]`, id: bot.botUserId, type: "Bot" };
    payload.comment.performed_via_github_app = { id: bot.id, slug: APP_SLUG };
    payload.sender = payload.comment.user;
    const row = await deliver("github", payload, { eventType: "issue_comment" });
    expect(row.decision).toBe("not_triggered");
    expect(row.reason).toBe(`actor ${APP_SLUG}[bot] is this GitHub App's own bot user (${bot.botUserId})`);
  });
});
