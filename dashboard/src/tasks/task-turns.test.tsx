import { render, screen, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import type { TaskTurn } from "../../../core/task-turns";
import { TaskTurns } from "./task-turns";

const turn = (n: number, extra: Partial<TaskTurn> = {}): TaskTurn => ({
  n,
  message: `message ${n}`,
  by: "Codertocat",
  vendor: "github",
  via: "GitHub Codertocat/Hello-World#1",
  threadOf: "dlv_1",
  deliveryId: `dlv_${n}`,
  receivedAt: 1_700_000_000_000 + n,
  ...extra,
});

describe("TaskTurns", () => {
  it("shows nothing for a task of one turn", () => {
    const { container } = render(<TaskTurns conversation={{ turns: [turn(1, { attempt: 1 })] }} status="running" />);
    expect(container.innerHTML).toBe("");
  });

  it("lists each turn with who asked where, its outcome, summary, and what waits", () => {
    const turns = [
      turn(1, { attempt: 1, outcome: "succeeded", summary: "Added the notes." }),
      turn(2, { attempt: 2, by: "U061F7AUR", vendor: "slack", via: "Slack thread", session: "fresh" }),
      turn(3),
      turn(4, { outcome: "refused", reason: "the task has spent $5.00 of its $5.00 budget" }),
    ];
    render(<TaskTurns conversation={{ turns }} status="running" />);
    expect(screen.getByRole("heading", { name: "Conversation" })).toBeTruthy();
    const one = within(screen.getByRole("listitem", { name: "Turn 1" }));
    expect(one.getByText(/Codertocat in GitHub Codertocat\/Hello-World#1/)).toBeTruthy();
    expect(one.getByText("message 1")).toBeTruthy();
    expect(one.getByText("Added the notes.")).toBeTruthy();
    const two = within(screen.getByRole("listitem", { name: "Turn 2" }));
    expect(two.getByText(/U061F7AUR in Slack thread/)).toBeTruthy();
    expect(two.getByText("running")).toBeTruthy();
    expect(two.getByText(/fresh session/)).toBeTruthy();
    expect(within(screen.getByRole("listitem", { name: "Turn 3" })).getByText("queued")).toBeTruthy();
    const four = within(screen.getByRole("listitem", { name: "Turn 4" }));
    expect(four.getByText("refused")).toBeTruthy();
    expect(four.getByText(/spent \$5\.00/)).toBeTruthy();
  });
});
