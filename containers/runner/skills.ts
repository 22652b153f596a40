// Skills: folders holding a SKILL.md (YAML front matter, then markdown instructions) that tell a
// coding agent how to approach one kind of task. The format is Claude Code's Agent Skills format.
//
//   loadSkills      built-ins (`skills/`) then the target repository's `.agent-bot/skills/`;
//                   a repository skill replaces a built-in of the same name
//   selectSkills    requested names first, then declarative trigger rules, capped
//   installSkills   (skills-install.ts) where the CLI reads them: Claude Code `.claude/skills/<name>/`,
//                   Cursor `.cursor/rules/agent-bot-<name>.mdc`; never over a repository file
//
// The trigger format and selection order are documented in skills/README.md.
import type { Dirent } from "node:fs";
import { lstat, readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseDocument } from "yaml";
import { z } from "zod";
import { errorMessage } from "../../core/error-message";

export type SkillSource = "builtin" | "repository";

/** One rule: every field it sets must match; within a field any entry may match. */
export interface SkillTriggerRule {
  vendors?: string[];
  events?: string[];
  keywords?: string[];
}

/** A skill matches when any of its rules does. One rule in SKILL.md is read as a list of one. */
export type SkillTriggers = SkillTriggerRule[];

export interface Skill {
  name: string;
  description: string;
  triggers?: SkillTriggers;
  source: SkillSource;
  /** Absolute path of the skill's folder. */
  dir: string;
  /** The markdown after the front matter. */
  body: string;
}

/** A skill that was skipped, or installed under another name, and why. */
export interface SkillWarning {
  source: SkillSource;
  path: string;
  message: string;
}

export interface SkillWarningOptions {
  onWarning?: (warning: SkillWarning) => void;
}

export const SKILL_FILE = "SKILL.md";
/** Larger files are not instructions; a repository could otherwise flood the agent's context. */
const MAX_SKILL_FILE_BYTES = 256 * 1024;
const DEFAULT_SELECTION_LIMIT = 3;
const FALLBACK_SKILL = "answer-question";

// Claude Code's (and the Agent Skills spec's) limits: lowercase letters, digits and hyphens,
// at most 64 characters; descriptions at most 1024 characters.
const skillNameSchema = z
  .string()
  .max(64)
  .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, "must be lowercase letters, digits and single hyphens");

const oneOrMany = (v: unknown) => (typeof v === "string" ? [v] : v);
const triggerListSchema = z.preprocess(oneOrMany, z.array(z.string().trim().min(1)).min(1));

const triggerRuleSchema = z
  .strictObject({
    vendors: triggerListSchema.optional(),
    events: triggerListSchema.optional(),
    keywords: triggerListSchema.optional(),
  })
  .refine((rule) => rule.vendors || rule.events || rule.keywords, "a rule needs vendors, events or keywords");

const frontMatterSchema = z.looseObject({
  name: skillNameSchema,
  description: z.string().trim().min(1).max(1024),
  triggers: z
    .preprocess((v) => (v !== null && typeof v === "object" && !Array.isArray(v) ? [v] : v), z.array(triggerRuleSchema).min(1))
    .optional(),
});

/** `process.env.SKILLS_DIR`, or the repository's `skills/` folder next to `containers/`. */
export function builtinSkillsDir(): string {
  const fromEnv = process.env.SKILLS_DIR?.trim();
  if (fromEnv) return path.resolve(fromEnv);
  return path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../skills");
}

/** Reads every `<path>/<name>/SKILL.md`; later dirs override earlier ones by name. */
export async function loadSkills(dirs: { path: string; source: SkillSource }[], options: SkillWarningOptions = {}): Promise<Skill[]> {
  const byName = new Map<string, Skill>();
  for (const root of dirs) {
    for (const skill of await readSkillsDir(root.path, root.source, options.onWarning)) byName.set(skill.name, skill);
  }
  return [...byName.values()].sort((a, b) => compareText(a.name, b.name));
}

