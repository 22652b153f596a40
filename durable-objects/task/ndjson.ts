// Reads the runner's NDJSON event stream line by line into validated events.
// A line that does not parse is skipped (and reported), never fatal.
import { runnerEventSchema, type RunnerEvent } from "../../containers/protocol";

export async function* readRunnerEvents(stream: ReadableStream<Uint8Array>, onBadLine?: (line: string) => void): AsyncGenerator<RunnerEvent> {
  const decoder = new TextDecoder();
  let buffered = "";
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
    buffered += decoder.decode(chunk, { stream: true });
    let newline: number;
    while ((newline = buffered.indexOf("\n")) >= 0) {
      const event = parse(buffered.slice(0, newline));
      buffered = buffered.slice(newline + 1);
      if (event) yield event;
    }
  }
  const last = parse(buffered + decoder.decode());
  if (last) yield last;
}
