// The dashboard reads and sends the API's JSON through core/api-types.ts. These hold the
// Worker's D1 rows and request schemas equal to those types: expectTypeOf is checked by tsc
// (`npm run typecheck`) and does nothing at run time.
import { describe, expectTypeOf, it } from "vitest";
import type { z } from "zod";
import type { CreateTaskInput, DeadLetter, Delivery, IssueMcpTokenInput, TaskRow } from "../../core/api-types";
import type { deadLetters, deliveries, tasks } from "../../workers/db/schema";
import type { issueBody } from "../../workers/routes/mcp-tokens";
import type { createTaskBody } from "../../workers/routes/task-actions";

describe("API types", () => {
  it("are the rows D1 returns", () => {
    expectTypeOf<typeof tasks.$inferSelect>().toEqualTypeOf<TaskRow>();
    expectTypeOf<typeof deliveries.$inferSelect>().toEqualTypeOf<Delivery>();
    expectTypeOf<typeof deadLetters.$inferSelect>().toEqualTypeOf<DeadLetter>();
  });

  it("are the bodies the Worker accepts", () => {
    expectTypeOf<z.input<typeof createTaskBody>>().toEqualTypeOf<CreateTaskInput>();
    expectTypeOf<z.input<typeof issueBody>>().toEqualTypeOf<IssueMcpTokenInput>();
  });
});
