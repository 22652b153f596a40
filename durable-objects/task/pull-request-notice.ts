// What the thread says about how the task treats its pull request (kept apart from the
// head lookup, which the thread renderer must not import).
import type { TaskState } from "../../core/task-types";

/** The thread's note on how the task treats its pull request. */
export function pullRequestNotice(state: Pick<TaskState, "spec" | "pullRequest">): string | undefined {
  const spec = state.spec;
  if (spec?.vendor !== "github" || !spec.pullRequest) return undefined;
  if (spec.mode === "review") return "Review mode: it reads the pull request and posts one review; nothing is pushed.";
  const head = state.pullRequest;
  if (!head) return undefined;
  if (head.fork) {
    return `This pull request comes from the fork ${head.headRepository ?? "(deleted)"}: agent-bot answers and may suggest changes, but pushes nothing to it.`;
  }
  return `Commits go to the pull request's head branch ${head.headRef}; no new pull request is opened.`;
}
