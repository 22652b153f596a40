// The task's attachments as the runner gets them: read from R2 for each attempt and sent inline
// in the run request (base64). At most MAX_ATTACHMENTS_BYTES together, which the runner's body
// limit makes room for; inline keeps the runner free of any credential to fetch them with.
import { Buffer } from "node:buffer";
import type { Attachment } from "../../core/runner-protocol";
import type { TaskSpec } from "../../core/task-types";

export interface LoadedAttachments {
  files: Attachment[];
  /** Names whose object is gone from R2 (a retention sweep, a manual delete). */
  missing: string[];
}

export async function loadAttachments(bucket: R2Bucket, spec: TaskSpec): Promise<LoadedAttachments> {
  const loaded: LoadedAttachments = { files: [], missing: [] };
  for (const attachment of spec.attachments ?? []) {
    const object = await bucket.get(attachment.key);
    if (!object) {
      loaded.missing.push(attachment.name);
      continue;
    }
    const data = Buffer.from(await object.arrayBuffer()).toString("base64");
    loaded.files.push({ name: attachment.name, contentType: attachment.contentType, data });
  }
  return loaded;
}
