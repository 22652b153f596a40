// What a new task takes from its triggering message beyond the typed event: the CLI and model
// it asks for (workers/integrations/agent-choice.ts) and the files attached to it
// (workers/attachments/). Both read the stored raw payload: labels the event does not carry (a
// `labeled` delivery names only the new label) and the vendors' file lists.
import type { AgentEvent } from "../../core/agent-event";
import type { TaskSpec } from "../../core/task-types";
import { collectAttachments } from "../attachments/collect";
import { errorMessage } from "../../core/error-message";
import type { Config } from "../config";
import { parseAgentChoice, resolveAgentChoice } from "../integrations/agent-choice";
import { repositorySettings } from "../integrations/github/app/repository-access";
import { logLine } from "../observability/log";

// biome-ignore lint/suspicious/noExplicitAny: a stored vendor payload, read field by field with typeof checks
type Payload = Record<string, any>;

async function readPayload(bucket: R2Bucket, key: string): Promise<Payload> {
  if (!key) return {};
  const object = await bucket.get(key);
  if (!object) return {};
  try {
    const payload = await object.json();
    return payload && typeof payload === "object" ? (payload as Payload) : {};
  } catch {
    return {};
  }
}

/** Every label on the issue, pull request or ticket, not only the one a delivery added. */
function allLabels(event: AgentEvent, payload: Payload): string[] {
  const names = (list: unknown) =>
    Array.isArray(list) ? list.map((l) => (typeof l === "string" ? l : l?.name)).filter((n): n is string => typeof n === "string") : [];
  const fromPayload =
    event.vendor === "github"
      ? names((payload.issue ?? payload.pull_request)?.labels)
      : event.vendor === "jira"
        ? names(payload.issue?.fields?.labels)
        : [];
  return [...new Set([...event.labels, ...fromPayload])];
}

/** Sets the spec's CLI and model (or the refusal of the choice), strips the control tokens, and collects the attachments. */
export async function addTaskInputs(spec: TaskSpec, event: AgentEvent, env: Env, config: Config): Promise<void> {
  const payload = await readPayload(env.PAYLOADS, event.payloadRef);
  // Text no permitted person wrote (a Sentry error's message, an outsider's comment) chooses nothing.
  const trusted = !spec.untrusted?.request;
  const choice = parseAgentChoice(trusted ? spec.prompt : "", allLabels(event, payload), config.LABEL_PREFIX);
  const resolved = resolveAgentChoice(choice, config);
  if (trusted) spec.prompt = choice.text || spec.title;
  if (resolved.cli) spec.cli = resolved.cli;
  if (resolved.model) spec.model = resolved.model;
  if (resolved.refusal) {
    spec.refusal = resolved.refusal;
    return;
  }
  const { attachments, skipped } = await collectAttachments(
    event,
    payload,
    spec.id,
    env.PAYLOADS,
    await attachmentConfig(event, env, config),
  );
  if (attachments.length) spec.attachments = attachments;
  if (skipped.length) spec.skippedAttachments = skipped;
}

/** Reading a GitHub event's files needs no more than reading its repository. */
const ATTACHMENT_PERMISSIONS = { contents: "read", issues: "read", metadata: "read" } as const;

/**
 * The config the attachment fetcher reads GitHub with: in App mode, with an installation token for
 * the event's repository that can only read. Without one, public files are still fetched.
 */
async function attachmentConfig(event: AgentEvent, env: Env, config: Config): Promise<Config> {
  const repository = event.vendor === "github" ? event.subject.repository : undefined;
  if (!repository) return config;
  try {
    const settings = await repositorySettings(env, config, repository, ATTACHMENT_PERMISSIONS);
    return { ...config, GITHUB_TOKEN: settings.GITHUB_TOKEN };
  } catch (error) {
    logLine("warn", { kind: "attachment_token_failed", repository, error: errorMessage(error) });
    return config;
  }
}
