// One task: status and timeline, attempts with cost, tokens and duration, skills,
// links to the vendor thread and the pull request, Cancel/Retry, and the live log.
// The socket also carries the TaskAgent's state, so the page follows it live.
import { useCallback, useState } from "react";
import { Link } from "wouter";
import type { TaskDetail } from "../../../core/api-types";
import type { TaskState } from "../../../core/task-types";
import { ApiError } from "../api/api-client";
import { useApi } from "../auth/session";
import { ErrorMessage, Loading } from "../components/states";
import { StatusBadge } from "../components/status-badge";
import { formatCount, formatDuration, formatTime, formatUsd, humanize } from "../lib/format";
import { useAsync } from "../lib/use-async";
import { LiveLog } from "./live-log";
import { TaskActions } from "./task-actions";
import { TaskTurns } from "./task-turns";

function ExternalLink({ href, children }: { href: string; children: React.ReactNode }) {
  return (
    <a href={href} target="_blank" rel="noreferrer noopener">
      {children}
      <span className="visually-hidden"> (opens in a new tab)</span>
    </a>
  );
}

function links(detail: TaskDetail, state: TaskState): { label: string; href: string }[] {
  const found: { label: string; href: string }[] = [];
  const add = (label: string, href: string | null | undefined) => {
    if (href && /^https?:\/\//.test(href) && !found.some((link) => link.href === href)) found.push({ label, href });
  };
  add("Pull request", state.result?.pullRequestUrl ?? detail.task.pullRequestUrl);
  add("Tracking message", state.thread?.url);
  for (const link of state.spec?.links ?? []) add(`${state.spec?.vendor ?? detail.task.vendor} thread`, link);
  add(`${detail.task.vendor} thread`, detail.task.url);
  return found;
}

export function TaskPage({ id }: { id: string }) {
  const api = useApi();
  const detail = useAsync((signal) => api.getTask(id, signal), [id]);
  const [liveState, setLiveState] = useState<TaskState | null>(null);
  const onState = useCallback((state: TaskState) => setLiveState(state), []);

  if (detail.loading && !detail.data) return <Loading label="Loading the task…" />;
  if (detail.error || !detail.data) {
    const missing = detail.error instanceof ApiError && detail.error.status === 404;
    return (
      <section className="page">
        <h1>Task</h1>
        <ErrorMessage
          error={detail.error}
          title={missing ? "No such task" : "Could not load the task"}
          onRetry={missing ? undefined : detail.reload}
        />
        <p>
          <Link href="/tasks">Back to the tasks</Link>
        </p>
      </section>
    );
  }

  const data = detail.data;
  const state = liveState ?? data.state;
  const status = state.status ?? data.task.status;
  const spec = state.spec;
  const skills = state.skills.length ? state.skills : (spec?.skills ?? []);
  const taskLinks = links(data, state);

  return (
    <article className="page task-page" aria-labelledby="task-title">
      <p className="breadcrumb">
        <Link href="/tasks">Tasks</Link> / <span className="mono">{id}</span>
      </p>
      <div className="page-header">
        <h1 id="task-title">{spec?.title ?? data.task.title}</h1>
        <StatusBadge value={status} />
      </div>

      <TaskActions taskId={id} status={status} onState={onState} />

      <div className="task-grid">
        <section className="card" aria-labelledby="task-about">
          <h2 id="task-about">About</h2>
          <dl className="facts">
            <dt>From</dt>
            <dd>
              {data.task.vendor} · {data.task.eventType}
              {spec?.action ? ` (${spec.action})` : ""}
            </dd>
            <dt>Repository</dt>
            <dd>{spec?.subject.repository ?? data.task.repository ?? "—"}</dd>
            {data.task.actor && (
              <>
                <dt>Actor</dt>
                <dd>{data.task.actor}</dd>
              </>
            )}
            <dt>CLI</dt>
            <dd>{spec?.cli ?? data.task.cli ?? "default"}</dd>
            <dt>Model</dt>
            <dd data-testid="task-model">{spec?.model ?? "default"}</dd>
            {spec?.attachments?.length ? (
              <>
                <dt>Attachments</dt>
                <dd data-testid="task-attachments">{spec.attachments.map((a) => a.name).join(", ")}</dd>
              </>
            ) : null}
            <dt>Created</dt>
            <dd>{formatTime(spec?.createdAt ?? data.task.createdAt)}</dd>
            <dt>Total cost</dt>
            <dd>{formatUsd(state.costUsd)}</dd>
            <dt>Skills</dt>
            <dd data-testid="task-skills">{skills.length ? skills.join(", ") : "none"}</dd>
            {spec?.readOnly && (
              <>
                <dt>Access</dt>
                <dd data-testid="task-access">
                  {state.approval
                    ? `may push: approved by ${state.approval.by} (${state.approval.via})`
                    : "read-only until a permitted person approves"}
                </dd>
              </>
            )}
            {state.waiting && (
              <>
                <dt>Waiting</dt>
                <dd>position {state.waiting.position} for a running slot</dd>
              </>
            )}
          </dl>
          {taskLinks.length > 0 && (
            <ul className="link-list" aria-label="Links">
              {taskLinks.map((link) => (
                <li key={link.href}>
                  <ExternalLink href={link.href}>{link.label}</ExternalLink>
                </li>
              ))}
            </ul>
          )}
          {spec?.reason && <p className="muted small">Why: {spec.reason}</p>}
        </section>

        <section className="card" aria-labelledby="task-timeline">
          <h2 id="task-timeline">Timeline</h2>
          {state.transitions.length === 0 ? (
            <p className="muted">No transitions yet.</p>
          ) : (
            <ol className="timeline" data-testid="timeline">
              {state.transitions.map((transition, index) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: transitions only grow at the end, and two can share a millisecond
                <li key={`${transition.at}-${index}`}>
                  <StatusBadge value={transition.status} />
                  <time dateTime={new Date(transition.at).toISOString()}>{formatTime(transition.at)}</time>
                  {transition.reason && <span className="timeline-reason">{transition.reason}</span>}
                </li>
              ))}
            </ol>
          )}
        </section>
      </div>

      {state.result && (
        <section className="card" aria-labelledby="task-result">
          <h2 id="task-result">Result</h2>
          <p className="pre">{state.result.summary || state.result.reason}</p>
          {state.result.change && (
            <p className="muted small">
              Branch <span className="mono">{state.result.change.branch}</span>, commit{" "}
              <span className="mono">{state.result.change.commitSha.slice(0, 7)}</span>: {state.result.change.filesChanged} file
              {state.result.change.filesChanged === 1 ? "" : "s"}, +{state.result.change.insertions} −{state.result.change.deletions}
            </p>
          )}
        </section>
      )}

      <TaskTurns conversation={state.conversation} status={status} />

      <section className="card" aria-labelledby="task-attempts">
        <h2 id="task-attempts">Attempts</h2>
        {state.attempts.length === 0 ? (
          <p className="muted">Not started yet.</p>
        ) : (
          <div className="table-wrap">
            <table className="table table-cards" aria-labelledby="task-attempts">
              <thead>
                <tr>
                  <th scope="col">#</th>
                  <th scope="col">Outcome</th>
                  <th scope="col">Started</th>
                  <th scope="col" className="num">
                    Duration
                  </th>
                  <th scope="col" className="num">
                    Cost
                  </th>
                  <th scope="col" className="num">
                    Tokens in
                  </th>
                  <th scope="col" className="num">
                    Tokens out
                  </th>
                  <th scope="col">Reason</th>
                </tr>
              </thead>
              <tbody>
                {state.attempts.map((attempt) => (
                  <tr key={attempt.n}>
                    <td data-label="#">{attempt.n}</td>
                    <td data-label="Outcome">
                      {attempt.outcome ? <StatusBadge value={attempt.outcome} /> : humanize(status ?? "running")}
                    </td>
                    <td data-label="Started">{formatTime(attempt.startedAt)}</td>
                    <td data-label="Duration" className="num">
                      {formatDuration(attempt.durationMs ?? (attempt.endedAt ? attempt.endedAt - attempt.startedAt : null))}
                    </td>
                    <td data-label="Cost" className="num">
                      {formatUsd(attempt.costUsd)}
                    </td>
                    <td data-label="Tokens in" className="num">
                      {formatCount(attempt.inputTokens)}
                    </td>
                    <td data-label="Tokens out" className="num">
                      {formatCount(attempt.outputTokens)}
                    </td>
                    <td data-label="Reason">{attempt.reason ?? ""}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>

      {spec?.prompt && (
        <details className="card">
          <summary>Prompt</summary>
          <p className="pre">{spec.prompt}</p>
        </details>
      )}

      <LiveLog taskId={id} onState={onState} />
    </article>
  );
}
