// The wire protocol between a TaskAgent (Workers) and the agent runner (Node,
// in a Container or as a local process). Both sides import these schemas.
//
//   POST /runs                       RunRequest → 202 { taskId, attempt }   (idempotent per taskId+attempt)
//   GET  /runs/:taskId/events?after=N  NDJSON stream of RunnerEvent with seq > N; ends after the
//                                    terminal `result` event; reconnect with the last seq seen
//   GET  /runs/:taskId/session?attempt=N  → 200 SessionBundle of that attempt's CLI session (after its
//                                    result), 404 when it has none; the TaskAgent keeps it in R2 so the
//                                    next turn resumes it in whichever container runs that turn
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

/** A session id as the CLIs print it (a UUID for Claude Code); it becomes part of a file name. */
export const sessionIdSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/);

/**
 * A CLI session saved after a turn, so the next turn resumes it (`claude --resume <id>`) after the
 * container slept or the runner restarted. Only that session's files, as data: paths are relative
 * to the CLI's state folder (Claude Code's `CLAUDE_CONFIG_DIR`), never absolute, never `..`.
 * Written by the agent's user, so untrusted: the runner restores them as plain files of the next
 * run's agent user and nothing else.
 */
export const sessionBundleSchema = z.object({
  cli: cliSchema,
  sessionId: sessionIdSchema,
  files: z
    .array(
      z.object({
        path: z
          .string()
          .min(1)
          .max(512)
          .refine((p) => !p.startsWith("/") && !p.split("/").some((part) => part === ".." || part === "." || part === ""), {
            message: "a relative path without . or .. segments",
          }),
        /** base64 */
        data: z.string(),
      }),
    )
    .max(64),
});
export type SessionBundle = z.infer<typeof sessionBundleSchema>;

/** Bytes a run's attachments may have together; the runner's body limit makes room for them in base64. */
export const MAX_ATTACHMENTS_BYTES = 25 * 1024 * 1024;

/**
 * A file attached to the triggering message, fetched and type-checked by the platform. The runner
 * writes it into the run's `attachments/` folder, outside the repository, and the prompt names it.
 */
export const attachmentSchema = z.object({
  /** A plain file name: it becomes a path under the run's folder. */
  name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,119}$/),
  contentType: z.string().max(100),
  /** base64 */
  data: z.string(),
});
export type Attachment = z.infer<typeof attachmentSchema>;

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
      /**
       * Branch the agent works on: `agent-bot/<task-id>`, or a pull request's head branch that the
       * task iterates in place. When `ref` is this branch (a later turn, a PR's head) the push is a
       * fast-forward of what was checked out; if someone pushed meanwhile it is refused, never forced.
       */
      branch: z.string(),
    })
    .optional(),
  /** Short-lived, task-scoped token handed to git through a credential helper. */
  gitToken: z.string().optional(),
  /** Who the commits are by (a GitHub App's `<slug>[bot]` and its noreply email); the runner's own identity when absent. */
  commitAuthor: z.object({ name: z.string().min(1).max(200), email: z.string().min(3).max(320) }).optional(),
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
  /** The model the CLI uses (`--model`); the CLI's own default when absent. */
  model: z.string().min(1).max(200).optional(),
  /** The session of the task's previous turn: the runner restores its files and resumes it. */
  resume: sessionBundleSchema.optional(),
  /** Files attached to the request, inline: at most MAX_ATTACHMENTS_BYTES together. */
  attachments: z
    .array(attachmentSchema)
    .max(20)
    .refine((files) => files.reduce((n, f) => n + Math.floor((f.data.length * 3) / 4), 0) <= MAX_ATTACHMENTS_BYTES, {
      message: `attachments over ${MAX_ATTACHMENTS_BYTES} bytes together`,
    })
    .optional(),
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
    /** The CLI session this run used or created; its files are at GET /runs/:taskId/session. */
    sessionId: sessionIdSchema.optional(),
    /** Set when the push was refused because the branch moved since checkout (someone else pushed). */
    conflict: z.boolean().optional(),
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
