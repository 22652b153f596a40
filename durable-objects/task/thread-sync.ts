// Keeps every thread of a task in step with it: the thread it came from and those of
// the events that joined it. One tracking message per thread, posted once, then edited.
// A vendor failure is logged, never fatal to the task.
import { errorMessage } from "../../core/error-message";
import type { TaskSpec, TaskState, ThreadRef } from "../../core/task-types";
import type { Config } from "../../workers/config";
import { redact } from "../../workers/observability/log";
import { missingReporterSettings, reporterFor } from "../../workers/threads/registry";
import { threadProgress } from "./thread-progress";

export type TaskLog = (level: "info" | "warn", message: string) => void;

/** Tracking messages this sync posted: the origin thread's, and joined threads' by delivery id. */
export interface PostedThreads {
  origin?: ThreadRef;
  joined: Map<string, ThreadRef>;
}

export async function syncThreads(state: TaskState, config: Config, log: TaskLog): Promise<PostedThreads> {
  const posted: PostedThreads = { joined: new Map() };
  const spec = state.spec;
  if (!spec) return posted;
  posted.origin = await syncThread(state, config, log, spec, state.thread, spec.deliveryId);
  for (const join of state.joined ?? []) {
    // A joined thread is reported to as if the task had come from it.
    const threadSpec: TaskSpec = {
      ...spec,
      vendor: join.vendor,
      eventType: join.eventType,
      subject: join.subject,
      subjectText: join.subjectText,
      links: join.links,
      deliveryId: join.deliveryId,
    };
    const thread = await syncThread(state, config, log, threadSpec, join.thread, join.deliveryId);
    if (thread) posted.joined.set(join.deliveryId, thread);
  }
  return posted;
}

/** Posts or edits the tracking message in one thread; returns the message when it was just posted. */
async function syncThread(
  state: TaskState,
  config: Config,
  log: TaskLog,
  spec: TaskSpec,
  current: ThreadRef | null,
  threadOf: string,
): Promise<ThreadRef | undefined> {
  if (spec.vendor === "api") return undefined;
  const reporter = reporterFor(spec.vendor, config);
  if (!reporter) {
    if (!current) log("info", `not reporting to ${spec.vendor}: set ${missingReporterSettings(spec.vendor, config).join(", ")}`);
    return undefined;
  }
  const progress = threadProgress(state, config, threadOf);
  try {
    if (current) {
      await reporter.update(spec, current, progress);
      return undefined;
    }
    const thread = await reporter.post(spec, progress);
    log("info", `tracking message posted in the ${spec.vendor} thread${thread.url ? `: ${thread.url}` : ""}`);
    return thread;
  } catch (error) {
    log("warn", `could not update the ${spec.vendor} thread: ${redact(errorMessage(error), config)}`);
    return undefined;
  }
}
