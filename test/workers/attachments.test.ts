// Attachments (issue 18): the platform fetches the files of a triggering message from the
// vendor's own hosts only, checks their type by their bytes, keeps them in R2 with the task and
// hands them to the runner; what it leaves out is named in the prompt with the reason.
import { Buffer } from "node:buffer";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { RunRequest } from "../../core/runner-protocol";
import type { TaskState } from "../../core/task-types";
import { agentEventSchema } from "../../core/agent-event";
import { collectAttachments } from "../../workers/attachments/collect";
import { fetchAttachment } from "../../workers/attachments/fetch";
import { getConfig } from "../../workers/config";
import { sniff } from "../../workers/attachments/sniff";
import { taskAgent } from "./agents";
import { installFakeRunner, type FakeRunner } from "./fake-runner";
import * as samples from "./samples";
import { deliver, eventually } from "./support";

afterEach(() => vi.restoreAllMocks());

const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 1, 2, 3, 4]);
const OTHER_PNG = new Uint8Array([...PNG, 9, 9, 9]);
const LOG = new TextEncoder().encode("2026-12-01 ERROR checkout: total is NaN\n");
const TEN_MIB = 10 * 1024 * 1024;

function recordRuns(runner: FakeRunner): RunRequest[] {
  const requests: RunRequest[] = [];
  runner.script = (request) => {
    requests.push(request);
    return [{ type: "result", outcome: "succeeded", summary: "Looked at the screenshots" }];
  };
  return requests;
}

async function until(taskId: string, check: (state: TaskState) => boolean): Promise<TaskState> {
  const agent = await taskAgent(taskId);
  return eventually(async () => {
    const state = await agent.getTask();
    return check(state) ? state : undefined;
  });
}

/** Requests to a host, recorded: path and authorization. */
function recorder() {
  const calls: { host: string; path: string; auth: string | null }[] = [];
  const record = (request: Request) => {
    const url = new URL(request.url);
    calls.push({ host: url.host, path: url.pathname, auth: request.headers.get("authorization") });
  };
  return { calls, record };
}

const decoded = (request: RunRequest) =>
  (request.attachments ?? []).map((a) => ({ name: a.name, contentType: a.contentType, bytes: [...Buffer.from(a.data, "base64")] }));

describe("type by content", () => {
  it("knows png, jpeg, gif, webp, pdf and text by their bytes, whatever their name", () => {
    expect(sniff(PNG, "notes.txt")).toEqual({ contentType: "image/png", extension: "png" });
    expect(sniff(new Uint8Array([0xff, 0xd8, 0xff, 0xe0]))?.contentType).toBe("image/jpeg");
    expect(sniff(new TextEncoder().encode("GIF89a...."))?.contentType).toBe("image/gif");
    expect(sniff(new TextEncoder().encode("RIFF\0\0\0\0WEBPVP8 "))?.contentType).toBe("image/webp");
    expect(sniff(new TextEncoder().encode("%PDF-1.7\n"))?.contentType).toBe("application/pdf");
    expect(sniff(LOG, "trace.log")).toEqual({ contentType: "text/plain", extension: "log" });
    expect(sniff(LOG, "trace.exe")).toEqual({ contentType: "text/plain", extension: "txt" });
    expect(sniff(new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0, 0]), "shot.png")).toBeUndefined();
    expect(sniff(new Uint8Array([0x7f, 0x45, 0x4c, 0x46]), "notes.txt")).toBeUndefined();
  });
});

describe("fetching from a vendor's hosts", () => {
  const rule = { vendor: "GitHub", origins: ["https://github.com", "https://*.githubusercontent.com"], authOrigins: [], headers: {} };

  it("follows redirects within the vendor's hosts and refuses one to elsewhere before fetching it", async () => {
    const fetched: string[] = [];
    const fetcher = (async (input: RequestInfo | URL, init?: RequestInit) => {
      const url = String(input);
      fetched.push(url);
      expect(init?.redirect).toBe("manual");
      if (url.endsWith("/inside"))
        return new Response(null, {
          status: 302,
          headers: { location: "https://private-user-images.githubusercontent.com/1/a.png?jwt=x" },
        });
      if (url.endsWith("/outside")) return new Response(null, { status: 302, headers: { location: "https://evil.test/a.png" } });
      return new Response(PNG);
    }) as typeof fetch;
    expect(await fetchAttachment("https://github.com/user-attachments/assets/inside", rule, 1000, fetcher)).toMatchObject({ ok: true });
    expect(await fetchAttachment("https://github.com/user-attachments/assets/outside", rule, 1000, fetcher)).toEqual({
      ok: false,
      reason: "redirects to evil.test, not one of GitHub's hosts",
    });
    expect(await fetchAttachment("http://github.com/user-attachments/assets/x", rule, 1000, fetcher)).toMatchObject({ ok: false });
    expect(await fetchAttachment("https://github.com.evil.test/x", rule, 1000, fetcher)).toMatchObject({ ok: false });
    expect(fetched.some((url) => url.includes("evil.test") || url.startsWith("http:"))).toBe(false);
    expect(await fetchAttachment("https://github.com/big", rule, PNG.length - 1, fetcher)).toEqual({
      ok: false,
      reason: "is larger than the 19 B limit",
    });
  });
});

