import type { TaskLogEntry, TaskState } from "../../../core/task-types";
// The task's live feed over the TaskAgent's WebSocket. The socket first sends
// the log after `?after=`, then every new entry as `{ type: "log", entry }`, and
// state changes as the agents SDK's `{ type: "cf_agent_state", state }`.
//
// Every entry carries the log's sequence number. The connection remembers the
// highest one seen, drops anything at or below it (a duplicate), and on a drop
// reconnects with backoff asking for `after=<last seen>`: the backlog then starts
// exactly where the screen stopped, so nothing is missed or shown twice.

export type LiveStatus = "connecting" | "open" | "reconnecting" | "closed";

export interface SocketLike {
  onopen: ((event: Event) => void) | null;
  onmessage: ((event: MessageEvent) => void) | null;
  onclose: ((event: CloseEvent) => void) | null;
  onerror: ((event: Event) => void) | null;
  close(code?: number, reason?: string): void;
}

export interface LiveLogOptions {
  /** The socket URL asking for the entries after `after`. */
  url: (after: number) => string;
  /** New entries, in sequence order, never one already delivered. */
  onEntries: (entries: TaskLogEntry[]) => void;
  onState?: (state: TaskState) => void;
  onStatus?: (status: LiveStatus, retryInMs?: number) => void;
  /** Called once per run of failed connection attempts (the page checks whether the session ended). */
  onRepeatedFailure?: () => void;
  /** Sequence number already on screen (0: everything). */
  after?: number;
  createSocket?: (url: string) => SocketLike;
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  random?: () => number;
  /** Batches entries that arrive together into one delivery (default: the next animation frame). */
  schedule?: (flush: () => void) => void;
}

/** Failed connection attempts in a row before onRepeatedFailure. */
const FAILURES_BEFORE_CHECK = 2;

function defaultSchedule(flush: () => void): void {
  if (typeof requestAnimationFrame === "function" && typeof document !== "undefined" && !document.hidden)
    requestAnimationFrame(() => flush());
  else setTimeout(flush, 16);
}

function isLogEntry(value: unknown): value is TaskLogEntry {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as TaskLogEntry).seq === "number" &&
    typeof (value as TaskLogEntry).message === "string"
  );
}

export class LiveLogConnection {
  private socket: SocketLike | null = null;
  private lastSeq: number;
  private stopped = true;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private attempts = 0;
  private failuresInARow = 0;
  private opened = false;
  private pending: TaskLogEntry[] = [];
  private pendingState: TaskState | null = null;
  private flushScheduled = false;

  constructor(private readonly options: LiveLogOptions) {
    this.lastSeq = options.after ?? 0;
  }

  /** The highest sequence number received. */
  get lastSequence(): number {
    return this.lastSeq;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.connect();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    const socket = this.socket;
    this.socket = null;
    if (socket) {
      socket.onopen = socket.onmessage = socket.onclose = socket.onerror = null;
      socket.close(1000, "closed by the dashboard");
    }
    this.flush();
    this.options.onStatus?.("closed");
  }

  private connect(): void {
    this.opened = false;
    this.options.onStatus?.(this.attempts === 0 ? "connecting" : "reconnecting");
    const create = this.options.createSocket ?? ((url: string) => new WebSocket(url) as unknown as SocketLike);
    let socket: SocketLike;
    try {
      socket = create(this.options.url(this.lastSeq));
    } catch {
      // An invalid URL or a blocked scheme: treat it like a dropped connection.
      this.scheduleReconnect();
      return;
    }
    this.socket = socket;
    socket.onopen = () => {
      this.opened = true;
      this.attempts = 0;
      this.failuresInARow = 0;
      this.options.onStatus?.("open");
    };
    socket.onmessage = (event) => this.receive(event.data);
    socket.onerror = () => {
      // The close event follows and decides what happens next.
    };
    socket.onclose = () => {
      if (this.socket !== socket) return;
      this.socket = null;
      if (!this.opened && ++this.failuresInARow === FAILURES_BEFORE_CHECK) this.options.onRepeatedFailure?.();
      this.flush();
      if (!this.stopped) this.scheduleReconnect();
    };
  }

  private scheduleReconnect(): void {
    const initial = this.options.initialBackoffMs ?? 500;
    const max = this.options.maxBackoffMs ?? 15_000;
    const base = Math.min(max, initial * 2 ** this.attempts);
    // ±20 % jitter, so many dashboards do not reconnect in step after a deploy.
    const delay = Math.round(base * (0.8 + 0.4 * (this.options.random ?? Math.random)()));
    this.attempts += 1;
    this.options.onStatus?.("reconnecting", delay);
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => {
      if (!this.stopped) this.connect();
    }, delay);
  }

  private receive(data: unknown): void {
    if (typeof data !== "string") return;
    let message: { type?: unknown; entry?: unknown; state?: unknown };
    try {
      message = JSON.parse(data) as typeof message;
    } catch {
      return;
    }
    if (message.type === "log" && isLogEntry(message.entry)) {
      const entry = message.entry;
      if (entry.seq <= this.lastSeq) return;
      this.lastSeq = entry.seq;
      this.pending.push(entry);
      this.scheduleFlush();
    } else if (message.type === "cf_agent_state" && message.state && typeof message.state === "object") {
      // The TaskAgent sends its state with every event; only the latest one per frame is worth a render.
      this.pendingState = message.state as TaskState;
      this.scheduleFlush();
    }
  }

  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    (this.options.schedule ?? defaultSchedule)(() => this.flush());
  }

  private flush(): void {
    this.flushScheduled = false;
    const state = this.pendingState;
    this.pendingState = null;
    if (this.pending.length) {
      const entries = this.pending;
      this.pending = [];
      this.options.onEntries(entries);
    }
    if (state) this.options.onState?.(state);
  }
}
