// docs/configuration.md cannot drift from the settings the code and the config files know:
// every key of `configSchema`, of wrangler.toml [vars] and of .dev.vars.example is in one of
// its settings tables (a table whose first header cell is `setting`, names in backticks in the
// first column), and every name those tables give exists in one of the three.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { configSchema } from "../../workers/config";

const DOC = "docs/configuration.md";
const SETTING = /`([A-Z][A-Z0-9_]*)`/g;

/** Keys of the [vars] table of a wrangler.toml: `NAME = …` lines up to the next table header. */
function wranglerVars(toml: string): string[] {
  const names: string[] = [];
  let inVars = false;
  for (const line of toml.split("\n")) {
    const text = line.trim();
    if (/^\[\[?[^\]]+\]\]?/.test(text)) inVars = text === "[vars]";
    else if (inVars) {
      const match = /^([A-Za-z_][A-Za-z0-9_]*)\s*=/.exec(text);
      if (match) names.push(match[1]!);
    }
  }
  return names;
}

/** Keys of a .dev.vars file: `NAME=value` lines, comments skipped. */
function devVarsKeys(text: string): string[] {
  return text
    .split("\n")
    .map((line) => /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*=/.exec(line)?.[1])
    .filter((name): name is string => Boolean(name));
}

interface Documented {
  line: number;
  setIn: string;
}

/** Setting names (with the line naming each first, and its `set in` cell) from every `setting` table. */
function documentedSettings(markdown: string): Map<string, Documented> {
  const found = new Map<string, Documented>();
  let header = true;
  let checking = false;
  markdown.split("\n").forEach((line, i) => {
    if (!line.trim().startsWith("|")) {
      header = true;
      return;
    }
    const [first = "", setIn = ""] = line
      .split("|")
      .slice(1)
      .map((cell) => cell.trim());
    if (header) {
      // A table's first row is its header: only tables headed `setting` are checked.
      checking = first.toLowerCase() === "setting";
      header = false;
      return;
    }
    if (!checking || /^:?-+:?$/.test(first)) return;
    for (const match of first.matchAll(SETTING)) if (!found.has(match[1]!)) found.set(match[1]!, { line: i + 1, setIn });
  });
  return found;
}

const sources = {
  "configSchema (workers/config.ts)": Object.keys(configSchema.shape),
  "wrangler.toml [vars]": wranglerVars(readFileSync("wrangler.toml", "utf8")),
  ".dev.vars.example": devVarsKeys(readFileSync(".dev.vars.example", "utf8")),
};
const documented = documentedSettings(readFileSync(DOC, "utf8"));

describe("docs/configuration.md", () => {
  it("reads settings from every source", () => {
    for (const [source, names] of Object.entries(sources)) expect(names.length, source).toBeGreaterThan(5);
    expect(documented.size).toBeGreaterThan(10);
  });

  it("documents every setting in configSchema, wrangler.toml [vars] and .dev.vars.example", () => {
    const missing = Object.entries(sources).flatMap(([source, names]) =>
      names.filter((name) => !documented.has(name)).map((name) => `${name} (in ${source})`),
    );
    expect(missing, `settings missing from the tables of ${DOC}`).toEqual([]);
  });

  it("names no setting that none of them knows", () => {
    const known = new Set(Object.values(sources).flat());
    const unknown = [...documented].filter(([name]) => !known.has(name)).map(([name, { line }]) => `${DOC}:${line} → ${name}`);
    expect(unknown, "settings the doc names that configSchema, wrangler.toml [vars] and .dev.vars.example lack").toEqual([]);
  });

  it("says where each setting is declared", () => {
    const vars = new Set(sources["wrangler.toml [vars]"]);
    const secrets = new Set(sources[".dev.vars.example"]);
    const wrong = [...documented].flatMap(([name, { line, setIn }]) => {
      const actual = vars.has(name) ? "`[vars]`" : secrets.has(name) ? "secret" : "not declared";
      return setIn === actual ? [] : [`${DOC}:${line} → ${name}: says ${setIn}, is ${actual}`];
    });
    expect(wrong, "the `set in` column against wrangler.toml [vars] and .dev.vars.example").toEqual([]);
  });
});
