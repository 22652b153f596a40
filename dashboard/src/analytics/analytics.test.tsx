import { fireEvent, render, screen, waitFor } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import type { Analytics } from "../../../core/api-types";
import { fakeApi, json, renderWithApi, signedIn } from "../test/fake-api";
import { costSeries, daysBetween, rangeFor, tasksPerDayByVendor } from "./analytics-data";

// jsdom does no layout, so recharts cannot size itself: the charts are replaced at
// the module boundary by stand-ins that expose the data they were given.
vi.mock("./analytics-charts", () => ({
  TasksPerDayChart: (props: { vendors: string[]; rows: unknown[] }) => <pre data-testid="tasks-chart-data">{JSON.stringify(props)}</pre>,
  CostPerDayChart: (props: { rows: unknown[] }) => <pre data-testid="cost-chart-data">{JSON.stringify(props)}</pre>,
}));

const { default: AnalyticsPage } = await import("./analytics.page");

const sample: Analytics = {
  from: "2025-11-01",
  to: "2025-11-03",
  daily: [
    { day: "2025-11-01", vendor: "github", tasks: 3, succeeded: 2, failed: 1, costUsd: 0.3 },
    { day: "2025-11-01", vendor: "sentry", tasks: 1, succeeded: 1, failed: 0, costUsd: 0.1 },
    { day: "2025-11-03", vendor: "github", tasks: 2, succeeded: 2, failed: 0, costUsd: 0.2 },
    { day: "2025-11-03", vendor: "slack", tasks: 4, succeeded: 3, failed: 1, costUsd: 0.05 },
  ],
  summary: {
    tasks: 10,
    succeeded: 8,
    failed: 2,
    cancelled: 0,
    timedOut: 0,
    successRate: 0.8,
    p50DurationMs: 42_000,
    p95DurationMs: 185_000,
    costUsd: 0.65,
  },
  costPerDay: [
    { day: "2025-11-01", costUsd: 0.4 },
    { day: "2025-11-03", costUsd: 0.25 },
  ],
  topRepositories: [
    { repository: "Codertocat/Hello-World", tasks: 7, succeeded: 6, successRate: 6 / 7, costUsd: 0.5 },
    { repository: "acme/payments", tasks: 3, succeeded: 2, successRate: 1, costUsd: 0.15 },
  ],
};

describe("analytics data", () => {
  it("lists every day of the range, inclusive", () => {
    expect(daysBetween("2025-10-30", "2025-11-02")).toEqual(["2025-10-30", "2025-10-31", "2025-11-01", "2025-11-02"]);
    expect(daysBetween("2025-11-02", "2025-11-01")).toEqual([]);
  });

  it("computes the range of the last N UTC days", () => {
    expect(rangeFor(7, Date.parse("2025-11-10T23:30:00Z"))).toEqual({ from: "2025-11-04", to: "2025-11-10" });
    expect(rangeFor(30, Date.parse("2025-11-10T00:00:00Z"))).toEqual({ from: "2025-10-12", to: "2025-11-10" });
  });

  it("makes one row per day with a column per vendor, empty days as zero, vendors by volume", () => {
    expect(tasksPerDayByVendor(sample)).toEqual({
      vendors: ["github", "slack", "sentry"],
      rows: [
        { day: "2025-11-01", github: 3, slack: 0, sentry: 1 },
        { day: "2025-11-02", github: 0, slack: 0, sentry: 0 },
        { day: "2025-11-03", github: 2, slack: 4, sentry: 0 },
      ],
    });
  });

  it("fills the cost series with the days that cost nothing", () => {
    expect(costSeries(sample)).toEqual([
      { day: "2025-11-01", costUsd: 0.4 },
      { day: "2025-11-02", costUsd: 0 },
      { day: "2025-11-03", costUsd: 0.25 },
    ]);
  });
});

