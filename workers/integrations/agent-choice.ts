// Which CLI and model a request asks for: `[cli=cursor]` / `[model=<name>]` in its text, or
// labels (`agent-bot:cursor`, `agent-bot:model:<name>`, LABEL_PREFIX configurable) on the
// issue or ticket. The text wins over labels. A model is taken only from ALLOWED_MODELS (or the
// CLI's DEFAULT_MODEL), so a thread cannot run an unapproved or unknown one; a refused choice
// says what is allowed.
import { CLI_NAMES, type CliName } from "../../core/names";
import type { Config } from "../config";
import { escapeRegExp } from "./mentions";

export interface AgentChoice {
  /** Values as the request wrote them (the CLI lower-cased); checked by resolveAgentChoice. */
  cli?: string;
  model?: string;
  /** Where they came from, for the refusal: `[model=…]`, `label "agent-bot:model:…"`. */
  cliFrom?: string;
  modelFrom?: string;
  /** The text without its control tokens. */
  text: string;
}

/** `[cli=cursor]`, `[agent=cursor]`, `[model=opus]`: a bracketed key=value, any case, spaces allowed around `=`. */
const TOKEN = /\[\s*(cli|agent|model)\s*=\s*([^\]\s]{1,200})\s*\]/gi;

export function parseAgentChoice(text: string, labels: readonly string[], prefix: string): AgentChoice {
  const choice: AgentChoice = { text };
  const labelPattern = new RegExp(`^${escapeRegExp(prefix)}(?:model:(.+)|(${CLI_NAMES.map(escapeRegExp).join("|")}))$`, "i");
  for (const label of labels) {
    const match = labelPattern.exec(label.trim());
    if (match?.[1] && !choice.model) Object.assign(choice, { model: match[1].trim(), modelFrom: `label "${label}"` });
    if (match?.[2] && !choice.cli) Object.assign(choice, { cli: match[2].toLowerCase(), cliFrom: `label "${label}"` });
  }
  const fromText: Partial<AgentChoice> = {};
  for (const [token, key, value] of text.matchAll(TOKEN)) {
    const field = key?.toLowerCase() === "model" ? "model" : "cli";
    const chosen = field === "cli" ? value?.toLowerCase() : value;
    if (fromText[field] === undefined) Object.assign(fromText, { [field]: chosen, [`${field}From`]: token });
  }
  Object.assign(choice, fromText);
  choice.text = text
    .replace(TOKEN, "")
    .replace(/[ \t]{2,}/g, " ")
    .replace(/^[ \t]+|[ \t]+$/gm, "")
    .trim();
  return choice;
}

/** What a task records: its CLI and model when the request chose them, or why the choice is refused. */
export interface ResolvedChoice {
  cli?: CliName;
  model?: string;
  refusal?: string;
}

/** A model name as the CLIs take it: letters, digits and `._:@/-`, no spaces or shell characters. */
const MODEL_NAME = /^[A-Za-z0-9][A-Za-z0-9._:@/-]{0,199}$/;

/** Models a request may choose for `cli`: its DEFAULT_MODEL and those ALLOWED_MODELS lists for it or for every CLI. */
export function allowedModelsFor(cli: CliName, config: Pick<Config, "DEFAULT_MODEL" | "ALLOWED_MODELS">): string[] {
  const models = [config.DEFAULT_MODEL[cli], ...(config.ALLOWED_MODELS[cli] ?? []), ...(config.ALLOWED_MODELS["*"] ?? [])];
  return [...new Set(models.filter((m): m is string => Boolean(m)))];
}

export function resolveAgentChoice(
  choice: AgentChoice,
  config: Pick<Config, "DEFAULT_CLI" | "DEFAULT_MODEL" | "ALLOWED_MODELS">,
): ResolvedChoice {
  const resolved: ResolvedChoice = {};
  if (choice.cli !== undefined) {
    const cli = choice.cli.toLowerCase();
    if (!(CLI_NAMES as readonly string[]).includes(cli)) {
      return { refusal: `${choice.cliFrom ?? "the request"} names no CLI agent-bot runs; choose one of: ${CLI_NAMES.join(", ")}` };
    }
    resolved.cli = cli as CliName;
  }
  if (choice.model === undefined) return resolved;
  const cli = resolved.cli ?? config.DEFAULT_CLI;
  const allowed = allowedModelsFor(cli, config);
  if (!MODEL_NAME.test(choice.model) || !allowed.includes(choice.model)) {
    const options = allowed.length
      ? `the models allowed for ${cli} are: ${allowed.join(", ")}`
      : `no model may be chosen for ${cli} (ALLOWED_MODELS lists none), so leave the model out`;
    return { ...resolved, refusal: `${choice.modelFrom ?? "the request"} asks for a model that is not allowed; ${options}` };
  }
  return { ...resolved, model: choice.model };
}
