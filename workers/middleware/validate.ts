// The one validation path for API input: Hono's `validator` with a zod schema, and one
// place where a failure becomes the project's error (400 `bad_request`, the first issue
// named in the message). Handlers read the parsed value, typed, with `c.req.valid(target)`.
import type { MiddlewareHandler } from "hono";
import { HTTPException } from "hono/http-exception";
import { validator } from "hono/validator";
import type { z } from "zod";
import type { AppEnv } from "../app-env";
import { AppError } from "../errors";

export type ValidationTarget = "query" | "json" | "param";

type Validated<T extends ValidationTarget, S extends z.ZodType> = {
  in: { [K in T]: z.input<S> };
  out: { [K in T]: z.output<S> };
};

function failure(target: ValidationTarget, error: z.ZodError, what: string): AppError {
  const issue = error.issues[0];
  const path = issue?.path.join(".");
  if (target === "json") return new AppError("bad_request", `invalid ${what}: ${path || "body"}: ${issue?.message}`);
  return new AppError("bad_request", `invalid ${target === "query" ? "query" : "path"} parameter ${path}: ${issue?.message}`);
}

/**
 * Validates the request's query string, JSON body or path parameters against `schema`.
 * `what` names a JSON body in the error message ("invalid task: repository: …").
 */
export function validate<T extends ValidationTarget, S extends z.ZodType>(
  target: T,
  schema: S,
  what = "body",
): MiddlewareHandler<AppEnv, string, Validated<T, S>> {
  const check = (input: unknown): z.output<S> => {
    const result = schema.safeParse(input);
    if (!result.success) throw failure(target, result.error, what);
    return result.data;
  };
  // Typed once, by the middleware this returns; the value inside is what `check` made.
  const inner: MiddlewareHandler<AppEnv> = validator(target as ValidationTarget, async (value, c): Promise<unknown> => {
    // The body is read whatever its Content-Type, and a repeated query parameter counts
    // once (its first value), as the API has always read them.
    if (target === "json") return check(await c.req.json().catch(() => undefined));
    if (target === "query") return check(c.req.query());
    return check(value);
  });
  return async (c, next) => {
    let validated = false;
    try {
      return await inner(c, async () => {
        validated = true;
        await next();
      });
    } catch (error) {
      // Hono refuses a body that claims to be JSON and is not before the schema sees it;
      // it is the same failure as a missing body.
      if (!validated && error instanceof HTTPException && target === "json") {
        const missing = schema.safeParse(undefined);
        throw missing.success ? new AppError("bad_request", `invalid ${what}: body: malformed JSON`) : failure(target, missing.error, what);
      }
      throw error;
    }
  };
}
