// workers/middleware/validate.ts: the one validation path turns a zod failure into the
// API's 400 `bad_request`, with the messages the routes have always given.
import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { AppError, errorResponse } from "../../workers/errors";
import { validate } from "../../workers/middleware/validate";

const body = z.object({ repository: z.string().regex(/^[\w.-]+\/[\w.-]+$/, "owner/name") });
const query = z.object({ limit: z.coerce.number().int().min(1).max(10).default(5) });

const app = new Hono()
  .post("/json", validate("json", body, "task"), (c) => c.json(c.req.valid("json")))
  .get("/query", validate("query", query), (c) => c.json(c.req.valid("query")))
  .get("/param/:n", validate("param", z.object({ n: z.coerce.number().int() })), (c) => c.json(c.req.valid("param")));
app.onError((error, c) => (error instanceof AppError ? errorResponse(c, error) : c.json({ unexpected: String(error) }, 500)));

async function call(path: string, init?: RequestInit) {
  const res = await app.request(path, init);
  return { status: res.status, body: (await res.json()) as { error: { code: string; message: string } } };
}

const json = (text: string, type: string | undefined = "application/json"): RequestInit => ({
  method: "POST",
  body: text,
  headers: type ? { "content-type": type } : {},
});

describe("validate", () => {
  it("hands the parsed value to the handler", async () => {
    expect(await call("/json", json('{"repository":"acme/shop"}'))).toEqual({ status: 200, body: { repository: "acme/shop" } });
    expect(await call("/query?limit=3")).toEqual({ status: 200, body: { limit: 3 } });
    expect(await call("/query")).toEqual({ status: 200, body: { limit: 5 } });
    expect(await call("/param/7")).toEqual({ status: 200, body: { n: 7 } });
  });

  it("names the first issue of a JSON body", async () => {
    expect(await call("/json", json('{"repository":"nope"}'))).toEqual({
      status: 400,
      body: { error: { code: "bad_request", message: "invalid task: repository: owner/name" } },
    });
  });

  it("treats a malformed or missing body like an absent one", async () => {
    const missing = await call("/json", json(""));
    expect(missing.status).toBe(400);
    expect(missing.body.error.message).toMatch(/^invalid task: body: /);
    expect(await call("/json", json("{not json"))).toEqual(missing);
  });

  it("reads a JSON body whatever its Content-Type says", async () => {
    expect(await call("/json", json('{"repository":"acme/shop"}', undefined))).toEqual({ status: 200, body: { repository: "acme/shop" } });
    expect(await call("/json", json('{"repository":"acme/shop"}', "text/plain"))).toEqual({
      status: 200,
      body: { repository: "acme/shop" },
    });
  });

  it("names the query parameter, and takes the first of a repeated one", async () => {
    expect(await call("/query?limit=11")).toEqual({
      status: 400,
      body: { error: { code: "bad_request", message: expect.stringMatching(/^invalid query parameter limit: /) } },
    });
    expect(await call("/query?limit=2&limit=30")).toEqual({ status: 200, body: { limit: 2 } });
  });

  it("names a path parameter", async () => {
    expect((await call("/param/x")).body.error.message).toMatch(/^invalid path parameter n: /);
  });
});
