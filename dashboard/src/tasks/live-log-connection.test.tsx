import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { TaskLogEntry } from "../../../core/task-types";
import { socketFactory } from "../test/fake-socket";
import { logEntry, taskState } from "../test/fixtures";
import { LiveLogConnection, type LiveLogOptions } from "./live-log-connection";

function setup(overrides: Partial<LiveLogOptions> = {}) {
  const factory = socketFactory();
  const received: TaskLogEntry[] = [];
  const statuses: string[] = [];
  const connection = new LiveLogConnection({
    url: (after) => `ws://dash.test/api/tasks/t/live?after=${after}`,
    onEntries: (entries) => received.push(...entries),
    onStatus: (status) => statuses.push(status),
    createSocket: factory.create,
    schedule: (flush) => flush(),
    random: () => 0.5,
    initialBackoffMs: 100,
    maxBackoffMs: 1000,
    ...overrides,
  });
  connection.start();
  return { factory, received, statuses, connection, seqs: () => received.map((e) => e.seq) };
}

describe("LiveLogConnection", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("asks for everything first, then delivers the backlog and live entries in order", () => {
    const { factory, seqs } = setup();
    expect(factory.last().after).toBe(0);
    factory.last().open();
    factory.last().log(logEntry(1), logEntry(2), logEntry(3));
    factory.last().log(logEntry(4));
    expect(seqs()).toEqual([1, 2, 3, 4]);
  });

  it("drops entries at or below the last sequence number seen", () => {
    const { factory, seqs } = setup();
    factory.last().open();
    factory.last().log(logEntry(1), logEntry(2), logEntry(2), logEntry(1), logEntry(3));
    expect(seqs()).toEqual([1, 2, 3]);
  });

  it("reconnects with backoff and resumes after the last sequence number: no gap, no duplicate", () => {
    const { factory, seqs, connection } = setup();
    factory.last().open();
    factory.last().log(logEntry(1), logEntry(2), logEntry(3));
    factory.last().drop();
    expect(factory.sockets).toHaveLength(1);

    vi.advanceTimersByTime(99);
    expect(factory.sockets).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(factory.sockets).toHaveLength(2);
    expect(factory.last().after).toBe(3);

    // A server that replays a little too much still shows each line once.
    factory.last().open();
    factory.last().log(logEntry(3), logEntry(4), logEntry(5));
    expect(seqs()).toEqual([1, 2, 3, 4, 5]);
    expect(connection.lastSequence).toBe(5);
  });

  it("backs off exponentially while the Worker is unreachable, up to the cap, and resets after a connection", () => {
    const { factory } = setup();
    const delays: number[] = [];
    for (let i = 0; i < 6; i++) {
      const count = factory.sockets.length;
      factory.last().drop();
      let waited = 0;
      while (factory.sockets.length === count) {
        vi.advanceTimersByTime(10);
        waited += 10;
      }
      delays.push(waited);
    }
    expect(delays).toEqual([100, 200, 400, 800, 1000, 1000]);

    factory.last().open();
    factory.last().drop();
    vi.advanceTimersByTime(100);
    expect(factory.sockets).toHaveLength(8);
  });

  it("asks the page to check the session once when connections keep failing", () => {
    const onRepeatedFailure = vi.fn();
    const { factory } = setup({ onRepeatedFailure });
    factory.last().drop();
    vi.advanceTimersByTime(100);
    expect(onRepeatedFailure).not.toHaveBeenCalled();
    factory.last().drop();
    expect(onRepeatedFailure).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(200);
    factory.last().drop();
    expect(onRepeatedFailure).toHaveBeenCalledTimes(1);
  });

  it("passes state updates through and ignores other protocol frames", () => {
    const onState = vi.fn();
    const { factory, received } = setup({ onState });
    factory.last().open();
    factory.last().send({ type: "cf_agent_identity", name: "t", agent: "task-agent" });
    factory.last().state(taskState({ status: "succeeded" }));
    factory.last().onmessage?.(new MessageEvent("message", { data: "not json" }));
    expect(onState).toHaveBeenCalledWith(expect.objectContaining({ status: "succeeded" }));
    expect(received).toEqual([]);
  });

  it("stops for good: no reconnect after stop()", () => {
    const { factory, connection, statuses } = setup();
    factory.last().open();
    connection.stop();
    expect(factory.last().closed).toBe(true);
    vi.advanceTimersByTime(10_000);
    expect(factory.sockets).toHaveLength(1);
    expect(statuses.at(-1)).toBe("closed");
  });
});
