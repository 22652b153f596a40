import { act, fireEvent, screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it, onTestFinished } from "vitest";
import type { TaskRow } from "../../../core/api-types";
import { fakeApi, json, renderWithApi, signedIn, type RecordedRequest } from "../test/fake-api";
import { taskRow } from "../test/fixtures";
import { filtersFromSearch, mergeHead, searchFromFilters } from "./task-filters";
import { TasksListPage } from "./tasks-list.page";

const rowIds = () => screen.queryAllByTestId("task-row").map((row) => row.getAttribute("data-task-id"));
const lastPath = (location: { history?: string[] }) => location.history?.at(-1);

function tasksApi(answer: (request: RecordedRequest) => { items: TaskRow[]; nextCursor: string | null }) {
  return fakeApi({ "GET /api/session": signedIn, "GET /api/tasks": (request) => json(200, answer(request)) });
}

describe("task filters", () => {
  it("round-trips filters through the query string, leaving out empty ones", () => {
    expect(searchFromFilters({ vendor: "jira", status: "", repository: " o/r ", q: "typo fix" })).toBe(
      "vendor=jira&repository=o%2Fr&q=typo+fix",
    );
    expect(filtersFromSearch("status=failed&q=x")).toEqual({ vendor: "", status: "failed", repository: "", q: "x" });
  });

  it("puts a fresh first page on top and keeps pages loaded further down", () => {
    const a = taskRow({ id: "a", createdAt: 5 });
    const b = taskRow({ id: "b", createdAt: 4 });
    const c = taskRow({ id: "c", createdAt: 3 });
    const d = taskRow({ id: "d", createdAt: 2 });
    const current = { items: [b, c, d], nextCursor: "after-d" };
    const merged = mergeHead(current, { items: [a, { ...b, status: "succeeded" as const }], nextCursor: "after-b" });
    expect(merged.items.map((row) => row.id)).toEqual(["a", "b", "c", "d"]);
    expect(merged.items[1]?.status).toBe("succeeded");
    expect(merged.nextCursor).toBe("after-d");
    // A first page that holds everything replaces the list.
    expect(mergeHead(current, { items: [a], nextCursor: null }).items.map((row) => row.id)).toEqual(["a"]);
  });
});

