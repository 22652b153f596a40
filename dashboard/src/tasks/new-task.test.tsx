import { fireEvent, screen, waitFor } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { apiError, fakeApi, json, renderWithApi, signedIn } from "../test/fake-api";
import { NewTaskPage } from "./new-task.page";

function fill() {
  fireEvent.change(screen.getByLabelText("Repository"), { target: { value: "Codertocat/Hello-World" } });
  fireEvent.change(screen.getByLabelText("Prompt"), { target: { value: "Fix the typo in the README" } });
  fireEvent.change(screen.getByLabelText("CLI"), { target: { value: "cursor" } });
  fireEvent.change(screen.getByLabelText("Skill"), { target: { value: "implement-issue" } });
}

describe("NewTaskPage", () => {
  it("creates the task with an idempotency key and opens it", async () => {
    const fake = fakeApi({
      "GET /api/session": signedIn,
      "POST /api/tasks": () => json(201, { id: "task_new", created: true, state: {} }),
    });
    const { location } = renderWithApi(<NewTaskPage />, { fetch: fake.fetch, path: "/tasks/new" });
    fill();
    fireEvent.click(screen.getByRole("button", { name: "Create task" }));
    await waitFor(() => expect(location.history?.at(-1)).toBe("/tasks/task_new"));
    const [request] = fake.calls("POST", "/api/tasks");
    expect(request?.body).toEqual({
      repository: "Codertocat/Hello-World",
      prompt: "Fix the typo in the README",
      cli: "cursor",
      skill: "implement-issue",
    });
    expect(request?.headers.get("idempotency-key")).toMatch(/.{16,}/);
  });

  it("keeps the same idempotency key when the user submits again after an error", async () => {
    let attempt = 0;
    const fake = fakeApi({
      "GET /api/session": signedIn,
      "POST /api/tasks": () =>
        ++attempt === 1
          ? apiError(400, "bad_request", "invalid task: repository: owner/name")
          : json(200, { id: "task_same", created: false, state: {} }),
    });
    renderWithApi(<NewTaskPage />, { fetch: fake.fetch, path: "/tasks/new" });
    fill();
    fireEvent.click(screen.getByRole("button", { name: "Create task" }));
    expect((await screen.findByRole("alert")).textContent).toContain("invalid task: repository: owner/name");
    fireEvent.click(screen.getByRole("button", { name: "Create task" }));
    await waitFor(() => expect(fake.calls("POST", "/api/tasks")).toHaveLength(2));
    const [first, second] = fake.calls("POST", "/api/tasks");
    expect(second?.headers.get("idempotency-key")).toBe(first?.headers.get("idempotency-key"));
  });
});
