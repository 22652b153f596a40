// Installing selected skills where each CLI reads them (split from skills.ts:
// loading and selection live there).
import { appendFile, copyFile, lstat, mkdir, readdir, readFile, rmdir, writeFile } from "node:fs/promises";
import { constants } from "node:fs";
import path from "node:path";
import { parseDocument } from "yaml";
import { compareText, isErrno, SKILL_FILE, splitFrontMatter, toPosix, type Skill, type SkillWarningOptions } from "./skills";

/** Gives up finding a free name after this many tries; the skill is then skipped with a warning. */
const MAX_NAME_ATTEMPTS = 20;

/**
 * Copies each skill (SKILL.md and its other files) to where the CLI reads it. Claude Code:
 * `<workdir>/.claude/skills/<name>/`. Cursor: `<workdir>/.cursor/rules/agent-bot-<name>.mdc`
 * (front matter `description`, `alwaysApply: true`, then the body) and the other files under
 * `.cursor/rules/agent-bot-<name>/`. A path the repository already has is never written: the
 * skill goes under the next free name instead. Installed paths are added to the checkout's
 * `.git/info/exclude`, so they never become part of the agent's change.
 */
export async function installSkills(
  skills: Skill[],
  workdir: string,
  cli: "claude" | "cursor",
  options: SkillWarningOptions = {},
): Promise<void> {
  const installed: string[] = [];
  for (const skill of skills) {
    const warn = (p: string, message: string) => options.onWarning?.({ source: skill.source, path: p, message });
    const files = await supportingFiles(skill.dir, warn);
    const paths =
      cli === "claude" ? await installForClaude(skill, files, workdir, warn) : await installForCursor(skill, files, workdir, warn);
    installed.push(...paths);
  }
  await excludeFromGit(workdir, installed);
}

/** Returns the installed paths relative to `workdir`, directories with a trailing `/`. */
async function installForClaude(skill: Skill, files: string[], workdir: string, warn: (p: string, m: string) => void): Promise<string[]> {
  const root = path.join(workdir, ".claude", "skills");
  await mkdir(root, { recursive: true });
  const original = await readFile(path.join(skill.dir, SKILL_FILE), "utf8");
  for (let attempt = 0; attempt < MAX_NAME_ATTEMPTS; attempt++) {
    const name = attempt === 0 ? skill.name : `${skill.name}-agent-bot${attempt === 1 ? "" : `-${attempt}`}`;
    const target = path.join(root, name);
    const content = attempt === 0 ? original : renameSkill(original, name);
    if (!(await claimDir(target))) {
      // Already installed by an earlier run into this checkout: nothing to do.
      if ((await readIfFile(path.join(target, SKILL_FILE))) === content) return [];
      continue;
    }
    await writeFile(path.join(target, SKILL_FILE), content, { flag: "wx" });
    await copyFiles(skill.dir, target, files);
    if (attempt > 0) warn(target, `installed as "${name}": .claude/skills/${skill.name} already exists in the repository`);
    return [`${toPosix(path.relative(workdir, target))}/`];
  }
  warn(path.join(root, skill.name), `not installed: no free name after ${MAX_NAME_ATTEMPTS} tries`);
  return [];
}

async function installForCursor(skill: Skill, files: string[], workdir: string, warn: (p: string, m: string) => void): Promise<string[]> {
  const root = path.join(workdir, ".cursor", "rules");
  await mkdir(root, { recursive: true });
  for (let attempt = 0; attempt < MAX_NAME_ATTEMPTS; attempt++) {
    const base = `agent-bot-${skill.name}${attempt === 0 ? "" : `-${attempt + 1}`}`;
    const ruleFile = path.join(root, `${base}.mdc`);
    const filesDir = path.join(root, base);
    const content = cursorRule(skill, files.length ? `.cursor/rules/${base}/` : undefined, files);
    const existing = await readIfFile(ruleFile);
    if (existing === content) return [];
    if (existing !== undefined || (await exists(ruleFile))) continue;
    if (files.length && !(await claimDir(filesDir))) continue;
    try {
      await writeFile(ruleFile, content, { flag: "wx" });
    } catch (error) {
      if (!isErrno(error, "EEXIST")) throw error;
      if (files.length) await rmdir(filesDir);
      continue;
    }
    await copyFiles(skill.dir, filesDir, files);
    if (attempt > 0) warn(ruleFile, `installed as "${base}.mdc": agent-bot-${skill.name}.mdc already exists in the repository`);
    const relative = toPosix(path.relative(workdir, ruleFile));
    return files.length ? [relative, `${toPosix(path.relative(workdir, filesDir))}/`] : [relative];
  }
  warn(path.join(root, `agent-bot-${skill.name}.mdc`), `not installed: no free name after ${MAX_NAME_ATTEMPTS} tries`);
  return [];
}