describe("limits", () => {
  const jiraEvent = agentEventSchema.parse({
    id: "dlv_limits",
    vendor: "jira",
    deliveryKey: "limits",
    type: "jira:issue_created",
    handled: true,
    subject: { ticketKey: "PAY-1" },
    payloadRef: "",
    receivedAt: 0,
  });
  const files = (host: string, n: number) =>
    Array.from({ length: n }, (_, i) => ({ filename: `f${i}.png`, content: `http://${host}/rest/api/3/attachment/content/${i}` }));

  it("keeps ATTACHMENT_MAX_FILES files and names the rest; a hundred foreign files make twenty notes and a count", async () => {
    const fetched: string[] = [];
    const fetcher = (async (input: RequestInfo | URL) => {
      fetched.push(String(input));
      return new Response(PNG);
    }) as typeof fetch;
    const config = getConfig(env);
    const kept = await collectAttachments(
      jiraEvent,
      { issue: { fields: { attachment: files("jira.test", 12) } } },
      "task_limits",
      env.PAYLOADS,
      config,
      fetcher,
    );
    expect(kept.attachments).toHaveLength(10);
    expect(kept.skipped).toEqual([
      "f10.png (http://jira.test/rest/api/3/attachment/content/10): over the limit of 10 files",
      "f11.png (http://jira.test/rest/api/3/attachment/content/11): over the limit of 10 files",
    ]);
    expect(fetched).toHaveLength(10);

    const foreign = await collectAttachments(
      jiraEvent,
      { issue: { fields: { attachment: files("evil.test", 100) } } },
      "task_limits",
      env.PAYLOADS,
      config,
      fetcher,
    );
    expect(foreign.attachments).toEqual([]);
    expect(foreign.skipped).toHaveLength(21);
    expect(foreign.skipped.at(-1)).toBe("and 80 more files");
    expect(fetched).toHaveLength(10);
  });
});

