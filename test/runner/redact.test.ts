// Redaction of known values and token shapes, and the event log that applies it to every
// event before numbering it.
import { describe, expect, it } from "vitest";
import { EventLog, MAX_TEXT_CHARS } from "../../containers/runner/event-log";
import { createRedactor, REDACTED } from "../../core/redact";

describe("redactor", () => {
  it("replaces the request's redact values, the git token, env values and MCP header values", () => {
    const r = createRedactor({
      redact: ["hunter22"],
      gitToken: "tok-abc-123456",
      env: { ANTHROPIC_API_KEY: "key-value-0000000", DEBUG: "1", MODEL: "opus" },
      headers: ["header-secret-9"],
    });
    expect(r.text("pw hunter22 tok tok-abc-123456 key key-value-0000000 hdr header-secret-9")).toBe(
      `pw ${REDACTED} tok ${REDACTED} key ${REDACTED} hdr ${REDACTED}`,
    );
    // Short env values are settings, not secrets.
    expect(r.text("DEBUG=1 MODEL=opus")).toBe("DEBUG=1 MODEL=opus");
    // What git would send in an Authorization header for the token.
    expect(r.text(Buffer.from("x-access-token:tok-abc-123456").toString("base64"))).toBe(REDACTED);
  });

  it("replaces a longer secret whole even when it contains a shorter one", () => {
    const r = createRedactor({ redact: ["abcd", "abcdefgh"] });
    expect(r.text("xx abcdefgh yy abcd")).toBe(`xx ${REDACTED} yy ${REDACTED}`);
  });

  it.each([
    ["ghp_0123456789abcdefghij0123456789abcdef", REDACTED],
    ["ghs_0123456789abcdefghij0123456789abcdef", REDACTED],
    ["github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz", REDACTED],
    ["xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOp", REDACTED],
    ["xoxp-1234-5678-abcdefgh", REDACTED],
    ["sk-ant-api03-AbCdEfGhIjKlMnOpQrStUvWx-yz", REDACTED],
    ["sk-proj-AbCdEfGhIjKlMnOpQrStUvWx", REDACTED],
    ["AKIAIOSFODNN7EXAMPLE", REDACTED],
    ["Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.e30.sig", `Authorization: Bearer ${REDACTED}`],
    ["https://x-access-token:s3cr3t@github.com/o/r.git", `https://x-access-token:${REDACTED}@github.com/o/r.git`],
  ])("catches the token shape %s", (input, expected) => {
    expect(createRedactor().text(`before ${input} after`)).toBe(`before ${expected} after`);
  });

  it("leaves ordinary text alone", () => {
    const text = "task-1234567890abcdefghij risk-assessment the sk- prefix Bearer x https://github.com/o/r";
    expect(createRedactor().text(text)).toBe(text);
  });

  it("redacts every string of a nested value, not the keys", () => {
    const r = createRedactor({ redact: ["s3cret!"] });
    expect(r.deep({ "s3cret!": ["a s3cret!", { b: "s3cret!" }], n: 1, t: true, z: null })).toEqual({
      "s3cret!": [`a ${REDACTED}`, { b: REDACTED }],
      n: 1,
      t: true,
      z: null,
    });
  });
});

describe("event log", () => {
  it("numbers events from 1, redacts before storing, and closes at the result", () => {
    const log = new EventLog(createRedactor({ redact: ["s3cret!"] }), () => 1000);
    const seen: number[] = [];
    log.subscribe((e) => seen.push(e.seq));
    log.append({ type: "assistant_text", text: "the s3cret!" });
    log.append({ type: "tool_call", name: "Bash", input: { command: "echo s3cret!" } });
    log.append({ type: "result", outcome: "succeeded", summary: "done s3cret!" });
    expect(log.append({ type: "log", level: "info", message: "late" })).toBeUndefined();
    expect(log.since(0)).toEqual([
      { type: "assistant_text", text: `the ${REDACTED}`, seq: 1, at: 1000 },
      { type: "tool_call", name: "Bash", input: { command: `echo ${REDACTED}` }, seq: 2, at: 1000 },
      { type: "result", outcome: "succeeded", summary: `done ${REDACTED}`, seq: 3, at: 1000 },
    ]);
    expect(log.since(2).map((e) => e.seq)).toEqual([3]);
    expect(seen).toEqual([1, 2, 3]);
    expect(log.done).toBe(true);
  });

  it("clips long text after redacting, so no half secret survives the cut", () => {
    const secret = "Z".repeat(40);
    const log = new EventLog(createRedactor({ redact: [secret] }));
    const text = `${"a".repeat(MAX_TEXT_CHARS - 10)}${secret}${"b".repeat(100)}`;
    const event = log.append({ type: "tool_result", output: text, isError: false });
    expect(event?.type === "tool_result" && event.output).not.toContain("ZZZZ");
    expect(event?.type === "tool_result" && event.output.length).toBeLessThan(MAX_TEXT_CHARS + 50);
    const big = log.append({ type: "tool_call", name: "Write", input: { content: "x".repeat(MAX_TEXT_CHARS * 2) } });
    expect(big?.type === "tool_call" && JSON.stringify(big.input).length).toBeLessThan(MAX_TEXT_CHARS + 100);
  });
});
