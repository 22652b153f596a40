// The task page shows the CLI and model a request chose and the files attached to it (issue 18).
import { screen } from "@testing-library/react";
import { describe, expect, it, onTestFinished, vi } from "vitest";
import { fakeApi, json, renderWithApi, signedIn } from "../test/fake-api";
import { socketFactory } from "../test/fake-socket";
import { taskRow, taskState } from "../test/fixtures";
import { TaskPage } from "./task.page";

function stubWebSocket() {
  const factory = socketFactory();
  vi.stubGlobal("WebSocket", function (this: unknown, url: string) {
    return factory.create(url);
  } as unknown as typeof WebSocket);
  onTestFinished(() => {
    vi.unstubAllGlobals();
  });
}

describe("TaskPage: the request's choices", () => {
  it("shows the chosen CLI and model and the attachments", async () => {
    stubWebSocket();
    const base = taskState();
    const state = taskState({
      spec: {
        ...base.spec!,
        cli: "cursor",
        model: "gpt-5",
        attachments: [
          { name: "1-screenshot.png", key: "attachments/task_1/1-screenshot.png", contentType: "image/png", size: 10, source: "x" },
          { name: "2-trace.log", key: "attachments/task_1/2-trace.log", contentType: "text/plain", size: 5, source: "y" },
        ],
      },
    });
    const fake = fakeApi({
      "GET /api/session": signedIn,
      "GET /api/tasks/task_1": () => json(200, { task: taskRow({ pullRequestUrl: null }), state, log: [] }),
    });
    renderWithApi(<TaskPage id="task_1" />, { fetch: fake.fetch, path: "/tasks/task_1" });
    expect(await screen.findByText("cursor")).toBeTruthy();
    expect(screen.getByTestId("task-model").textContent).toBe("gpt-5");
    expect(screen.getByTestId("task-attachments").textContent).toBe("1-screenshot.png, 2-trace.log");
  });
});