describe("TasksListPage", () => {
  it("loads with the filters from the URL and shows them in the form", async () => {
    const fake = tasksApi(() => ({ items: [taskRow()], nextCursor: null }));
    renderWithApi(<TasksListPage />, { fetch: fake.fetch, path: "/tasks?vendor=jira&status=failed&q=typo" });
    await waitFor(() => expect(rowIds()).toEqual(["task_1"]));
    const query = fake.calls("GET", "/api/tasks")[0]?.query;
    expect(Object.fromEntries(query ?? [])).toEqual({ vendor: "jira", status: "failed", q: "typo", limit: "25" });
    expect((screen.getByLabelText("Vendor") as HTMLSelectElement).value).toBe("jira");
    expect((screen.getByLabelText("Status") as HTMLSelectElement).value).toBe("failed");
    expect((screen.getByLabelText("Text") as HTMLInputElement).value).toBe("typo");
  });

  it("writes changed filters to the query string and reloads with them", async () => {
    const fake = tasksApi((request) => ({
      items: [taskRow({ id: `t-${request.query.get("vendor") ?? "all"}-${request.query.get("repository") ?? ""}` })],
      nextCursor: null,
    }));
    const { location } = renderWithApi(<TasksListPage />, { fetch: fake.fetch, path: "/tasks" });
    await waitFor(() => expect(rowIds()).toEqual(["t-all-"]));

    fireEvent.change(screen.getByLabelText("Vendor"), { target: { value: "github" } });
    expect(lastPath(location)).toBe("/tasks?vendor=github");
    await waitFor(() => expect(rowIds()).toEqual(["t-github-"]));

    fireEvent.change(screen.getByLabelText("Repository"), { target: { value: "Codertocat/Hello-World" } });
    await waitFor(() => expect(lastPath(location)).toBe("/tasks?vendor=github&repository=Codertocat%2FHello-World"));
    await waitFor(() => expect(rowIds()).toEqual(["t-github-Codertocat/Hello-World"]));
    expect(fake.calls("GET", "/api/tasks").at(-1)?.query.get("repository")).toBe("Codertocat/Hello-World");

    fireEvent.click(screen.getByRole("button", { name: "Clear filters" }));
    expect(lastPath(location)).toBe("/tasks");
    await waitFor(() => expect(rowIds()).toEqual(["t-all-"]));
  });

  it("says so when nothing matches", async () => {
    const fake = tasksApi(() => ({ items: [], nextCursor: null }));
    renderWithApi(<TasksListPage />, { fetch: fake.fetch, path: "/tasks?status=timed_out" });
    expect((await screen.findByTestId("empty-state")).textContent).toBe("No task matches these filters.");
  });

  it("shows an error with a retry", async () => {
    let fail = true;
    const fake = fakeApi({
      "GET /api/session": signedIn,
      "GET /api/tasks": () =>
        fail ? json(500, { error: { code: "internal", message: "D1 is down" } }) : json(200, { items: [taskRow()], nextCursor: null }),
    });
    renderWithApi(<TasksListPage />, { fetch: fake.fetch, path: "/tasks" });
    const alert = await screen.findByRole("alert");
    expect(alert.textContent).toContain("D1 is down");
    fail = false;
    fireEvent.click(within(alert).getByRole("button", { name: "Try again" }));
    await waitFor(() => expect(rowIds()).toEqual(["task_1"]));
  });

  it("loads the next page with the cursor", async () => {
    const fake = tasksApi((request) =>
      request.query.get("cursor") === "c1"
        ? { items: [taskRow({ id: "old", createdAt: 1 })], nextCursor: null }
        : { items: [taskRow({ id: "new", createdAt: 2 })], nextCursor: "c1" },
    );
    renderWithApi(<TasksListPage />, { fetch: fake.fetch, path: "/tasks?vendor=slack" });
    fireEvent.click(await screen.findByRole("button", { name: "Load more" }));
    await waitFor(() => expect(rowIds()).toEqual(["new", "old"]));
    expect(fake.calls("GET", "/api/tasks").at(-1)?.query.get("vendor")).toBe("slack");
    expect(screen.queryByRole("button", { name: "Load more" })).toBeNull();
  });

  it("polls: a new task appears at the top and a status changes without a reload", async () => {
    let page: TaskRow[] = [taskRow({ id: "first", status: "running", createdAt: 1 })];
    const fake = tasksApi(() => ({ items: page, nextCursor: null }));
    renderWithApi(<TasksListPage />, { fetch: fake.fetch, path: "/tasks" });
    await waitFor(() => expect(rowIds()).toEqual(["first"]));
    page = [taskRow({ id: "second", status: "queued", createdAt: 2 }), taskRow({ id: "first", status: "succeeded", createdAt: 1 })];
    await waitFor(() => expect(rowIds()).toEqual(["second", "first"]), { timeout: 3500 });
    expect(screen.getAllByTestId("task-row")[1]?.getAttribute("data-status")).toBe("succeeded");
  });

  it("does not poll while the tab is hidden", async () => {
    const fake = tasksApi(() => ({ items: [taskRow()], nextCursor: null }));
    const hidden = setHidden(true);
    onTestFinished(() => hidden.restore());
    renderWithApi(<TasksListPage />, { fetch: fake.fetch, path: "/tasks" });
    await waitFor(() => expect(rowIds()).toEqual(["task_1"]));
    await new Promise((resolve) => setTimeout(resolve, 2300));
    expect(fake.calls("GET", "/api/tasks")).toHaveLength(1);
    hidden.set(false);
    act(() => {
      document.dispatchEvent(new Event("visibilitychange"));
    });
    await waitFor(() => expect(fake.calls("GET", "/api/tasks")).toHaveLength(2));
  });
});

function setHidden(initial: boolean) {
  let value = initial;
  Object.defineProperty(document, "hidden", { configurable: true, get: () => value });
  return {
    set(next: boolean) {
      value = next;
    },
    restore() {
      delete (document as { hidden?: boolean }).hidden;
    },
  };
}