/** `loadSkills`, with the skipped skills collected instead of reported one by one. */
export async function loadSkillsWithWarnings(
  dirs: { path: string; source: SkillSource }[],
): Promise<{ skills: Skill[]; warnings: SkillWarning[] }> {
  const warnings: SkillWarning[] = [];
  const skills = await loadSkills(dirs, { onWarning: (w) => warnings.push(w) });
  return { skills, warnings };
}

async function readSkillsDir(root: string, source: SkillSource, onWarning?: (w: SkillWarning) => void): Promise<Skill[]> {
  const warn = (p: string, message: string) => onWarning?.({ source, path: p, message });
  let entries: Dirent[];
  try {
    entries = await readdir(root, { withFileTypes: true });
  } catch (error) {
    if (isErrno(error, "ENOENT") || isErrno(error, "ENOTDIR")) return [];
    warn(root, `cannot read the skills folder: ${errorMessage(error)}`);
    return [];
  }
  const skills: Skill[] = [];
  for (const entry of entries.sort((a, b) => compareText(a.name, b.name))) {
    if (entry.name.startsWith(".")) continue;
    const dir = path.resolve(root, entry.name);
    if (entry.isSymbolicLink()) {
      warn(dir, "skipped: skill folders may not be symbolic links");
      continue;
    }
    if (!entry.isDirectory()) continue;
    const result = await readSkill(dir, source);
    if (typeof result === "string") warn(path.join(dir, SKILL_FILE), `skipped: ${result}`);
    else skills.push(result);
  }
  return skills;
}

/** The skill in `dir`, or why it cannot be used. */
async function readSkill(dir: string, source: SkillSource): Promise<Skill | string> {
  const file = path.join(dir, SKILL_FILE);
  let text: string;
  try {
    const stat = await lstat(file);
    if (!stat.isFile()) return `${SKILL_FILE} is not a regular file`;
    if (stat.size > MAX_SKILL_FILE_BYTES) return `${SKILL_FILE} is larger than ${MAX_SKILL_FILE_BYTES} bytes`;
    text = await readFile(file, "utf8");
  } catch (error) {
    return isErrno(error, "ENOENT") ? `no ${SKILL_FILE} in the folder` : `cannot read ${SKILL_FILE}: ${errorMessage(error)}`;
  }
  const parts = splitFrontMatter(text);
  if (!parts) return `${SKILL_FILE} does not start with YAML front matter between "---" lines`;
  const doc = parseDocument(parts.yaml, { uniqueKeys: true });
  const yamlError = doc.errors[0];
  if (yamlError) return `invalid YAML front matter: ${yamlError.message.split("\n")[0]}`;
  const parsed = frontMatterSchema.safeParse(doc.toJS({ maxAliasCount: 50 }));
  if (!parsed.success) return `invalid front matter: ${formatIssues(parsed.error)}`;
  const folder = path.basename(dir);
  if (parsed.data.name !== folder) return `name "${parsed.data.name}" does not match its folder "${folder}"`;
  const body = parts.rest.trim();
  if (!body) return "no instructions after the front matter";
  return {
    name: parsed.data.name,
    description: parsed.data.description,
    ...(parsed.data.triggers ? { triggers: parsed.data.triggers } : {}),
    source,
    dir,
    body,
  };
}

export function splitFrontMatter(text: string): { yaml: string; rest: string } | undefined {
  const match = /^\uFEFF?---[ \t]*\r?\n([\s\S]*?)\r?\n---[ \t]*(?:\r?\n|$)/.exec(text);
  if (!match) return undefined;
  return { yaml: match[1] ?? "", rest: text.slice(match[0].length) };
}

function formatIssues(error: z.ZodError): string {
  return error.issues.map((issue) => `${issue.path.join(".") || "front matter"}: ${issue.message}`).join("; ");
}

