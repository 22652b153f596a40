// Skills: the real built-ins load, trigger rules select per vendor, event and keyword, a
// repository skill overrides a built-in, broken skills are skipped with a warning, and
// installation puts files where each CLI reads them without touching the repository's own.
import { mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { parse as parseYaml } from "yaml";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import {
  builtinSkillsDir,
  loadSkills,
  loadSkillsWithWarnings,
  selectSkills,
  type Skill,
  type SkillWarning,
} from "../../containers/runner/skills";
import { installSkills } from "../../containers/runner/skills-install";

const BUILTINS = ["answer-question", "fix-sentry-issue", "implement-issue", "review-pull-request", "triage-jira-ticket"];

let tmp: string;
beforeEach(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), "agent-bot-skills-"));
});
afterEach(async () => {
  vi.unstubAllEnvs();
  await rm(tmp, { recursive: true, force: true });
});

async function write(file: string, content: string): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, content);
}

function skillMd(name: string, extra = "", body = `# ${name}\n\nDo the ${name} thing.\n`): string {
  return `---\nname: ${name}\ndescription: The ${name} skill.\n${extra}---\n\n${body}`;
}

async function builtins(): Promise<Skill[]> {
  const { skills, warnings } = await loadSkillsWithWarnings([{ path: builtinSkillsDir(), source: "builtin" }]);
  expect(warnings).toEqual([]);
  return skills;
}

function names(skills: Skill[]): string[] {
  return skills.map((s) => s.name);
}

