// Whether an approval changes a read-only task (the TaskAgent applies it; thread-progress.ts shows it).
import { isFinal, type TaskApproval, type TaskState } from "../../core/task-types";

export interface ApprovalResult {
  /** Whether this approval holds: just recorded, or recorded before from the same delivery. */
  approved: boolean;
  message: string;
}

/** Why the approval changes nothing, or undefined when the TaskAgent should record it. */
export function approvalRefusal(state: TaskState, approval: TaskApproval, budgetUsd: number): ApprovalResult | undefined {
  if (!state.spec) return { approved: false, message: "no such task" };
  if (state.approval) {
    // A retried delivery finds its own approval: that is success, not a second approval.
    return { approved: state.approval.deliveryId === approval.deliveryId, message: `already approved by ${state.approval.by}` };
  }
  if (!state.spec.readOnly) return { approved: false, message: "the task is not read-only" };
  if (isFinal(state.status) && state.costUsd >= budgetUsd) {
    return { approved: false, message: `the task has spent $${state.costUsd.toFixed(2)} of its $${budgetUsd.toFixed(2)} budget` };
  }
  return undefined;
}
