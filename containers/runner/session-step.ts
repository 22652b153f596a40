// The run's two session steps: before the CLI starts, restore the previous turn's session so the
// CLI resumes it; after every agent process is gone, save the session the CLI named. Neither
// ever fails the run: a session that cannot be restored is a fresh one, said in a warning that
// starts with "session not resumed:", and one that cannot be saved is said in one that starts with
// "session … not saved:" (the TaskAgent then carries the earlier turns in the next prompt).
import { errorMessage } from "../../core/error-message";
import type { RunnerEventInput, RunRequest, SessionBundle } from "../../core/runner-protocol";
import type { CliAdapter } from "./cli-adapter";
import { captureSession, restoreSession } from "./session";
import type { RunDirs } from "./workspace";

type Emit = (event: RunnerEventInput) => void;

/** The session id to pass to `--resume`, or undefined for a fresh session. */
export async function restoreForResume(request: RunRequest, adapter: CliAdapter, dirs: RunDirs, emit: Emit): Promise<string | undefined> {
  if (!request.resume) return undefined;
  try {
    const id = await restoreSession(adapter, request.resume, dirs);
    emit({ type: "log", level: "info", message: `resuming ${adapter.displayName} session ${id}` });
    return id;
  } catch (error) {
    emit({ type: "log", level: "warn", message: `session not resumed: ${errorMessage(error)}; starting a fresh session` });
    return undefined;
  }
}

/** The CLI's session as a bundle for GET /runs/:taskId/session; undefined when there is none to save. */
export async function saveSession(adapter: CliAdapter, dirs: RunDirs, sessionId: string, emit: Emit): Promise<SessionBundle | undefined> {
  try {
    const captured = await captureSession(adapter, dirs.home, sessionId);
    if (captured && "refused" in captured) emit({ type: "log", level: "warn", message: captured.refused });
    return captured && "bundle" in captured ? captured.bundle : undefined;
  } catch (error) {
    emit({ type: "log", level: "warn", message: `session ${sessionId} not saved: ${errorMessage(error)}` });
    return undefined;
  }
}