function cursorRule(skill: Skill, filesDir: string | undefined, files: string[]): string {
  // A JSON string is a valid double-quoted YAML scalar and stays on one line, which Cursor's
  // front matter reader expects.
  const lines = ["---", `description: ${JSON.stringify(skill.description)}`, "alwaysApply: true", "---", "", skill.body, ""];
  if (filesDir) {
    lines.push(`Files this rule refers to are in \`${filesDir}\`: ${files.map((f) => `\`${f}\``).join(", ")}.`, "");
  }
  return lines.join("\n");
}

/** The SKILL.md with its front matter `name` changed, everything else kept as written. */
function renameSkill(text: string, name: string): string {
  const parts = splitFrontMatter(text);
  if (!parts) return text;
  const doc = parseDocument(parts.yaml);
  doc.set("name", name);
  return `---\n${doc.toString({ lineWidth: 0 })}---\n${parts.rest}`;
}

/** Files of the skill other than its SKILL.md, relative and `/`-separated; links are skipped. */
async function supportingFiles(dir: string, warn: (p: string, m: string) => void, prefix = ""): Promise<string[]> {
  const files: string[] = [];
  const entries = await readdir(path.join(dir, prefix), { withFileTypes: true });
  for (const entry of entries.sort((a, b) => compareText(a.name, b.name))) {
    const relative = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (!prefix && entry.name === SKILL_FILE) continue;
    if (entry.isDirectory()) files.push(...(await supportingFiles(dir, warn, relative)));
    else if (entry.isFile()) files.push(relative);
    else warn(path.join(dir, relative), "not copied: only regular files and folders are installed");
  }
  return files;
}

async function copyFiles(from: string, to: string, files: string[]): Promise<void> {
  for (const file of files) {
    const target = path.join(to, ...file.split("/"));
    await mkdir(path.dirname(target), { recursive: true });
    await copyFile(path.join(from, ...file.split("/")), target, constants.COPYFILE_EXCL);
  }
}

/** Creates `dir` (its parent exists); false when something is already at that path. */
async function claimDir(dir: string): Promise<boolean> {
  try {
    await mkdir(dir);
    return true;
  } catch (error) {
    if (isErrno(error, "EEXIST")) return false;
    throw error;
  }
}

async function readIfFile(file: string): Promise<string | undefined> {
  try {
    return (await lstat(file)).isFile() ? await readFile(file, "utf8") : undefined;
  } catch (error) {
    if (isErrno(error, "ENOENT") || isErrno(error, "ENOTDIR")) return undefined;
    throw error;
  }
}

async function exists(p: string): Promise<boolean> {
  try {
    await lstat(p);
    return true;
  } catch (error) {
    if (isErrno(error, "ENOENT")) return false;
    throw error;
  }
}

const EXCLUDE_HEADER = "# agent-bot: skills installed for the agent, not part of its change";

/** Appends `paths` (relative to `workdir`) to the checkout's info/exclude; no checkout, no-op. */
async function excludeFromGit(workdir: string, paths: string[]): Promise<void> {
  if (paths.length === 0) return;
  const gitDir = await resolveGitDir(workdir);
  if (!gitDir) return;
  const file = path.join(gitDir, "info", "exclude");
  await mkdir(path.dirname(file), { recursive: true });
  const current = (await readIfFile(file)) ?? "";
  const present = new Set(current.split(/\r?\n/));
  const lines = paths.map((p) => `/${p}`).filter((line) => !present.has(line));
  if (lines.length === 0) return;
  if (!present.has(EXCLUDE_HEADER)) lines.unshift(EXCLUDE_HEADER);
  await appendFile(file, `${(current && !current.endsWith("\n") ? "\n" : "") + lines.join("\n")}\n`);
}

/** `.git` as a folder, or the folder a `.git` file points to (worktrees share the common dir's excludes). */
async function resolveGitDir(workdir: string): Promise<string | undefined> {
  const dotGit = path.join(workdir, ".git");
  let stat: Awaited<ReturnType<typeof lstat>>;
  try {
    stat = await lstat(dotGit);
  } catch (error) {
    if (isErrno(error, "ENOENT")) return undefined;
    throw error;
  }
  if (stat.isDirectory()) return dotGit;
  if (!stat.isFile()) return undefined;
  const pointer = /^gitdir:\s*(.+?)\s*$/m.exec(await readFile(dotGit, "utf8"))?.[1];
  if (!pointer) return undefined;
  const gitDir = path.resolve(workdir, pointer);
  const common = (await readIfFile(path.join(gitDir, "commondir")))?.trim();
  return common ? path.resolve(gitDir, common) : gitDir;
}
