import { act, fireEvent, screen, waitFor } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import { fakeApi, renderWithApi, signedIn } from "../test/fake-api";
import { logEntry, taskState } from "../test/fixtures";
import { socketFactory } from "../test/fake-socket";
import { tokenStore } from "../auth/token-store";
import { LiveLog } from "./live-log";

const lines = () => screen.queryAllByTestId("log-line").map((line) => Number(line.getAttribute("data-seq")));

/** jsdom does no layout: give the log a height that grows with its lines. */
function layOut(element: HTMLElement) {
  Object.defineProperty(element, "clientHeight", { configurable: true, get: () => 100 });
  Object.defineProperty(element, "scrollHeight", {
    configurable: true,
    get: () => element.querySelectorAll("[data-testid=log-line]").length * 20,
  });
}

function renderLog(onState = vi.fn()) {
  tokenStore.set("tok");
  const factory = socketFactory();
  const fake = fakeApi({ "GET /api/session": signedIn });
  renderWithApi(<LiveLog taskId="task_1" onState={onState} createSocket={factory.create} />, { fetch: fake.fetch });
  return { factory, onState, fake };
}

describe("LiveLog", () => {
  it("connects with the token and after=0, shows the backlog, then live lines", async () => {
    const { factory } = renderLog();
    const socket = factory.last();
    expect(socket.url).toBe("ws://dash.test/api/tasks/task_1/live?token=tok&after=0");
    act(() => {
      socket.open();
      socket.log(logEntry(1, "cloning"), logEntry(2, "running claude"));
    });
    await waitFor(() => expect(lines()).toEqual([1, 2]));
    expect(screen.getByTestId("live-status").textContent).toBe("Live");
    act(() => socket.log(logEntry(3, "→ Edit")));
    await waitFor(() => expect(lines()).toEqual([1, 2, 3]));
    expect(screen.getByText("→ Edit")).toBeTruthy();
  });

  it("shows each sequence number once", async () => {
    const { factory } = renderLog();
    act(() => {
      factory.last().open();
      factory.last().log(logEntry(1), logEntry(2), logEntry(2), logEntry(3), logEntry(1));
    });
    await waitFor(() => expect(lines()).toEqual([1, 2, 3]));
  });

  it("reconnects after a drop, resuming after the last line shown, with no gap or duplicate", async () => {
    const { factory } = renderLog();
    act(() => {
      factory.last().open();
      factory.last().log(logEntry(1), logEntry(2), logEntry(3));
    });
    await waitFor(() => expect(lines()).toEqual([1, 2, 3]));
    act(() => factory.last().drop());
    expect(screen.getByTestId("live-status").textContent).toBe("Reconnecting…");

    await waitFor(() => expect(factory.sockets).toHaveLength(2), { timeout: 2000 });
    const second = factory.last();
    expect(second.after).toBe(3);
    act(() => {
      second.open();
      second.log(logEntry(3), logEntry(4), logEntry(5));
    });
    await waitFor(() => expect(lines()).toEqual([1, 2, 3, 4, 5]));
  });

  it("passes the TaskAgent's state updates to the page", async () => {
    const { factory, onState } = renderLog();
    act(() => {
      factory.last().open();
      factory.last().state(taskState({ status: "cancelled" }));
    });
    // Delivered with the frame's log entries, the latest state only.
    await waitFor(() => expect(onState).toHaveBeenCalledWith(expect.objectContaining({ status: "cancelled" })));
  });

  it("follows the end, pauses when the reader scrolls up, and jumps back to the latest", async () => {
    const { factory } = renderLog();
    const log = screen.getByRole("log", { name: "Task log" });
    layOut(log);
    act(() => {
      factory.last().open();
      factory.last().log(...[1, 2, 3, 4, 5, 6, 7, 8].map((n) => logEntry(n)));
    });
    await waitFor(() => expect(lines()).toHaveLength(8));
    expect(log.scrollTop).toBe(160);
    expect(screen.queryByRole("button", { name: /Jump to latest/ })).toBeNull();

    // The reader scrolls up: following stops.
    log.scrollTop = 20;
    fireEvent.scroll(log);
    const jump = await screen.findByRole("button", { name: /Jump to latest/ });
    act(() => factory.last().log(logEntry(9), logEntry(10)));
    await waitFor(() => expect(lines()).toHaveLength(10));
    expect(log.scrollTop).toBe(20);
    expect(jump.textContent).toBe("Jump to latest (2 new)");

    fireEvent.click(jump);
    expect(log.scrollTop).toBe(200);
    expect(screen.queryByRole("button", { name: /Jump to latest/ })).toBeNull();
    act(() => factory.last().log(logEntry(11)));
    await waitFor(() => expect(lines()).toHaveLength(11));
    expect(log.scrollTop).toBe(220);
  });

  it("scrolling back to the bottom by hand resumes following", async () => {
    const { factory } = renderLog();
    const log = screen.getByRole("log", { name: "Task log" });
    layOut(log);
    act(() => {
      factory.last().open();
      factory.last().log(...[1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((n) => logEntry(n)));
    });
    await waitFor(() => expect(lines()).toHaveLength(10));
    log.scrollTop = 0;
    fireEvent.scroll(log);
    await screen.findByRole("button", { name: /Jump to latest/ });
    log.scrollTop = 100; // 200 - 100 - 100: at the end
    fireEvent.scroll(log);
    await waitFor(() => expect(screen.queryByRole("button", { name: /Jump to latest/ })).toBeNull());
    act(() => factory.last().log(logEntry(11)));
    await waitFor(() => expect(lines()).toHaveLength(11));
    expect(log.scrollTop).toBe(220);
  });

  it("checks the session when the socket keeps failing to open (an expired token signs out)", async () => {
    const { factory, fake } = renderLog();
    await waitFor(() => expect(fake.calls("GET", "/api/session")).toHaveLength(1));
    act(() => factory.last().drop());
    await waitFor(() => expect(factory.sockets).toHaveLength(2), { timeout: 2000 });
    act(() => factory.last().drop());
    await waitFor(() => expect(fake.calls("GET", "/api/session")).toHaveLength(2));
  });
});
