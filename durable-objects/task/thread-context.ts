// Context from the thread a task came from, taken from the stored raw payload:
// the issue or pull request a comment was made on, the Jira ticket's description,
// the Sentry issue's culprit. The comment itself is already the task's request.
const MAX_CONTEXT = 4_000;

// biome-ignore lint/suspicious/noExplicitAny: a stored vendor payload, read field by field with typeof checks
type Payload = Record<string, any>;

function clip(text: string): string {
  return text.length > MAX_CONTEXT ? `${text.slice(0, MAX_CONTEXT)}…` : text;
}

function describe(vendor: string, eventType: string, p: Payload): string | undefined {
  if (vendor === "github") {
    const item = p.issue ?? p.pull_request;
    if (!item || !["issue_comment", "pull_request_review_comment", "pull_request_review"].includes(eventType)) return undefined;
    const kind = p.issue?.pull_request || p.pull_request ? "Pull request" : "Issue";
    const where = p.comment?.path ? `\nThe comment is on ${p.comment.path}${p.comment.line ? ` line ${p.comment.line}` : ""}.` : "";
    return `${kind} #${item.number}: ${item.title}\n${item.body ?? "(no description)"}${where}`;
  }
  if (vendor === "jira" && p.issue?.fields) {
    const description = typeof p.issue.fields.description === "string" ? p.issue.fields.description : "";
    return `Jira ${p.issue.key}: ${p.issue.fields.summary}\n${description}`;
  }
  if (vendor === "sentry" && p.data?.issue) {
    const issue = p.data.issue;
    return `Sentry ${issue.shortId ?? issue.id}: ${issue.title}\nCulprit: ${issue.culprit ?? "unknown"}\n${issue.metadata?.filename ? `File: ${issue.metadata.filename}` : ""}`;
  }
  return undefined;
}

export async function threadContext(bucket: R2Bucket, payloadRef: string, vendor: string, eventType: string): Promise<string | undefined> {
  if (!payloadRef) return undefined;
  const object = await bucket.get(payloadRef);
  if (!object) return undefined;
  try {
    const text = describe(vendor, eventType, (await object.json()) as Payload);
    return text && clip(text.trim());
  } catch {
    // A payload that is not the JSON we stored gives no context; the task still runs.
    return undefined;
  }
}
