// The branch a task works on when no pull request gives it one.
export function branchFor(taskId: string): string {
  return `agent-bot/${taskId}`;
}
