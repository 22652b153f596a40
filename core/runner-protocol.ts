// The wire protocol between a TaskAgent (Workers) and the agent runner (Node,
// in a Container or as a local process). Both sides import these schemas.
//
//   POST /runs                       RunRequest → 202 { taskId, attempt }   (idempotent per taskId+attempt)
//   GET  /runs/:taskId/events?after=N  NDJSON stream of RunnerEvent with seq > N; ends after the
//                                    terminal `result` event; reconnect with the last seq seen
//   POST /runs/:taskId/cancel        → 200 { cancelled: boolean }
//   GET  /health                     → 200 { status: "ok", runs: number }
import { z } from "zod";
import { CLI_NAMES } from "./names";

export const cliSchema = z.enum(CLI_NAMES);

export const mcpServerSchema = z.object({
  name: z.string(),
  url: z.string().url(),
  headers: z.record(z.string(), z.string()).default({}),
});

export const runRequestSchema = z.object({
  taskId: z.string().min(1),
  attempt: z.number().int().min(1),
  cli: cliSchema.default("claude"),
  prompt: z.string(),
  /** Event context the skill selector reads (vendor, event type). */
  context: z.object({ vendor: z.string(), eventType: z.string(), title: z.string().optional() }),
  repo: z
    .object({
      /** https clone URL; credentials never go here, they come from the credential helper. */
      cloneUrl: z.string(),
      ref: z.string().optional(),
      /** Branch the agent works on, `agent-bot/<task-id>`. */
      branch: z.string(),
    })
    .optional(),
  /** Short-lived, task-scoped token handed to git through a credential helper. */
  gitToken: z.string().optional(),
  /** Skills the event asked for by name; the runner adds those its rules select. */
  skills: z.array(z.string()).default([]),
  mcpServers: z.array(mcpServerSchema).default([]),
  /** Extra environment for the CLI (API keys); redacted from every event. */
  env: z.record(z.string(), z.string()).default({}),
  /** Secret values the runner must redact from every event it emits. */
  redact: z.array(z.string()).default([]),
  timeoutMs: z
    .number()
    .int()
    .positive()
    .default(30 * 60 * 1000),
  /** Investigate and answer only: the runner pushes nothing (a task no permitted human has approved yet). */
  readOnly: z.boolean().optional(),
  /** USD this attempt may spend; the CLI stops itself at it where it supports a limit (Claude Code). */
  maxBudgetUsd: z.number().positive().optional(),
});
export type RunRequest = z.infer<typeof runRequestSchema>;

const base = { seq: z.number().int().min(1), at: z.number().int() };

export const runnerEventSchema = z.discriminatedUnion("type", [
  z.object({
    ...base,
    type: z.literal("phase"),
    phase: z.enum(["cloning", "preparing", "running", "pushing"]),
    detail: z.string().optional(),
  }),
  z.object({
    ...base,
    type: z.literal("skills"),
    skills: z.array(z.object({ name: z.string(), source: z.enum(["builtin", "repository"]) })),
  }),
  z.object({ ...base, type: z.literal("assistant_text"), text: z.string() }),
  z.object({ ...base, type: z.literal("tool_call"), id: z.string().optional(), name: z.string(), input: z.unknown() }),
  z.object({ ...base, type: z.literal("tool_result"), id: z.string().optional(), output: z.string(), isError: z.boolean() }),
  z.object({ ...base, type: z.literal("log"), level: z.enum(["info", "warn", "error"]), message: z.string() }),
  z.object({
    ...base,
    type: z.literal("result"),
    /** succeeded: the CLI finished its work; failed: it or the runner did not; cancelled: on request. */
    outcome: z.enum(["succeeded", "failed", "cancelled", "timed_out"]),
    summary: z.string(),
    reason: z.string().optional(),
    costUsd: z.number().optional(),
    inputTokens: z.number().int().optional(),
    outputTokens: z.number().int().optional(),
    durationMs: z.number().int().optional(),
    /** Present when the agent changed files and the branch was pushed. */
    change: z
      .object({
        branch: z.string(),
        commitSha: z.string(),
        filesChanged: z.number().int(),
        insertions: z.number().int(),
        deletions: z.number().int(),
        files: z.array(z.string()),
      })
      .optional(),
  }),
]);
export type RunnerEvent = z.infer<typeof runnerEventSchema>;
export type RunnerEventInput = RunnerEvent extends infer E ? (E extends RunnerEvent ? Omit<E, "seq" | "at"> : never) : never;
