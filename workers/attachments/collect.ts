// The files attached to a triggering message, fetched by the platform, type-checked by their
// bytes and kept with the task in R2 (`attachments/<taskId>/<name>`), within ATTACHMENT_MAX_FILES,
// ATTACHMENT_MAX_BYTES each and ATTACHMENT_MAX_TOTAL_BYTES together. What is left out gets a
// note that the prompt carries. Names are deterministic, so a retried delivery rewrites the same objects.
import type { AgentEvent } from "../../core/agent-event";
import { MAX_ATTACHMENTS_BYTES } from "../../core/runner-protocol";
import type { TaskAttachment } from "../../core/task-types";
import type { Config } from "../config";
import { describeUrl, fetchAttachment, formatBytes } from "./fetch";
import { sniff } from "./sniff";
import { candidatesFor, hostRule } from "./sources";

export interface Collected {
  attachments: TaskAttachment[];
  skipped: string[];
}

/** Notes kept on what was left out; a ticket with a hundred files gets a count for the rest. */
const MAX_NOTES = 20;

type Limits = Pick<Config, "ATTACHMENT_MAX_FILES" | "ATTACHMENT_MAX_BYTES" | "ATTACHMENT_MAX_TOTAL_BYTES">;

/** `Screen Shot 1.png` → `Screen_Shot_1`: the message's name for the file (else the URL's last segment) as a safe path segment. */
function stem(name: string, url: string): string {
  const fromUrl = decodeURIComponent(new URL(url).pathname.split("/").pop() ?? "");
  const base = name.trim() || fromUrl;
  const clean = base
    .replace(/\.[A-Za-z0-9]{1,8}$/, "")
    .replace(/[^A-Za-z0-9._-]+/g, "_")
    .replace(/^[._-]+/, "")
    .slice(0, 60);
  return clean || "attachment";
}

export async function collectAttachments(
  event: AgentEvent,
  payload: Record<string, unknown>,
  taskId: string,
  bucket: R2Bucket,
  config: Config & Limits,
  fetcher: typeof fetch = fetch,
): Promise<Collected> {
  const rule = hostRule(event.vendor, config);
  const candidates = candidatesFor(event, payload, rule);
  const collected: Collected = { attachments: [], skipped: [] };
  const maxTotal = Math.min(config.ATTACHMENT_MAX_TOTAL_BYTES, MAX_ATTACHMENTS_BYTES);
  let total = 0;
  for (const candidate of candidates) {
    const label = `${candidate.name.slice(0, 100) || "a file"} (${describeUrl(candidate.url).slice(0, 300)})`;
    if (collected.attachments.length >= config.ATTACHMENT_MAX_FILES) {
      collected.skipped.push(`${label}: over the limit of ${config.ATTACHMENT_MAX_FILES} files`);
      continue;
    }
    const fetched = await fetchAttachment(candidate.url, rule, config.ATTACHMENT_MAX_BYTES, fetcher);
    if (!fetched.ok) {
      collected.skipped.push(`${label}: ${fetched.reason}`);
      continue;
    }
    if (total + fetched.bytes.byteLength > maxTotal) {
      collected.skipped.push(`${label}: would take the attachments over their ${formatBytes(maxTotal)} total`);
      continue;
    }
    const type = sniff(fetched.bytes, candidate.name);
    if (!type) {
      collected.skipped.push(`${label}: not an image, PDF or text file by its content`);
      continue;
    }
    const name = `${collected.attachments.length + 1}-${stem(candidate.name, candidate.url)}.${type.extension}`;
    const key = `attachments/${taskId}/${name}`;
    await bucket.put(key, fetched.bytes, { httpMetadata: { contentType: type.contentType } });
    total += fetched.bytes.byteLength;
    collected.attachments.push({
      name,
      key,
      contentType: type.contentType,
      size: fetched.bytes.byteLength,
      source: describeUrl(candidate.url),
    });
  }
  if (collected.skipped.length > MAX_NOTES) {
    const more = collected.skipped.length - MAX_NOTES;
    collected.skipped = [...collected.skipped.slice(0, MAX_NOTES), `and ${more} more file${more === 1 ? "" : "s"}`];
  }
  return collected;
}
