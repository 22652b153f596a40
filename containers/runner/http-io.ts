// Small HTTP helpers for node:http: errors with a code from the one registry
// (core/error-codes.ts), answered in its JSON shape, and a size-capped body reader.
import type { IncomingMessage, ServerResponse } from "node:http";
import { ERROR_STATUS, errorBody, type ErrorCode } from "../../core/error-codes";

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
  sendJson(res, ERROR_STATUS[error.code], errorBody(error.code, error.message), error.headers);
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
