// The runner's settings, from its environment. The same environment is the
// base for the git and CLI processes a run spawns (less the runner's own
// settings), which is how tests put fake CLIs first on PATH without touching
// the test process's own PATH.
import { resolve } from "node:path";
import { z } from "zod";
import type { Environment } from "./process-group";
import { builtinSkillsDir } from "./skills";

const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65_535).default(8788),
  HOST: z.string().min(1).default("127.0.0.1"),
  SKILLS_DIR: z.string().optional(),
  WORKSPACE_ROOT: z.string().optional(),
  /** SIGTERM → SIGKILL grace for a stopped process group. */
  RUNNER_KILL_GRACE_MS: z.coerce.number().int().min(0).default(5_000),
  /** How long a finished run's events stay readable. */
  RUNNER_RETENTION_MS: z.coerce
    .number()
    .int()
    .min(0)
    .default(60 * 60 * 1000),
  /** How long shutdown waits for runs to end and streams to drain. */
  RUNNER_SHUTDOWN_GRACE_MS: z.coerce.number().int().min(0).default(15_000),
  /** Keep each run's workspace after it ends (debugging). */
  RUNNER_KEEP_WORKSPACES: z.enum(["0", "1", "true", "false"]).optional(),
  /** The bearer token every route but /health requires; only the TaskAgent holds it. */
  RUNNER_SECRET: z
    .string({ error: (issue) => (issue.input === undefined ? "required: the bearer token the TaskAgent sends" : undefined) })
    .min(32, "at least 32 characters"),
  /** During a rotation, the old RUNNER_SECRET, also accepted. */
  RUNNER_SECRET_PREVIOUS: z
    .string()
    .min(32, "at least 32 characters")
    .optional()
    .or(z.literal("").transform(() => undefined)),
  /**
   * Uids the agent's processes run as, one per active run (`first-last`), when the runner is
   * root; `off` runs the agent as the runner's own user (no isolation: development only).
   */
  RUNNER_AGENT_UIDS: z
    .string()
    .regex(/^(off|\d+-\d+)$/, "`off` or a uid range such as 20000-20099")
    .refine((value) => value === "off" || rangeOf(value)[0] > 0, "uid 0 is root")
    .refine((value) => value === "off" || rangeOf(value)[0] <= rangeOf(value)[1], "the range is empty")
    .default("20000-20099"),
  /** Extra variables of the runner's environment the agent gets (comma list; `NAME_*` matches a prefix). */
  RUNNER_AGENT_ENV: z.string().default(""),
});

export type RunnerConfig = {
  port: number;
  host: string;
  skillsDir: string;
  workspaceRoot?: string;
  killGraceMs: number;
  retentionMs: number;
  shutdownGraceMs: number;
  keepWorkspaces: boolean;
  secret: string;
  /** Also accepted while a rotation is under way. */
  previousSecret?: string;
  /** The uid range runs lease their agent user from; undefined when the agent runs as the runner's user. */
  agentUids?: [number, number];
  /** Names (or `PREFIX_*`) of the runner's variables passed to the agent besides the built-in list. */
  agentEnv: string[];
  /** Base environment of spawned git and CLI processes. */
  env: Environment;
};

/** The runner's own settings; a CLI does not see them (a dev server it starts must not take PORT, the agent must not read RUNNER_SECRET). */
const RUNNER_SETTINGS = new Set([...Object.keys(envSchema.shape), "CLAUDE_BIN", "CURSOR_BIN"]);

export function loadConfig(env: Environment = process.env): RunnerConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    throw new Error(`invalid runner settings: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
  }
  const s = parsed.data;
  return {
    port: s.PORT,
    host: s.HOST,
    skillsDir: s.SKILLS_DIR ? resolve(s.SKILLS_DIR) : builtinSkillsDir(),
    workspaceRoot: s.WORKSPACE_ROOT ? resolve(s.WORKSPACE_ROOT) : undefined,
    killGraceMs: s.RUNNER_KILL_GRACE_MS,
    retentionMs: s.RUNNER_RETENTION_MS,
    shutdownGraceMs: s.RUNNER_SHUTDOWN_GRACE_MS,
    keepWorkspaces: s.RUNNER_KEEP_WORKSPACES === "1" || s.RUNNER_KEEP_WORKSPACES === "true",
    secret: s.RUNNER_SECRET,
    previousSecret: s.RUNNER_SECRET_PREVIOUS,
    agentUids: s.RUNNER_AGENT_UIDS === "off" || process.getuid?.() !== 0 ? undefined : rangeOf(s.RUNNER_AGENT_UIDS),
    agentEnv: s.RUNNER_AGENT_ENV.split(",")
      .map((name) => name.trim())
      .filter(Boolean),
    env,
  };
}

/** The environment a spawned process starts from: the runner's, without the runner's settings. */
export function childEnv(config: RunnerConfig): Environment {
  return Object.fromEntries(Object.entries(config.env).filter(([name]) => !RUNNER_SETTINGS.has(name)));
}

function rangeOf(value: string): [number, number] {
  const [first = 0, last = 0] = value.split("-").map(Number);
  return [first, last];
}
