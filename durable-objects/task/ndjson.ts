// Reads the runner's NDJSON event stream line by line into validated events.
// A line that does not parse is skipped (and reported), never fatal.
import { LineSplitter } from "../../core/line-splitter";
import { runnerEventSchema, type RunnerEvent } from "../../core/runner-protocol";

export async function* readRunnerEvents(
  stream: ReadableStream<Uint8Array>,
  onBadLine?: (line: string) => void,
): AsyncGenerator<RunnerEvent> {
  const decoder = new TextDecoder();
  // No length cap: a line too long to keep would be a lost event, not a bad one.
  const lines = new LineSplitter(Number.POSITIVE_INFINITY);
  const parse = (line: string): RunnerEvent | undefined => {
    if (!line.trim()) return undefined;
    try {
      const result = runnerEventSchema.safeParse(JSON.parse(line));
      if (result.success) return result.data;
    } catch {
      // falls through to the bad-line report below
    }
    onBadLine?.(line);
    return undefined;
  };
  for await (const chunk of stream) {
    for (const line of lines.push(decoder.decode(chunk, { stream: true }))) {
      const event = parse(line);
      if (event) yield event;
    }
  }
  for (const line of [...lines.push(decoder.decode()), ...lines.end()]) {
    const event = parse(line);
    if (event) yield event;
  }
}
