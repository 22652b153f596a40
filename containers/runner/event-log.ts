// A run's events, in memory for the run's lifetime. Every event is numbered
// here, so a reader that reconnects with the last seq it saw gets the rest
// with no gap and no duplicate. Redaction happens here too: nothing reaches
// the log, and so no reader, without passing through it.
import type { Redactor } from "../../core/redact";
import type { RunnerEvent, RunnerEventInput } from "../../core/runner-protocol";

/** Tool output and inputs can be whole files; the event stream carries a readable head of them. */
export const MAX_TEXT_CHARS = 16_000;

type Listener = (event: RunnerEvent) => void;

export class EventLog {
  private readonly events: RunnerEvent[] = [];
  private readonly listeners = new Set<Listener>();
  private closed = false;

  constructor(
    private readonly redactor: Redactor,
    private readonly now: () => number = Date.now,
  ) {}

  get done(): boolean {
    return this.closed;
  }

  get size(): number {
    return this.events.length;
  }

  /** Numbers, redacts and stores an event; the first `result` closes the log and later appends are dropped. */
  append(input: RunnerEventInput): RunnerEvent | undefined {
    if (this.closed) return undefined;
    const clean = clip(this.redactor.deep(input));
    const event = { ...clean, seq: this.events.length + 1, at: this.now() } as RunnerEvent;
    this.events.push(event);
    if (event.type === "result") this.closed = true;
    for (const listener of this.listeners) listener(event);
    if (this.closed) this.listeners.clear();
    return event;
  }

  since(after: number): RunnerEvent[] {
    return this.events.slice(Math.max(0, after));
  }

  /** Calls `listener` for each event appended from now on; returns the unsubscribe function. */
  subscribe(listener: Listener): () => void {
    if (this.closed) return () => {};
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  last(): RunnerEvent | undefined {
    return this.events.at(-1);
  }
}

function clipText(text: string): string {
  if (text.length <= MAX_TEXT_CHARS) return text;
  return `${text.slice(0, MAX_TEXT_CHARS)}… [${text.length - MAX_TEXT_CHARS} more characters]`;
}

// Clipping comes after redaction: cutting first could leave half a secret that no longer matches.
function clip(event: RunnerEventInput): RunnerEventInput {
  switch (event.type) {
    case "assistant_text":
      return { ...event, text: clipText(event.text) };
    case "tool_result":
      return { ...event, output: clipText(event.output) };
    case "log":
      return { ...event, message: clipText(event.message) };
    case "tool_call": {
      const json = JSON.stringify(event.input) ?? "";
      return json.length <= MAX_TEXT_CHARS ? event : { ...event, input: { clipped: clipText(json) } };
    }
    default:
      return event;
  }
}
