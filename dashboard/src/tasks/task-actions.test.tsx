import { act, fireEvent, screen, waitFor } from "@testing-library/react";
import { describe, expect, it, onTestFinished, vi } from "vitest";
import type { TaskStatus } from "../../../core/task-types";
import { apiError, fakeApi, json, renderWithApi, signedIn } from "../test/fake-api";
import { socketFactory, type FakeSocket } from "../test/fake-socket";
import { taskRow, taskState } from "../test/fixtures";
import { TaskActions } from "./task-actions";
import { TaskPage } from "./task.page";

const button = (name: string) => screen.getByRole("button", { name }) as HTMLButtonElement;

describe("TaskActions", () => {
  it.each<[TaskStatus, boolean, boolean]>([
    ["queued", true, false],
    ["preparing", true, false],
    ["running", true, false],
    ["succeeded", false, false],
    ["failed", false, true],
    ["cancelled", false, true],
    ["timed_out", false, true],
  ])("a %s task: cancel %s, retry %s", (status, cancel, retry) => {
    const fake = fakeApi({ "GET /api/session": signedIn });
    renderWithApi(<TaskActions taskId="task_1" status={status} onState={vi.fn()} />, { fetch: fake.fetch });
    expect(button("Cancel").disabled).toBe(!cancel);
    expect(button("Retry").disabled).toBe(!retry);
  });

  it("cancels and hands the new state to the page", async () => {
    const onState = vi.fn();
    const fake = fakeApi({
      "GET /api/session": signedIn,
      "POST /api/tasks/task_1/cancel": () => json(200, { state: taskState({ status: "cancelled" }) }),
    });
    renderWithApi(<TaskActions taskId="task_1" status="running" onState={onState} />, { fetch: fake.fetch });
    fireEvent.click(button("Cancel"));
    expect(button("Cancelling…").disabled).toBe(true);
    await waitFor(() => expect(onState).toHaveBeenCalledWith(expect.objectContaining({ status: "cancelled" })));
    expect(fake.calls("POST", "/api/tasks/task_1/cancel")).toHaveLength(1);
  });

  it("shows the Worker's error when a retry is refused", async () => {
    const onState = vi.fn();
    const fake = fakeApi({
      "GET /api/session": signedIn,
      "POST /api/tasks/task_1/retry": () => apiError(409, "conflict", "the task has spent $5.00 of its $5.00 budget"),
    });
    renderWithApi(<TaskActions taskId="task_1" status="failed" onState={onState} />, { fetch: fake.fetch });
    fireEvent.click(button("Retry"));
    expect((await screen.findByRole("alert")).textContent).toBe("Retry failed: the task has spent $5.00 of its $5.00 budget (conflict)");
    expect(onState).not.toHaveBeenCalled();
    expect(button("Retry").disabled).toBe(false);
  });
});

describe("TaskPage", () => {
  function stubWebSocket() {
    const factory = socketFactory();
    const Stub = function (this: unknown, url: string) {
      return factory.create(url);
    } as unknown as typeof WebSocket;
    vi.stubGlobal("WebSocket", Stub);
    onTestFinished(() => {
      vi.unstubAllGlobals();
    });
    return factory;
  }

  it("shows the task, and follows its state from the socket: a finished task can be retried", async () => {
    const sockets = stubWebSocket();
    const state = taskState({
      attempts: [
        {
          n: 1,
          startedAt: 1_700_000_001_000,
          endedAt: 1_700_000_031_000,
          costUsd: 0.1234,
          inputTokens: 1200,
          outputTokens: 340,
          durationMs: 30_000,
        },
      ],
    });
    const fake = fakeApi({
      "GET /api/session": signedIn,
      "GET /api/tasks/task_1": () => json(200, { task: taskRow({ pullRequestUrl: null }), state, log: [] }),
    });
    renderWithApi(<TaskPage id="task_1" />, { fetch: fake.fetch, path: "/tasks/task_1" });

    expect(await screen.findByRole("heading", { name: "Fix the typo" })).toBeTruthy();
    expect(screen.getByTestId("task-skills").textContent).toBe("implement-issue");
    expect(screen.getByText("$0.12")).toBeTruthy();
    expect(screen.getByText("1,200")).toBeTruthy();
    expect(screen.getByText("30 s")).toBeTruthy();
    expect(screen.getByRole("link", { name: /github thread/ }).getAttribute("href")).toBe(
      "https://github.com/Codertocat/Hello-World/issues/1",
    );
    expect(button("Retry").disabled).toBe(true);

    const socket: FakeSocket = sockets.last();
    act(() => {
      socket.open();
      socket.state(
        taskState({
          status: "failed",
          transitions: [...state.transitions, { status: "failed", at: 1_700_000_040_000, reason: "the CLI exited 1" }],
          result: { summary: "", reason: "the CLI exited 1", pullRequestUrl: "https://github.com/Codertocat/Hello-World/pull/2" },
        }),
      );
    });
    await waitFor(() => expect(button("Retry").disabled).toBe(false));
    expect(button("Cancel").disabled).toBe(true);
    expect(screen.getAllByTestId("status-badge")[0]?.textContent).toBe("failed");
    expect(screen.getByRole("link", { name: /Pull request/ }).getAttribute("href")).toBe(
      "https://github.com/Codertocat/Hello-World/pull/2",
    );
  });

  it("says when the task does not exist", async () => {
    stubWebSocket();
    const fake = fakeApi({ "GET /api/session": signedIn, "GET /api/tasks/nope": () => apiError(404, "not_found", "no task nope") });
    renderWithApi(<TaskPage id="nope" />, { fetch: fake.fetch });
    expect((await screen.findByRole("alert")).textContent).toContain("No such task");
  });
});
