// Sizing of EVENTS queue messages. The queue's limit is on the serialised message in bytes, so
// what counts is the UTF-8 length after JSON escaping: 30 000 CJK characters are 90 KB, and a
// quote in a raw body already escaped once becomes four bytes on the queue. `.length` (UTF-16
// units) undercounts both, which is how a signed, size-valid delivery once became a 500.
import { MAX_QUEUE_MESSAGE_BYTES, type AgentEvent } from "../../core/agent-event";

const encoder = new TextEncoder();

/** Bytes of `message` as the queue carries it: JSON, UTF-8. */
export function messageBytes(message: unknown): number {
  return encoder.encode(JSON.stringify(message)).length;
}

/** Shortest text kept when an event alone is too large; the full body is in R2 either way. */
const MIN_TEXT = 1_000;

/**
 * The message to enqueue: the event with its raw body inline when the whole fits, else the event
 * alone (`inline: false`, the caller stores the body in R2 first). An event that does not fit even
 * without its body (text of control characters escapes to six bytes each) has its text and title
 * shortened until it does.
 */
export function queueMessage(event: AgentEvent, rawBody: string): { message: AgentEvent; inline: boolean } {
  const inline = { ...event, inlinePayload: rawBody };
  if (messageBytes(inline) <= MAX_QUEUE_MESSAGE_BYTES) return { message: inline, inline: true };
  let message = event;
  while (messageBytes(message) > MAX_QUEUE_MESSAGE_BYTES) {
    const { text = "", title = "" } = message;
    if (text.length <= MIN_TEXT && title.length <= MIN_TEXT) break;
    message = { ...message, text: message.text && shorten(text), title: message.title && shorten(title) };
  }
  return { message, inline: false };
}

function shorten(text: string): string {
  if (text.length <= MIN_TEXT) return text;
  // Cut at a code-point boundary, so a surrogate pair is never split into invalid UTF-16.
  const half = [...text.slice(0, Math.ceil(text.length / 2))];
  return `${half.slice(0, -1).join("")}…`;
}
