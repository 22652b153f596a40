// Small HTTP helpers for node:http: one JSON error shape, `{ error: { code,
// message } }`, with one status per code, and a size-capped body reader.
import type { IncomingMessage, ServerResponse } from "node:http";

export const ERROR_STATUS = {
  bad_request: 400,
  malformed_json: 400,
  invalid_request: 400,
  not_found: 404,
  method_not_allowed: 405,
  stale_attempt: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  internal: 500,
  shutting_down: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

export class HttpError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = "HttpError";
  }
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(text), ...headers });
  res.end(text);
}

export function sendError(res: ServerResponse, error: HttpError): void {
  sendJson(res, ERROR_STATUS[error.code], { error: { code: error.code, message: error.message } }, error.headers);
}

/** Reads and parses a JSON body of at most `limit` bytes. */
export async function readJson(req: IncomingMessage, limit: number): Promise<unknown> {
  const type = req.headers["content-type"] ?? "application/json";
  if (!/^application\/json\b/i.test(type)) throw new HttpError("unsupported_media_type", "send the run request as application/json");
  const declared = Number(req.headers["content-length"] ?? 0);
  if (declared > limit) throw new HttpError("payload_too_large", `the body is larger than ${limit} bytes`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw new HttpError("payload_too_large", `the body is larger than ${limit} bytes`);
    chunks.push(chunk);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString("utf8")) as unknown;
  } catch {
    throw new HttpError("malformed_json", "the body is not valid JSON");
  }
}