// ── selection ──────────────────────────────────────────────────────────────────────────────

interface RuleMatch {
  /** How many of vendors / events / keywords the rule sets: a narrower rule ranks first. */
  specificity: number;
  /** Distinct keywords found in the text. */
  hits: number;
}

/**
 * Explicitly requested skills first (in request order; unknown names ignored), then skills
 * whose trigger rules match, most specific first; at most `limit` (3). When nothing is
 * selected, `answer-question` if it exists.
 */
export function selectSkills(
  skills: Skill[],
  ctx: { vendor: string; eventType: string; text: string; requested: string[] },
  options: { limit?: number } = {},
): Skill[] {
  const limit = Math.max(1, options.limit ?? DEFAULT_SELECTION_LIMIT);
  const byName = new Map(skills.map((s) => [s.name, s]));
  const chosen = new Map<string, Skill>();

  for (const requested of ctx.requested) {
    const skill = byName.get(requested.trim().toLowerCase());
    if (skill && chosen.size < limit) chosen.set(skill.name, skill);
  }

  const matches = [...byName.values()]
    .filter((skill) => !chosen.has(skill.name))
    .map((skill) => ({ skill, match: bestMatch(skill, ctx) }))
    .filter((m): m is { skill: Skill; match: RuleMatch } => m.match !== undefined)
    .sort(
      (a, b) =>
        b.match.specificity - a.match.specificity ||
        b.match.hits - a.match.hits ||
        sourceRank(a.skill.source) - sourceRank(b.skill.source) ||
        compareText(a.skill.name, b.skill.name),
    );
  for (const { skill } of matches) {
    if (chosen.size >= limit) break;
    chosen.set(skill.name, skill);
  }

  const fallback = byName.get(FALLBACK_SKILL);
  if (chosen.size === 0 && fallback) return [fallback];
  return [...chosen.values()];
}

function bestMatch(skill: Skill, ctx: { vendor: string; eventType: string; text: string }): RuleMatch | undefined {
  let best: RuleMatch | undefined;
  for (const rule of skill.triggers ?? []) {
    const match = matchRule(rule, ctx);
    if (match && (!best || match.specificity > best.specificity || (match.specificity === best.specificity && match.hits > best.hits)))
      best = match;
  }
  return best;
}

function matchRule(rule: SkillTriggerRule, ctx: { vendor: string; eventType: string; text: string }): RuleMatch | undefined {
  if (rule.vendors && !rule.vendors.some((v) => sameText(v, ctx.vendor))) return undefined;
  if (rule.events && !rule.events.some((e) => sameText(e, ctx.eventType))) return undefined;
  let hits = 0;
  if (rule.keywords) {
    hits = new Set(rule.keywords.map((k) => k.toLowerCase()).filter((k) => containsWord(ctx.text, k))).size;
    if (hits === 0) return undefined;
  }
  const specificity = [rule.vendors, rule.events, rule.keywords].filter(Boolean).length;
  return { specificity, hits };
}

/** Whole-word, case-insensitive; a keyword of several words matches across any whitespace. */
function containsWord(text: string, keyword: string): boolean {
  const pattern = keyword
    .trim()
    .split(/\s+/)
    .map((word) => word.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))
    .join("\\s+");
  return new RegExp(`(?<![\\p{L}\\p{N}_])${pattern}(?![\\p{L}\\p{N}_])`, "iu").test(text);
}

function sourceRank(source: SkillSource): number {
  return source === "repository" ? 0 : 1;
}

function sameText(a: string, b: string): boolean {
  return a.trim().toLowerCase() === b.trim().toLowerCase();
}

/** Locale-independent, so the order is the same on every machine. */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function toPosix(p: string): string {
  return p.split(path.sep).join("/");
}

export function isErrno(error: unknown, code: string): boolean {
  return error instanceof Error && (error as NodeJS.ErrnoException).code === code;
}
