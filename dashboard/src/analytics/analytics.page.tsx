// Analytics over a chosen range: tasks per day by vendor, success rate, p50/p95
// duration, cost per day, top repositories. Lazy-loaded with its charts.
import { useLocation, useSearch } from "wouter";
import type { Analytics } from "../../../core/api-types";
import { useApi } from "../auth/session";
import { Empty, ErrorMessage, Loading } from "../components/states";
import { formatCount, formatDuration, formatPercent, formatUsd } from "../lib/format";
import { useAsync } from "../lib/use-async";
import { CostPerDayChart, TasksPerDayChart } from "./analytics-charts";
import { costSeries, RANGES, rangeFor, tasksPerDayByVendor, type RangeDays } from "./analytics-data";

function rangeFromSearch(search: string): RangeDays {
  const days = Number(new URLSearchParams(search).get("days"));
  return (RANGES as readonly number[]).includes(days) ? (days as RangeDays) : 7;
}

function Stat({ label, value, testId }: { label: string; value: string; testId: string }) {
  return (
    <div className="stat" data-testid={testId}>
      <dt>{label}</dt>
      <dd>{value}</dd>
    </div>
  );
}

export default function AnalyticsPage() {
  const api = useApi();
  const search = useSearch();
  const [location, navigate] = useLocation();
  const days = rangeFromSearch(search);
  const range = rangeFor(days);
  const analytics = useAsync((signal) => api.analytics(range, signal), [range.from, range.to]);
  const data = analytics.data;

  return (
    <section className="page" aria-labelledby="analytics-title">
      <div className="page-header">
        <h1 id="analytics-title">Analytics</h1>
        <fieldset className="segmented">
          <legend className="visually-hidden">Range</legend>
          {RANGES.map((option) => (
            <label key={option} className={option === days ? "selected" : undefined}>
              <input
                type="radio"
                name="range"
                value={option}
                checked={option === days}
                onChange={() => navigate(`${location}?days=${option}`, { replace: true })}
              />
              {option} days
            </label>
          ))}
        </fieldset>
      </div>

      {analytics.loading && !data ? (
        <Loading label="Loading analytics…" />
      ) : analytics.error ? (
        <ErrorMessage error={analytics.error} title="Could not load analytics" onRetry={analytics.reload} />
      ) : data ? (
        <AnalyticsView data={data} />
      ) : null}
    </section>
  );
}

export function AnalyticsView({ data }: { data: Analytics }) {
  const perDay = tasksPerDayByVendor(data);
  const cost = costSeries(data);
  const { summary } = data;
  return (
    <>
      <p className="muted small">
        {data.from} to {data.to} (UTC)
      </p>
      <dl className="stats" aria-label="Summary">
        <Stat label="Tasks" value={formatCount(summary.tasks)} testId="stat-tasks" />
        <Stat label="Success rate" value={formatPercent(summary.successRate)} testId="stat-success-rate" />
        <Stat label="p50 duration" value={formatDuration(summary.p50DurationMs)} testId="stat-p50" />
        <Stat label="p95 duration" value={formatDuration(summary.p95DurationMs)} testId="stat-p95" />
        <Stat label="Cost" value={formatUsd(summary.costUsd)} testId="stat-cost" />
        <Stat
          label="Failed · cancelled · timed out"
          value={`${formatCount(summary.failed)} · ${formatCount(summary.cancelled)} · ${formatCount(summary.timedOut)}`}
          testId="stat-unsuccessful"
        />
      </dl>

      <div className="chart-grid">
        <figure className="card chart" aria-labelledby="chart-tasks-title" data-testid="chart-tasks-per-day">
          <figcaption id="chart-tasks-title">Tasks per day by vendor</figcaption>
          {summary.tasks === 0 ? <Empty>No tasks in this range.</Empty> : <TasksPerDayChart vendors={perDay.vendors} rows={perDay.rows} />}
        </figure>
        <figure className="card chart" aria-labelledby="chart-cost-title" data-testid="chart-cost-per-day">
          <figcaption id="chart-cost-title">Cost per day</figcaption>
          {summary.costUsd === 0 ? <Empty>No cost recorded in this range.</Empty> : <CostPerDayChart rows={cost} />}
        </figure>
      </div>

      <section className="card" aria-labelledby="top-repos-title">
        <h2 id="top-repos-title">Top repositories</h2>
        {data.topRepositories.length === 0 ? (
          <Empty>No repositories in this range.</Empty>
        ) : (
          <div className="table-wrap">
            <table className="table table-cards" aria-labelledby="top-repos-title">
              <thead>
                <tr>
                  <th scope="col">Repository</th>
                  <th scope="col" className="num">
                    Tasks
                  </th>
                  <th scope="col" className="num">
                    Succeeded
                  </th>
                  <th scope="col" className="num">
                    Success rate
                  </th>
                  <th scope="col" className="num">
                    Cost
                  </th>
                </tr>
              </thead>
              <tbody>
                {data.topRepositories.map((repo) => (
                  <tr key={repo.repository}>
                    <td data-label="Repository">{repo.repository}</td>
                    <td data-label="Tasks" className="num">
                      {formatCount(repo.tasks)}
                    </td>
                    <td data-label="Succeeded" className="num">
                      {formatCount(repo.succeeded)}
                    </td>
                    <td data-label="Success rate" className="num">
                      {formatPercent(repo.successRate)}
                    </td>
                    <td data-label="Cost" className="num">
                      {formatUsd(repo.costUsd)}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </>
  );
}
