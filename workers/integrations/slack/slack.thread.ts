// Reports a task's progress as one reply in the Slack thread that asked for it,
// edited in place with chat.update.
import type { TaskSpec, ThreadRef } from "../../../core/task-types";
import { unusableRequest } from "../../threads/errors";
import { renderSlackText } from "./slack.progress";
import type { ThreadProgress, ThreadReporter } from "../../threads/types";
import { createSlackClient, slackCall, type SlackSettings } from "./slack.client";

/** Settings the reporter cannot work without (the API URL has a default). */
export const SLACK_REPORTER_SETTINGS = ["SLACK_BOT_TOKEN"] as const;

export class SlackThreadReporter implements ThreadReporter {
  private readonly client;

  constructor(private readonly config: SlackSettings) {
    this.client = createSlackClient(config);
  }

  async post(spec: TaskSpec, progress: ThreadProgress): Promise<ThreadRef> {
    const channel = channelOf(spec);
    const { threadTs, teamId } = spec.subject;
    const result = await slackCall(this.config, "chat.postMessage", () =>
      this.client.chat.postMessage({
        channel,
        ...(threadTs ? { thread_ts: threadTs } : {}),
        text: renderSlackText(progress),
        // The message links the live log and the pull request; previews of them would bury the status.
        unfurl_links: false,
        unfurl_media: false,
      }),
    );
    if (!result.ts) throw unusableRequest("slack", "chat.postMessage answered without a message ts");
    const thread = threadTs ?? result.ts;
    return {
      id: result.ts,
      url: teamId ? `https://app.slack.com/client/${teamId}/${channel}/thread/${channel}-${thread}` : undefined,
    };
  }

  async update(spec: TaskSpec, ref: ThreadRef, progress: ThreadProgress): Promise<void> {
    const channel = channelOf(spec);
    await slackCall(this.config, "chat.update", () => this.client.chat.update({ channel, ts: ref.id, text: renderSlackText(progress) }));
  }
}

function channelOf(spec: TaskSpec): string {
  if (!spec.subject.channelId) throw unusableRequest("slack", `task ${spec.id} has no channel`);
  return spec.subject.channelId;
}