describe("built-in skills", () => {
  it("all load without warnings, each named after its folder", async () => {
    const skills = await builtins();
    expect(names(skills)).toEqual(expect.arrayContaining(BUILTINS));
    for (const skill of skills) {
      expect(path.basename(skill.dir)).toBe(skill.name);
      expect(path.dirname(skill.dir)).toBe(builtinSkillsDir());
      expect(skill.source).toBe("builtin");
      expect(skill.description.length).toBeGreaterThan(20);
      expect(skill.triggers?.length).toBeGreaterThan(0);
      expect(skill.body).toMatch(/^# /);
      expect(skill.body).toMatch(/secret/i);
    }
  });

  it("resolve from SKILLS_DIR when it is set", () => {
    vi.stubEnv("SKILLS_DIR", tmp);
    expect(builtinSkillsDir()).toBe(tmp);
    vi.stubEnv("SKILLS_DIR", "");
    expect(builtinSkillsDir()).toBe(path.resolve(import.meta.dirname, "../../skills"));
  });
});

describe("selectSkills with the built-ins", () => {
  let skills: Skill[];
  beforeEach(async () => {
    skills = await builtins();
  });
  const select = (vendor: string, eventType: string, text: string, requested: string[] = []) =>
    names(selectSkills(skills, { vendor, eventType, text, requested }));

  it.each([
    ["sentry", "issue", "TypeError: Cannot read properties of undefined (reading 'id')", "fix-sentry-issue"],
    ["github", "issues", "@agent-bot the export button does nothing", "implement-issue"],
    ["github", "pull_request", "Refactor the queue consumer", "review-pull-request"],
    ["github", "issue_comment", "@agent-bot please review this", "review-pull-request"],
    ["github", "issue_comment", "@agent-bot add a --dry-run flag", "implement-issue"],
    ["github", "pull_request_review_comment", "@agent-bot rename this variable", "implement-issue"],
    ["jira", "jira:issue_created", "Checkout times out for large carts", "triage-jira-ticket"],
    ["slack", "app_mention", "<@U123> why is checkout failing?", "answer-question"],
  ])("%s %s %j → %s first", (vendor, eventType, text, expected) => {
    const selected = select(vendor, eventType, text);
    expect(selected[0]).toBe(expected);
    expect(selected.length).toBeLessThanOrEqual(3);
  });

  it("matches keywords as whole words, ignoring case", () => {
    expect(select("github", "issue_comment", "@agent-bot FIX the login page")).toContain("implement-issue");
    expect(select("github", "issue_comment", "@agent-bot the prefix looks odd")).not.toContain("implement-issue");
    expect(select("github", "issue_comment", "@agent-bot code   review, please")).toContain("review-pull-request");
    expect(select("github", "issue_comment", "@agent-bot reviewed already")).not.toContain("review-pull-request");
  });

  it("respects vendor and event: a keyword alone does not cross them", () => {
    // implement-issue's keyword rule is for comments, mentions and Jira tickets, not Sentry.
    expect(select("sentry", "issue", "Failed to add item to cart")).not.toContain("implement-issue");
    // review-pull-request is GitHub only.
    expect(select("slack", "app_mention", "review my plan")).not.toContain("review-pull-request");
  });

  it("puts requested skills first, ignores unknown names and caps at three", () => {
    expect(select("sentry", "issue", "crash", ["review-pull-request", "no-such-skill"])).toEqual([
      "review-pull-request",
      "fix-sentry-issue",
    ]);
    expect(select("slack", "app_mention", "hello", [" Implement-Issue ", "implement-issue"])).toEqual(["implement-issue"]);
    const many = select("github", "issue_comment", "why add a review? explain the sentry traceback and fix it", ["triage-jira-ticket"]);
    expect(many).toHaveLength(3);
    expect(many[0]).toBe("triage-jira-ticket");
  });

  it("falls back to answer-question when nothing matches, and only if it exists", () => {
    expect(select("slack", "app_mention", "hello there")).toEqual(["answer-question"]);
    expect(select("github", "push", "", ["no-such-skill"])).toEqual(["answer-question"]);
    const without = skills.filter((s) => s.name !== "answer-question");
    expect(selectSkills(without, { vendor: "slack", eventType: "app_mention", text: "hello", requested: [] })).toEqual([]);
  });

  it("is deterministic whatever the input order", () => {
    const ctx = { vendor: "github", eventType: "issue_comment", text: "why add a review? fix the sentry traceback", requested: [] };
    const expected = names(selectSkills(skills, ctx));
    for (let i = 0; i < 5; i++) {
      const shuffled = [...skills].sort(() => Math.random() - 0.5);
      expect(names(selectSkills(shuffled, ctx))).toEqual(expected);
    }
  });
});

describe("loadSkills", () => {
  it("treats a missing folder as empty", async () => {
    const { skills, warnings } = await loadSkillsWithWarnings([{ path: path.join(tmp, "nope"), source: "repository" }]);
    expect(skills).toEqual([]);
    expect(warnings).toEqual([]);
  });

  it("lets a repository skill override a built-in of the same name", async () => {
    const repo = path.join(tmp, "repo", ".agent-bot", "skills");
    await write(path.join(repo, "implement-issue", "SKILL.md"), skillMd("implement-issue", "", "# Ours\n\nUse pnpm.\n"));
    await write(path.join(repo, "deploy-preview", "SKILL.md"), skillMd("deploy-preview", "triggers:\n  keywords: preview\n"));
    const skills = await loadSkills([
      { path: builtinSkillsDir(), source: "builtin" },
      { path: repo, source: "repository" },
    ]);
    const implement = skills.find((s) => s.name === "implement-issue");
    expect(implement).toMatchObject({ source: "repository", body: "# Ours\n\nUse pnpm.", dir: path.join(repo, "implement-issue") });
    expect(implement?.triggers).toBeUndefined();
    expect(skills.filter((s) => s.name === "implement-issue")).toHaveLength(1);
    expect(skills.find((s) => s.name === "deploy-preview")?.triggers).toEqual([{ keywords: ["preview"] }]);
    expect(names(skills)).toEqual([...names(skills)].sort());

    // The override has no triggers: requested by name it still wins over the built-in.
    const picked = selectSkills(skills, { vendor: "github", eventType: "issues", text: "", requested: ["implement-issue"] });
    expect(picked[0]?.source).toBe("repository");
    expect(names(selectSkills(skills, { vendor: "slack", eventType: "app_mention", text: "a PREVIEW please", requested: [] }))).toEqual([
      "deploy-preview",
    ]);
  });

  it("skips skills with invalid front matter and reports each", async () => {
    const dir = path.join(tmp, "skills");
    await write(path.join(dir, "good", "SKILL.md"), skillMd("good", "triggers:\n  vendors: [github]\n"));
    await write(path.join(dir, "no-description", "SKILL.md"), "---\nname: no-description\n---\n\nBody.\n");
    await write(path.join(dir, "bad-yaml", "SKILL.md"), "---\nname: bad-yaml\ndescription: [unclosed\n---\n\nBody.\n");
    await write(path.join(dir, "wrong-folder", "SKILL.md"), skillMd("something-else"));
    await write(path.join(dir, "no-front-matter", "SKILL.md"), "# Just markdown\n");
    await write(path.join(dir, "typo-trigger", "SKILL.md"), skillMd("typo-trigger", "triggers:\n  keyword: [fix]\n"));
    await write(path.join(dir, "empty-rule", "SKILL.md"), skillMd("empty-rule", "triggers:\n  - {}\n"));
    await write(path.join(dir, "Bad_Name", "SKILL.md"), skillMd("Bad_Name"));
    await write(path.join(dir, "no-body", "SKILL.md"), skillMd("no-body", "", ""));
    await write(path.join(dir, "no-skill-file", "README.md"), "not a skill\n");
    await write(path.join(dir, "README.md"), "# the folder's readme is not a skill\n");

    const seen: SkillWarning[] = [];
    const skills = await loadSkills([{ path: dir, source: "repository" }], { onWarning: (w) => seen.push(w) });
    expect(names(skills)).toEqual(["good"]);

    const byFolder = Object.fromEntries(seen.map((w) => [path.basename(path.dirname(w.path)), w.message]));
    expect(Object.keys(byFolder).sort()).toEqual(
      [
        "Bad_Name",
        "bad-yaml",
        "empty-rule",
        "no-body",
        "no-description",
        "no-front-matter",
        "no-skill-file",
        "typo-trigger",
        "wrong-folder",
      ].sort(),
    );
    expect(byFolder["no-description"]).toMatch(/description/);
    expect(byFolder["bad-yaml"]).toMatch(/invalid YAML/);
    expect(byFolder["wrong-folder"]).toMatch(/does not match its folder/);
    expect(byFolder["typo-trigger"]).toMatch(/keyword/);
    expect(byFolder.Bad_Name).toMatch(/lowercase/);
    expect(byFolder["no-skill-file"]).toMatch(/no SKILL\.md/);
    expect(seen.every((w) => w.source === "repository" && w.message.startsWith("skipped: "))).toBe(true);

    const collected = await loadSkillsWithWarnings([{ path: dir, source: "repository" }]);
    expect(collected.warnings).toEqual(seen);
  });
  it("skips symbolic links: a linked skill folder is not loaded, a linked file is not copied", async () => {
    const dir = path.join(tmp, "skills");
    await write(path.join(tmp, "elsewhere", "linked", "SKILL.md"), skillMd("linked"));
    await mkdir(dir, { recursive: true });
    await symlink(path.join(tmp, "elsewhere", "linked"), path.join(dir, "linked"));
    await write(path.join(dir, "real", "SKILL.md"), skillMd("real"));
    await write(path.join(tmp, "secret.txt"), "do not copy\n");
    await symlink(path.join(tmp, "secret.txt"), path.join(dir, "real", "notes.txt"));

    const { skills, warnings } = await loadSkillsWithWarnings([{ path: dir, source: "repository" }]);
    expect(names(skills)).toEqual(["real"]);
    expect(warnings).toEqual([
      expect.objectContaining({ path: path.join(dir, "linked"), message: expect.stringMatching(/symbolic link/) }),
    ]);

    const workdir = path.join(tmp, "checkout");
    const installWarnings: SkillWarning[] = [];
    await installSkills(skills, workdir, "claude", { onWarning: (w) => installWarnings.push(w) });
    expect(await readdir(path.join(workdir, ".claude", "skills", "real"))).toEqual(["SKILL.md"]);
    expect(installWarnings).toEqual([expect.objectContaining({ path: path.join(dir, "real", "notes.txt") })]);
  });
});

describe("installSkills", () => {
  async function fixtureSkills(): Promise<Skill[]> {
    const dir = path.join(tmp, "src-skills");
    await write(
      path.join(dir, "with-files", "SKILL.md"),
      skillMd("with-files", "allowed-tools: Read Grep\n", "# With files\n\nSee `reference.md`.\n"),
    );
    await write(path.join(dir, "with-files", "reference.md"), "reference\n");
    await write(path.join(dir, "with-files", "scripts", "check.sh"), "#!/bin/sh\necho ok\n");
    await write(path.join(dir, "plain", "SKILL.md"), skillMd("plain"));
    return loadSkills([{ path: dir, source: "builtin" }]);
  }

  async function checkout(): Promise<string> {
    const workdir = path.join(tmp, "checkout");
    await mkdir(path.join(workdir, ".git", "info"), { recursive: true });
    return workdir;
  }

  it("copies whole skill folders to .claude/skills for Claude Code", async () => {
    const skills = await fixtureSkills();
    const workdir = await checkout();
    await installSkills(skills, workdir, "claude");

    const root = path.join(workdir, ".claude", "skills");
    expect((await readdir(root)).sort()).toEqual(["plain", "with-files"]);
    for (const skill of skills) {
      expect(await readFile(path.join(root, skill.name, "SKILL.md"), "utf8")).toBe(
        await readFile(path.join(skill.dir, "SKILL.md"), "utf8"),
      );
    }
    expect(await readFile(path.join(root, "with-files", "reference.md"), "utf8")).toBe("reference\n");
    expect(await readFile(path.join(root, "with-files", "scripts", "check.sh"), "utf8")).toContain("echo ok");

    const exclude = await readFile(path.join(workdir, ".git", "info", "exclude"), "utf8");
    expect(exclude).toContain("/.claude/skills/plain/\n");
    expect(exclude).toContain("/.claude/skills/with-files/\n");
  });

  it("writes one always-applied .mdc rule per skill for Cursor, with its files beside it", async () => {
    const skills = await fixtureSkills();
    const workdir = await checkout();
    await installSkills(skills, workdir, "cursor");

    const rules = path.join(workdir, ".cursor", "rules");
    expect((await readdir(rules)).sort()).toEqual(["agent-bot-plain.mdc", "agent-bot-with-files", "agent-bot-with-files.mdc"]);
    const rule = await readFile(path.join(rules, "agent-bot-with-files.mdc"), "utf8");
    const [, frontMatter, body] = /^---\n([\s\S]*?)\n---\n([\s\S]*)$/.exec(rule) ?? [];
    expect(parseYaml(frontMatter ?? "")).toEqual({ description: "The with-files skill.", alwaysApply: true });
    expect(body).toContain("# With files\n\nSee `reference.md`.");
    expect(body).toContain("`.cursor/rules/agent-bot-with-files/`");
    expect(await readFile(path.join(rules, "agent-bot-with-files", "reference.md"), "utf8")).toBe("reference\n");
    expect(await readFile(path.join(rules, "agent-bot-with-files", "scripts", "check.sh"), "utf8")).toContain("echo ok");
    expect(await readFile(path.join(rules, "agent-bot-plain.mdc"), "utf8")).not.toContain("Files this rule refers to");

    const exclude = await readFile(path.join(workdir, ".git", "info", "exclude"), "utf8");
    expect(exclude.split("\n")).toEqual(
      expect.arrayContaining([
        "/.cursor/rules/agent-bot-plain.mdc",
        "/.cursor/rules/agent-bot-with-files.mdc",
        "/.cursor/rules/agent-bot-with-files/",
      ]),
    );
  });

  it("never overwrites what the repository has: installs under the next free name", async () => {
    const skills = await fixtureSkills();
    const workdir = await checkout();
    const ownSkill = path.join(workdir, ".claude", "skills", "with-files", "SKILL.md");
    const ownRule = path.join(workdir, ".cursor", "rules", "agent-bot-plain.mdc");
    await write(ownSkill, "the repository's own skill\n");
    await write(ownRule, "the repository's own rule\n");

    const warnings: SkillWarning[] = [];
    await installSkills(skills, workdir, "claude", { onWarning: (w) => warnings.push(w) });
    await installSkills(skills, workdir, "cursor", { onWarning: (w) => warnings.push(w) });

    expect(await readFile(ownSkill, "utf8")).toBe("the repository's own skill\n");
    expect(await readFile(ownRule, "utf8")).toBe("the repository's own rule\n");
    expect(await readdir(path.join(workdir, ".claude", "skills", "with-files"))).toEqual(["SKILL.md"]);

    const moved = await readFile(path.join(workdir, ".claude", "skills", "with-files-agent-bot", "SKILL.md"), "utf8");
    expect(moved).toMatch(/^---\nname: with-files-agent-bot\n/);
    expect(moved).toContain("allowed-tools: Read Grep");
    expect(moved).toContain("# With files");
    const reloaded = await loadSkillsWithWarnings([{ path: path.join(workdir, ".claude", "skills"), source: "repository" }]);
    expect(names(reloaded.skills)).toContain("with-files-agent-bot");

    expect(await readFile(path.join(workdir, ".cursor", "rules", "agent-bot-plain-2.mdc"), "utf8")).toContain("# plain");
    expect(warnings.map((w) => w.message)).toEqual([
      expect.stringContaining('installed as "with-files-agent-bot"'),
      expect.stringContaining('installed as "agent-bot-plain-2.mdc"'),
    ]);

    const exclude = await readFile(path.join(workdir, ".git", "info", "exclude"), "utf8");
    expect(exclude).not.toMatch(/^\/\.claude\/skills\/with-files\/$/m);
    expect(exclude).not.toMatch(/^\/\.cursor\/rules\/agent-bot-plain\.mdc$/m);
  });

  it("is idempotent: installing twice into the same checkout changes nothing", async () => {
    const skills = await fixtureSkills();
    const workdir = await checkout();
    for (const cli of ["claude", "cursor"] as const) {
      await installSkills(skills, workdir, cli);
      const exclude = await readFile(path.join(workdir, ".git", "info", "exclude"), "utf8");
      await installSkills(skills, workdir, cli);
      expect(await readFile(path.join(workdir, ".git", "info", "exclude"), "utf8")).toBe(exclude);
    }
    expect((await readdir(path.join(workdir, ".claude", "skills"))).sort()).toEqual(["plain", "with-files"]);
    expect((await readdir(path.join(workdir, ".cursor", "rules"))).sort()).toEqual([
      "agent-bot-plain.mdc",
      "agent-bot-with-files",
      "agent-bot-with-files.mdc",
    ]);
  });

  it("works in a folder that is not a git checkout", async () => {
    const skills = await fixtureSkills();
    const workdir = path.join(tmp, "plain-dir");
    await mkdir(workdir);
    await installSkills(skills, workdir, "claude");
    expect((await readdir(workdir)).sort()).toEqual([".claude"]);
  });
});
