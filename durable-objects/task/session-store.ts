// A task's CLI session, kept in R2 between turns so the next turn resumes it in whichever
// container runs it (after the container slept, was evicted, or the runner restarted).
// One object per saved attempt under `sessions/<taskId>/`; only the latest is kept.
import { type SessionBundle, sessionBundleSchema } from "../../core/runner-protocol";

export const SESSION_PREFIX = "sessions/";

export function sessionKey(taskId: string, attempt: number): string {
  return `${SESSION_PREFIX}${encodeURIComponent(taskId)}/${attempt}.json`;
}

/** Stores the attempt's session and drops the one it replaces; returns the new key. */
export async function saveSession(
  bucket: R2Bucket,
  taskId: string,
  attempt: number,
  bundle: SessionBundle,
  previousKey?: string,
): Promise<string> {
  const key = sessionKey(taskId, attempt);
  await bucket.put(key, JSON.stringify(bundle), { httpMetadata: { contentType: "application/json" } });
  if (previousKey && previousKey !== key) await bucket.delete(previousKey);
  return key;
}

/** The saved session, or why there is none usable (missing, or not a bundle: it came from the agent's user). */
export async function loadSession(bucket: R2Bucket, key: string): Promise<{ bundle: SessionBundle } | { missing: string }> {
  const object = await bucket.get(key);
  if (!object) return { missing: `no saved session at ${key}` };
  const parsed = sessionBundleSchema.safeParse(await object.json().catch(() => undefined));
  return parsed.success ? { bundle: parsed.data } : { missing: `the saved session is unreadable: ${parsed.error.issues[0]?.message}` };
}
