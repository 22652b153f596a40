// Which budget an /mcp/:server request spends. Only calls that make the server do
// work (a tool run, a resource or prompt read, which may reach a vendor API) count
// against the token's call rate; a client's start-up and housekeeping (initialize,
// notifications, the lists, ping, the SSE GET, the session DELETE) would otherwise
// use it up before any work is done, since clients open every server at once.
import { z } from "zod";

/** JSON-RPC methods that count against the token's call rate. */
export const CALL_METHODS: ReadonlySet<string> = new Set(["tools/call", "resources/read", "prompts/get"]);

export type RequestKind = { kind: "calls"; count: number } | { kind: "session" };

// Only the method matters; anything else about the message is the host's to judge.
const message = z.object({ method: z.string() });

function isCall(value: unknown): boolean {
  const parsed = message.safeParse(value);
  return parsed.success && CALL_METHODS.has(parsed.data.method);
}

/** Classifies a JSON-RPC body (one message or a batch); text that is not JSON is session traffic. */
export function classifyBody(text: string): RequestKind {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return { kind: "session" };
  }
  const count = Array.isArray(body) ? body.filter(isCall).length : isCall(body) ? 1 : 0;
  return count > 0 ? { kind: "calls", count } : { kind: "session" };
}

/** Reads a clone, so the body forwarded to the host is untouched. */
export async function classifyRequest(request: Request): Promise<RequestKind> {
  if (request.method !== "POST" || !request.body) return { kind: "session" };
  return classifyBody(await request.clone().text());
}
