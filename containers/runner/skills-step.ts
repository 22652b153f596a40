// The skills step of a run: load the built-ins and the checkout's own
// `.agent-bot/skills/`, select for this event, install where the CLI reads
// them, and report the choice as a `skills` event.
import { join } from "node:path";
import type { RunnerEventInput, RunRequest } from "../../core/runner-protocol";
import type { SelectedSkill } from "./prompt";
import { loadSkills, selectSkills, type SkillWarning } from "./skills";
import { installSkills } from "./skills-install";

export async function prepareSkills(options: {
  request: RunRequest;
  workspace: string;
  skillsDir: string;
  emit: (event: RunnerEventInput) => void;
}): Promise<SelectedSkill[]> {
  const { request, workspace, skillsDir, emit } = options;
  const onWarning = (w: SkillWarning) => emit({ type: "log", level: "warn", message: `skill ${w.path}: ${w.message}` });
  const dirs: { path: string; source: "builtin" | "repository" }[] = [{ path: skillsDir, source: "builtin" }];
  if (request.repo) dirs.push({ path: join(workspace, ".agent-bot", "skills"), source: "repository" });
  const skills = await loadSkills(dirs, { onWarning });
  const selected = selectSkills(skills, {
    vendor: request.context.vendor,
    eventType: request.context.eventType,
    text: [request.context.title, request.prompt].filter(Boolean).join("\n"),
    requested: request.skills,
  });
  await installSkills(selected, workspace, request.cli, { onWarning });
  const chosen = selected.map((s) => ({ name: s.name, source: s.source }));
  emit({ type: "skills", skills: chosen });
  return chosen;
}
