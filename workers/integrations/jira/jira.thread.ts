// Reports a task's progress as one comment on the Jira issue it came from,
// edited in place. The v2 comment API takes wiki markup on Jira Cloud and Data
// Center alike (v3 wants ADF and exists only on Cloud).
import type { Client } from "jira.js/core";
import { isFinal, type TaskSpec, type ThreadRef } from "../../../core/task-types";
import { unusableRequest } from "../../threads/errors";
import { renderJiraComment } from "./jira.progress";
import type { ThreadProgress, ThreadReporter } from "../../threads/types";
import { createJiraClient, jiraCall, type JiraSettings } from "./jira.client";

export const JIRA_REPORTER_SETTINGS = ["JIRA_BASE_URL", "JIRA_EMAIL", "JIRA_API_TOKEN"] as const;

const ISSUE_KEY = /^[A-Z][A-Z0-9_]*-\d+$/i;

export class JiraThreadReporter implements ThreadReporter {
  private client?: Client;

  constructor(private readonly config: JiraSettings) {}

  /** Built on first use, so malformed settings surface as a VendorApiError from post/update, not from the registry. */
  private get jira(): Client {
    this.client ??= createJiraClient(this.config);
    return this.client;
  }

  async post(spec: TaskSpec, progress: ThreadProgress): Promise<ThreadRef> {
    const key = issueKeyOf(spec);
    const url = `/rest/api/2/issue/${key}/comment`;
    const created = await jiraCall(this.config, `POST ${url}`, () =>
      this.jira.sendRequest<{ id: string }>({ url, method: "POST", body: { body: renderJiraComment(progress) } }),
    );
    const base = (this.config.JIRA_BASE_URL ?? "").replace(/\/+$/, "");
    return { id: String(created.id), url: `${base}/browse/${key}?focusedCommentId=${created.id}` };
  }

  async update(spec: TaskSpec, ref: ThreadRef, progress: ThreadProgress): Promise<void> {
    const key = issueKeyOf(spec);
    if (!/^\d+$/.test(ref.id)) throw unusableRequest("jira", `"${ref.id}" is not a comment id`);
    const url = `/rest/api/2/issue/${key}/comment/${ref.id}`;
    await jiraCall(this.config, `PUT ${url}`, () =>
      this.jira.sendRequest({
        url,
        method: "PUT",
        // Watchers hear about the comment once when it is created and once when the task ends, not on every step.
        searchParams: { notifyUsers: isFinal(progress.status) },
        body: { body: renderJiraComment(progress) },
      }),
    );
  }
}

function issueKeyOf(spec: TaskSpec): string {
  const key = spec.subject.ticketKey;
  if (!key || !ISSUE_KEY.test(key)) throw unusableRequest("jira", `task ${spec.id} has no issue key`);
  return key;
}