describe("AnalyticsPage", () => {
  it("asks for the chosen range and renders the summary, charts and top repositories", async () => {
    const fake = fakeApi({ "GET /api/session": signedIn, "GET /api/analytics": () => json(200, sample) });
    const { location } = renderWithApi(<AnalyticsPage />, { fetch: fake.fetch, path: "/analytics" });

    expect((await screen.findByTestId("stat-success-rate")).textContent).toBe("Success rate80.0%");
    expect(screen.getByTestId("stat-tasks").textContent).toBe("Tasks10");
    expect(screen.getByTestId("stat-p50").textContent).toBe("p50 duration42 s");
    expect(screen.getByTestId("stat-p95").textContent).toBe("p95 duration3 min 5 s");
    expect(screen.getByTestId("stat-cost").textContent).toBe("Cost$0.65");

    const tasksChart = JSON.parse(screen.getByTestId("tasks-chart-data").textContent ?? "{}");
    expect(tasksChart).toEqual(tasksPerDayByVendor(sample));
    const costChart = JSON.parse(screen.getByTestId("cost-chart-data").textContent ?? "{}");
    expect(costChart.rows).toHaveLength(3);

    const repos = screen.getByRole("table", { name: "Top repositories" });
    expect(repos.textContent).toContain("Codertocat/Hello-World");
    expect(repos.textContent).toContain("85.7%");
    // The API's rate (cancelled and unfinished tasks left out), not succeeded ÷ tasks (66.7%).
    expect(repos.textContent).toContain("100.0%");
    expect(repos.textContent).not.toContain("66.7%");

    const first = fake.calls("GET", "/api/analytics")[0]!;
    const { from, to } = rangeFor(7);
    expect([first.query.get("from"), first.query.get("to")]).toEqual([from, to]);

    fireEvent.click(screen.getByLabelText("30 days"));
    expect(location.history?.at(-1)).toBe("/analytics?days=30");
    await waitFor(() => expect(fake.calls("GET", "/api/analytics")).toHaveLength(2));
    expect(fake.calls("GET", "/api/analytics")[1]?.query.get("from")).toBe(rangeFor(30).from);
  });

  it("shows empty charts for a range without tasks", async () => {
    const empty: Analytics = {
      ...sample,
      daily: [],
      costPerDay: [],
      topRepositories: [],
      summary: {
        ...sample.summary,
        tasks: 0,
        succeeded: 0,
        failed: 0,
        successRate: null,
        p50DurationMs: null,
        p95DurationMs: null,
        costUsd: 0,
      },
    };
    const fake = fakeApi({ "GET /api/session": signedIn, "GET /api/analytics": () => json(200, empty) });
    renderWithApi(<AnalyticsPage />, { fetch: fake.fetch, path: "/analytics?days=90" });
    expect((await screen.findByTestId("stat-success-rate")).textContent).toBe("Success rate—");
    expect(screen.getByText("No tasks in this range.")).toBeTruthy();
    expect(screen.queryByTestId("tasks-chart-data")).toBeNull();
    expect((screen.getByLabelText("90 days") as HTMLInputElement).checked).toBe(true);
  });

  it("shows an error", async () => {
    const fake = fakeApi({
      "GET /api/session": signedIn,
      "GET /api/analytics": () => json(500, { error: { code: "internal", message: "boom" } }),
    });
    renderWithApi(<AnalyticsPage />, { fetch: fake.fetch, path: "/analytics" });
    expect((await screen.findByRole("alert")).textContent).toContain("boom");
  });
});

describe("analytics charts (recharts)", () => {
  it("the real chart module renders in a responsive container without throwing", async () => {
    const actual = await vi.importActual<typeof import("./analytics-charts")>("./analytics-charts");
    const { vendors, rows } = tasksPerDayByVendor(sample);
    const { container } = render(
      <div>
        <actual.TasksPerDayChart vendors={vendors} rows={rows} />
        <actual.CostPerDayChart rows={costSeries(sample)} />
      </div>,
    );
    expect(container.querySelectorAll(".recharts-responsive-container")).toHaveLength(2);
  });
});
