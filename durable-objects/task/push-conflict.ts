// A push the runner refused because the branch moved since the attempt checked it out (someone
// pushed to the pull request meanwhile). The runner never forces, so the attempt's commits are
// not on the branch: the task fails with a reason that says so, and a new mention starts over
// from the new head.
import type { RunnerEvent } from "../../core/runner-protocol";
import type { TaskStatus } from "../../core/task-types";

type ResultEvent = Extract<RunnerEvent, { type: "result" }>;

export function settleConflict(event: ResultEvent, branch: string): { outcome: TaskStatus; reason: string | undefined } {
  if (!event.conflict) return { outcome: event.outcome, reason: event.reason };
  return {
    outcome: "failed",
    reason: `conflict: ${branch} moved while the agent worked (someone pushed to it), so its commits were not pushed; nothing was forced. Ask again to work on the new head.`,
  };
}
