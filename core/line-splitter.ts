// Splits a text stream into lines: the runner's reading of CLI output, the TaskAgent's
// reading of the runner's event stream. A chunk may end mid-line; the tail is kept
// until its newline arrives (or the stream ends). A runaway line without a
// newline is cut at `maxLineChars`, so a misbehaving CLI cannot grow memory
// without bound.
export class LineSplitter {
  private buffer = "";

  constructor(private readonly maxLineChars = 16 * 1024 * 1024) {}

  push(chunk: string): string[] {
    this.buffer += chunk;
    const lines = this.buffer.split("\n");
    this.buffer = lines.pop() ?? "";
    if (this.buffer.length > this.maxLineChars) {
      lines.push(this.buffer);
      this.buffer = "";
    }
    return lines.map(stripCr);
  }

  /** Returns the unterminated last line, if any. */
  end(): string[] {
    const rest = this.buffer;
    this.buffer = "";
    return rest.length > 0 ? [stripCr(rest)] : [];
  }
}

function stripCr(line: string): string {
  return line.endsWith("\r") ? line.slice(0, -1) : line;
}