describe("attachments of a triggering message", () => {
  it("fetches a GitHub comment's images (a PNG named .txt too) and hands them to the runner; the rest are noted", async () => {
    const evil = recorder();
    const github = recorder();
    const serveGitHub = (request: Request) => {
      github.record(request);
      const path = new URL(request.url).pathname;
      if (path.endsWith("/shot-1")) return new Response(PNG);
      if (path.endsWith("/77/second.txt")) return new Response(OTHER_PNG, { headers: { "content-type": "text/plain" } });
      if (path.endsWith("/huge")) return new Response(new Uint8Array(TEN_MIB + 1));
      if (path.endsWith("/moved")) return new Response(null, { status: 302, headers: { location: "http://evil.test/moved.png" } });
      return Response.json({ id: 7001, html_url: "https://github.com/Codertocat/Hello-World/issues/1#issuecomment-7001" }, { status: 201 });
    };
    const runner = installFakeRunner({
      "github.test": serveGitHub,
      "github.com": serveGitHub,
      "evil.test": (request) => {
        evil.record(request);
        return new Response(PNG);
      },
    });
    const requests = recordRuns(runner);
    const payload = samples.github("issue_comment", "created");
    payload.issue.number = 1811;
    payload.comment.id = 881_811;
    payload.comment.body = [
      "@agent-bot the pay button is cut off, see",
      "![screenshot](http://github.test/user-attachments/assets/shot-1)",
      "[second.txt](https://github.com/user-attachments/files/77/second.txt)",
      "![huge](http://github.test/user-attachments/assets/huge)",
      '<img alt="tracker" src="http://evil.test/tracker.png">',
      "![moved](http://github.test/user-attachments/assets/moved)",
      "and [the docs](https://example.com/docs) say otherwise.",
    ].join("\n");
    const row = await deliver("github", payload, { eventType: "issue_comment" });
    const state = await until(row.task_id!, (s) => s.status === "succeeded");

    expect(decoded(requests[0]!)).toEqual([
      { name: "1-screenshot.png", contentType: "image/png", bytes: [...PNG] },
      { name: "2-second.png", contentType: "image/png", bytes: [...OTHER_PNG] },
    ]);
    for (const attachment of state.spec?.attachments ?? []) expect(await env.PAYLOADS.head(attachment.key)).not.toBeNull();
    expect(state.spec?.attachments?.map((a) => a.key)).toEqual([
      `attachments/${row.task_id}/1-screenshot.png`,
      `attachments/${row.task_id}/2-second.png`,
    ]);
    const prompt = requests[0]!.prompt;
    expect(prompt).toContain("Attached files agent-bot did not fetch:");
    expect(prompt).toContain("- huge (http://github.test/user-attachments/assets/huge): is larger than the 10 MiB limit");
    expect(prompt).toContain("- tracker (http://evil.test/tracker.png): is on evil.test, not one of GitHub's hosts");
    expect(prompt).toContain(
      "- moved (http://github.test/user-attachments/assets/moved): redirects to evil.test, not one of GitHub's hosts",
    );
    // Other links are just links: the section lists the three images left out, nothing else.
    const section = prompt.split("Attached files agent-bot did not fetch:\n")[1]?.split("\n\n")[0];
    expect(section?.split("\n")).toHaveLength(3);
    expect(evil.calls).toEqual([]);
    // The GitHub token goes to the configured API host only.
    expect(github.calls.filter((c) => c.host === "github.com").map((c) => c.auth)).toEqual([null]);
    expect(github.calls.filter((c) => c.path.endsWith("/shot-1")).map((c) => c.auth)).toEqual(["Bearer test-github-token"]);
  });

  it("fetches a Slack message's files with the bot token", async () => {
    const slack = recorder();
    const runner = installFakeRunner({
      "slack.test": (request) => {
        slack.record(request);
        const path = new URL(request.url).pathname;
        if (path.startsWith("/files-pri/")) return new Response(LOG);
        return Response.json({ ok: true, channel: "C0LAN2Q65", ts: "1700000000.000100" });
      },
    });
    const requests = recordRuns(runner);
    const payload = samples.slack.appMention();
    payload.event_id = "Ev0ATTACH1";
    payload.event.ts = "1515449600.000100";
    payload.event.text = "<@U0LAN0Z89> why does checkout fail? log attached";
    payload.event.files = [
      { id: "F1", name: "checkout.log", url_private: "http://slack.test/files-pri/T0001-F1/checkout.log", size: LOG.length },
      { id: "F2", name: "elsewhere.png", url_private: "https://evil.test/F2/elsewhere.png", size: 10 },
    ];
    const row = await deliver("slack", payload);
    await until(row.task_id!, (s) => s.status === "succeeded");
    expect(decoded(requests[0]!)).toEqual([{ name: "1-checkout.log", contentType: "text/plain", bytes: [...LOG] }]);
    expect(slack.calls.find((c) => c.path.startsWith("/files-pri/"))?.auth).toBe("Bearer xoxb-test-slack-token");
    expect(requests[0]!.prompt).toContain(
      "- elsewhere.png (https://evil.test/F2/elsewhere.png): is on evil.test, not one of Slack's hosts",
    );
  });

  it("fetches a Jira ticket's attachments with Jira's auth", async () => {
    const jira = recorder();
    const runner = installFakeRunner({
      "jira.test": (request) => {
        jira.record(request);
        if (new URL(request.url).pathname.startsWith("/rest/api/3/attachment/content/")) return new Response(PNG);
        return Response.json({ id: "10001" }, { status: 201 });
      },
    });
    const requests = recordRuns(runner);
    const payload = samples.jira.issueCreated();
    payload.issue.id = "18120";
    payload.issue.key = "PAY-1812";
    payload.issue.fields.attachment = [
      { id: "10001", filename: "Pay button.png", content: "http://jira.test/rest/api/3/attachment/content/10001", size: PNG.length },
    ];
    const row = await deliver("jira", payload, { deliveryId: "jira-attach-1812" });
    await until(row.task_id!, (s) => s.status === "succeeded");
    expect(decoded(requests[0]!)).toEqual([{ name: "1-Pay_button.png", contentType: "image/png", bytes: [...PNG] }]);
    const basic = `Basic ${Buffer.from("agent-bot@example.com:test-jira-api-token").toString("base64")}`;
    expect(jira.calls.find((c) => c.path.includes("/attachment/content/"))?.auth).toBe(basic);
  });
});
