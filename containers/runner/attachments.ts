// The request's attachments as files the agent can read: `<run>/attachments/<name>`, beside the
// workspace and outside the repository's tree, so nothing the agent commits can include them.
// The folder and files belong to the run's agent user (0700/0600), like its workspace, and go
// with the run's directory when it ends. Names were checked by the protocol's schema
// (a plain file name), and the platform fetched and type-checked the bytes.
import { Buffer } from "node:buffer";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { RunRequest } from "../../core/runner-protocol";
import { type AgentUser, chownTree } from "./agent-user";

export type WrittenAttachment = { path: string; contentType: string; size: number };

export async function writeAttachments(runRoot: string, request: RunRequest, user: AgentUser): Promise<WrittenAttachment[]> {
  const files = request.attachments ?? [];
  if (files.length === 0) return [];
  const dir = join(runRoot, "attachments");
  await mkdir(dir, { mode: 0o700 });
  const written: WrittenAttachment[] = [];
  for (const file of files) {
    const bytes = Buffer.from(file.data, "base64");
    const path = join(dir, file.name);
    await writeFile(path, bytes, { mode: 0o600, flag: "wx" });
    written.push({ path, contentType: file.contentType, size: bytes.byteLength });
  }
  await chownTree(dir, user);
  return written;
}
