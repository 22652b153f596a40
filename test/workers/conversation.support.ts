// Helpers for the conversation tests: a recording GitHub and Slack, GitHub comments on one
// issue sent as signed webhooks, and waiting on a task's state.
import type { SessionBundle } from "../../core/runner-protocol";
import type { TaskState } from "../../core/task-types";
import { taskAgent } from "./agents";
import * as samples from "./samples";
import { deliver, eventually } from "./support";

export interface Call {
  host: string;
  method: string;
  path: string;
  body: string;
}

/** GitHub (comments, pull requests) and Slack APIs that accept every call and record it. */
export function fakeVendors() {
  const calls: Call[] = [];
  let next = 9000;
  const record = async (request: Request) => {
    const url = new URL(request.url);
    const body = request.method === "GET" ? "" : await request.text();
    calls.push({ host: url.host, method: request.method, path: url.pathname, body });
    return url;
  };
  const hosts = {
    "github.test": async (request: Request) => {
      const url = await record(request);
      if (request.method === "POST" && url.pathname.endsWith("/comments")) {
        const id = next++;
        return Response.json({ id, html_url: `https://github.com/x/issues/1#issuecomment-${id}` }, { status: 201 });
      }
      if (request.method === "PATCH") return Response.json({ id: 1 });
      if (request.method === "GET" && /^\/repos\/[^/]+\/[^/]+$/.test(url.pathname)) return Response.json({ default_branch: "main" });
      if (request.method === "GET" && url.pathname.endsWith("/pulls")) return Response.json([]);
      if (request.method === "POST" && url.pathname.endsWith("/pulls")) {
        return Response.json({ number: 42, html_url: "https://github.com/Codertocat/Hello-World/pull/42" }, { status: 201 });
      }
      return Response.json({ message: "Not Found" }, { status: 404 });
    },
    "slack.test": async (request: Request) => {
      await record(request);
      return Response.json({ ok: true, channel: "C0LAN2Q65", ts: `1700000000.${next++}` });
    },
  };
  return { calls, hosts, pulls: () => calls.filter((c) => c.method === "POST" && c.path.endsWith("/pulls")) };
}

let comments = 0;

/**
 * A signed issue_comment on Codertocat/Hello-World#1 by its owner; every call is a new comment (and
 * delivery). `pullRequest`: the number is a pull request's, as GitHub marks it (`issue.pull_request`).
 */
export function comment(body: string, issue = 1, options: { pullRequest?: boolean } = {}) {
  const payload = samples.github("issue_comment", "created");
  payload.comment.body = body;
  payload.comment.id = 7_000_000 + ++comments + Math.floor(Math.random() * 1_000_000);
  payload.issue.number = issue;
  if (options.pullRequest) {
    payload.issue.pull_request = { url: `https://api.github.com/repos/Codertocat/Hello-World/pulls/${issue}` };
  }
  return deliver("github", payload, { eventType: "issue_comment" });
}

export function bundle(sessionId: string, text = "turn transcript"): SessionBundle {
  return {
    cli: "claude",
    sessionId,
    files: [{ path: `projects/-workspace/${sessionId}.jsonl`, data: btoa(text) }],
  };
}

export async function until(taskId: string, check: (s: TaskState) => boolean, timeoutMs?: number): Promise<TaskState> {
  const agent = await taskAgent(taskId);
  return eventually(async () => {
    const state = await agent.getTask();
    return check(state) ? state : undefined;
  }, timeoutMs);
}

/** The turn outcomes in order: `1:succeeded 2:running`. */
export const turnsOf = (state: TaskState) =>
  (state.conversation?.turns ?? []).map((t) => `${t.n}:${t.outcome ?? (t.attempt ? "running" : "queued")}`).join(" ");
