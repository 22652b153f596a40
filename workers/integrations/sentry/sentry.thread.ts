// Reports a task's progress as one comment (a "note") on the Sentry issue it
// came from, edited in place through the issue comments API.
import type { TaskSpec, ThreadRef } from "../../../core/task-types";
import { unusableRequest } from "../../threads/errors";
import { renderSentryComment } from "./sentry.progress";
import type { ThreadProgress, ThreadReporter } from "../../threads/types";
import { sentryRequest, type SentrySettings } from "./sentry.client";

export const SENTRY_REPORTER_SETTINGS = ["SENTRY_AUTH_TOKEN"] as const;

/** What Sentry answers for a comment: an activity of type `note`. */
interface SentryNote {
  id: string;
  type?: string;
  data?: { text?: string };
}

export class SentryThreadReporter implements ThreadReporter {
  constructor(private readonly config: SentrySettings) {}

  async post(spec: TaskSpec, progress: ThreadProgress): Promise<ThreadRef> {
    const issueId = issueIdOf(spec);
    const note = await sentryRequest<SentryNote>(this.config, "POST", `issues/${issueId}/comments/`, {
      text: renderSentryComment(progress),
    });
    if (!note?.id) throw unusableRequest("sentry", "the comments API answered without a comment id");
    return { id: String(note.id) };
  }

  async update(spec: TaskSpec, ref: ThreadRef, progress: ThreadProgress): Promise<void> {
    const issueId = issueIdOf(spec);
    if (!/^\d+$/.test(ref.id)) throw unusableRequest("sentry", `"${ref.id}" is not a comment id`);
    await sentryRequest(this.config, "PUT", `issues/${issueId}/comments/${ref.id}/`, { text: renderSentryComment(progress) });
  }
}

function issueIdOf(spec: TaskSpec): string {
  const id = spec.subject.sentryIssueId;
  if (!id || !/^\d+$/.test(id)) throw unusableRequest("sentry", `task ${spec.id} has no numeric Sentry issue id`);
  return id;
}
