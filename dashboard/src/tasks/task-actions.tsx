// Cancel and Retry. Each is enabled only when the task allows it (the Worker
// answers 409 otherwise), and an error from the Worker is shown beside them.
import { useState } from "react";
import { FINAL_STATUSES, RETRYABLE_STATUSES, type TaskState, type TaskStatus } from "../../../core/task-types";
import { useApi } from "../auth/session";
import { errorText } from "../components/states";

export function canCancel(status: TaskStatus | null): boolean {
  return status !== null && !FINAL_STATUSES.includes(status);
}

export function canRetry(status: TaskStatus | null): boolean {
  return status !== null && RETRYABLE_STATUSES.includes(status);
}

export function TaskActions({
  taskId,
  status,
  onState,
}: {
  taskId: string;
  status: TaskStatus | null;
  onState: (state: TaskState) => void;
}) {
  const api = useApi();
  const [busy, setBusy] = useState<"cancel" | "retry" | null>(null);
  const [error, setError] = useState<string | null>(null);

  async function run(action: "cancel" | "retry") {
    setBusy(action);
    setError(null);
    try {
      const { state } = action === "cancel" ? await api.cancelTask(taskId) : await api.retryTask(taskId);
      onState(state);
    } catch (failure) {
      setError(`${action === "cancel" ? "Cancel" : "Retry"} failed: ${errorText(failure)}`);
    } finally {
      setBusy(null);
    }
  }

  return (
    <div className="task-actions">
      <div className="button-row">
        <button type="button" className="button button-danger" disabled={!canCancel(status) || busy !== null} onClick={() => run("cancel")}>
          {busy === "cancel" ? "Cancelling…" : "Cancel"}
        </button>
        <button type="button" className="button" disabled={!canRetry(status) || busy !== null} onClick={() => run("retry")}>
          {busy === "retry" ? "Retrying…" : "Retry"}
        </button>
      </div>
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
