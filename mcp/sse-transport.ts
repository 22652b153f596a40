// The 2024-11-05 HTTP+SSE transport, server side, on Web streams: the GET answer is an
// event stream whose first event names the message endpoint (`endpoint`), and replies go
// down it as `message` events; the client POSTs its messages to that endpoint. The MCP
// SDK's own SSEServerTransport writes to Node's ServerResponse and the agents SDK serves
// this transport only through the deprecated McpAgent, so McpHost keeps this small
// implementation of the SDK's Transport interface instead. The stream lives as long as the
// client holds it, in the McpHost instance its messages reach.
import { type AuthInfo, type JSONRPCMessage, parseJSONRPCMessage, type Transport } from "@modelcontextprotocol/server";

/** A comment line keeps proxies and the runtime from closing an idle stream. */
const KEEP_ALIVE_MS = 15_000;
const encoder = new TextEncoder();

export class SseServerTransport implements Transport {
  readonly sessionId = crypto.randomUUID();
  readonly response: Response;
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: Transport["onmessage"];
  private controller: ReadableStreamDefaultController<Uint8Array> | undefined;
  private keepAlive: ReturnType<typeof setInterval> | undefined;
  private closed = false;

  /** `endpoint` makes the message endpoint's path (with the session id) the client is told to POST to. */
  constructor(endpoint: (sessionId: string) => string) {
    const stream = new ReadableStream<Uint8Array>({
      start: (controller) => {
        this.controller = controller;
        this.write(`event: endpoint\ndata: ${endpoint(this.sessionId)}\n\n`);
        this.keepAlive = setInterval(() => this.write(": keep-alive\n\n"), KEEP_ALIVE_MS);
      },
      cancel: () => this.close(),
    });
    this.response = new Response(stream, {
      headers: { "content-type": "text/event-stream", "cache-control": "no-cache, no-transform", "access-control-allow-origin": "*" },
    });
  }

  async start(): Promise<void> {}

  async send(message: JSONRPCMessage): Promise<void> {
    if (this.closed) throw new Error("the SSE stream is closed");
    this.write(`event: message\ndata: ${JSON.stringify(message)}\n\n`);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.keepAlive);
    try {
      this.controller?.close();
    } catch {
      // Already closed by the client's disconnect: nothing left to end.
    }
    this.onclose?.();
  }

  /** Hands a POSTed body (one message or a batch) to the server; throws when it is not JSON-RPC. */
  receive(body: string, authInfo: AuthInfo): void {
    const parsed: unknown = JSON.parse(body);
    const messages = (Array.isArray(parsed) ? parsed : [parsed]).map(parseJSONRPCMessage);
    for (const message of messages) this.onmessage?.(message, { authInfo });
  }

  private write(text: string): void {
    if (this.closed || !this.controller) return;
    try {
      this.controller.enqueue(encoder.encode(text));
    } catch (error) {
      this.onerror?.(error instanceof Error ? error : new Error(String(error)));
      void this.close();
    }
  }
}
