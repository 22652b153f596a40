// A WebSocket stand-in the test drives: open it, push server messages, drop it.
import type { TaskLogEntry, TaskState } from "../../../core/task-types";
import type { SocketLike } from "../tasks/live-log-connection";

export class FakeSocket implements SocketLike {
  onopen: ((event: Event) => void) | null = null;
  onmessage: ((event: MessageEvent) => void) | null = null;
  onclose: ((event: CloseEvent) => void) | null = null;
  onerror: ((event: Event) => void) | null = null;
  closed = false;

  constructor(readonly url: string) {}

  get after(): number {
    return Number(new URL(this.url).searchParams.get("after"));
  }

  open(): void {
    this.onopen?.(new Event("open"));
  }

  send(message: unknown): void {
    this.onmessage?.(new MessageEvent("message", { data: JSON.stringify(message) }));
  }

  log(...entries: TaskLogEntry[]): void {
    for (const entry of entries) this.send({ type: "log", entry });
  }

  state(state: TaskState): void {
    this.send({ type: "cf_agent_state", state });
  }

  /** The server (or the network) drops the connection. */
  drop(): void {
    this.closed = true;
    this.onclose?.(new CloseEvent("close", { code: 1006 }));
  }

  close(): void {
    this.closed = true;
  }
}

export function socketFactory() {
  const sockets: FakeSocket[] = [];
  const create = (url: string) => {
    const socket = new FakeSocket(url);
    sockets.push(socket);
    return socket;
  };
  return { sockets, create, last: () => sockets[sockets.length - 1]! };
}
