// The pull request a task opened is one of its threads: a comment there is the task's next turn
// (workers/queue/follow-up.ts finds tasks by their `task_for` edges), not a new task.
import { errorMessage } from "../../core/error-message";
import type { TaskSpec } from "../../core/task-types";
import { recordTaskEntity } from "../../workers/graph/task-link";
import type { TaskLog } from "./thread-sync";

/** `https://github.com/o/r/pull/12` → 12 (the URL GitHub returns for the pull request). */
function pullRequestNumberOf(url: string): number | undefined {
  const match = /\/pull\/(\d+)\/?$/.exec(url);
  return match ? Number(match[1]) : undefined;
}

/** Links the task to the pull request it opened; a graph failure is logged, never fatal. */
export async function linkOpenedPullRequest(db: D1Database, spec: TaskSpec, url: string, log: TaskLog): Promise<void> {
  const number = pullRequestNumberOf(url);
  const repository = spec.subject.repository;
  if (number === undefined || !repository || spec.subject.pullRequestNumber === number) return;
  try {
    await recordTaskEntity(
      db,
      { taskId: spec.id, subject: { repository, pullRequestNumber: number }, deliveryId: spec.deliveryId },
      Date.now(),
    );
  } catch (error) {
    log("warn", `could not link pull request #${number} to the task: ${errorMessage(error)}`);
  }
}
