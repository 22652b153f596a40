// Every repository path the docs name exists: README.md and docs/**/*.md, in inline code,
// in link targets, and in fenced blocks (diagrams, commands) where a token starts with a
// top-level folder. Inline code counts as a path when it starts with a top-level entry of the
// repository or ends in a file extension; it is read from the repository root. Link targets are
// read from the doc's own folder, as GitHub does. Not checked: URLs, absolute and home paths,
// placeholders (`<vendor>`), globs, npm package names (`jira.js`, `agents/mcp/server`), and
// what .gitignore leaves out of a clone (`.dev.vars`, `dashboard/dist/`).
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, normalize, relative } from "node:path";
import { describe, expect, it } from "vitest";

/** Files a doc names that live in another repository, not this one. */
const ELSEWHERE = new Set([
  // What the scripted model's `[fake:write]` makes the CLI write into the sample repository.
  "agent-notes.md",
]);

const EXTENSION = /\.(ts|tsx|mts|mjs|js|cjs|json|jsonl|toml|md|sql|css|html|ya?ml|sh|example|png|txt)$/;
const PATH_LIKE = /^[\w.@-]+(\/[\w.@-]+)*\/?$/;

function markdownFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? markdownFiles(path) : name.endsWith(".md") ? [path] : [];
  });
}

/** Paths .gitignore leaves out of a clone: `dir/` entries as prefixes, others as exact names. */
function ignoredPrefixes(): string[] {
  return readFileSync(".gitignore", "utf8")
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith("#") && !line.includes("*"))
    .map((line) => line.replace(/^\//, ""));
}

const ignored = ignoredPrefixes();
const isIgnored = (path: string) =>
  path.split("/")[0] === "node_modules" ||
  ignored.some((entry) => (entry.endsWith("/") ? `${path}/`.startsWith(entry) : path === entry || path.startsWith(`${entry}/`)));
const topLevel = new Set(readdirSync(".").filter((name) => name !== ".git" && !isIgnored(name)));
const isPackage = (spec: string) => {
  const name = spec.startsWith("@") ? spec.split("/").slice(0, 2).join("/") : spec.split("/")[0]!;
  return existsSync(join("node_modules", name));
};

/** The repository path an inline code span names, relative to the root, or undefined. */
function codePath(code: string): string | undefined {
  const text = code.trim().replace(/^\.\//, "");
  if (!PATH_LIKE.test(text) || text.startsWith("@")) return undefined;
  const first = text.split("/")[0]!;
  if (topLevel.has(first)) return text;
  if (!EXTENSION.test(text) || isPackage(text)) return undefined;
  return text;
}

/** The repository path a link target names, relative to the root, or undefined. */
function linkPath(target: string, doc: string): string | undefined {
  const path = target.split("#")[0]!.trim();
  if (!path || /^[a-z][a-z+.-]*:/i.test(path) || path.startsWith("/") || path.includes("<")) return undefined;
  return relative(".", normalize(join(dirname(doc), decodeURI(path))));
}

interface Named {
  doc: string;
  line: number;
  path: string;
}

function namedPaths(doc: string): Named[] {
  const named: Named[] = [];
  let fenced = false;
  readFileSync(doc, "utf8")
    .split("\n")
    .forEach((text, i) => {
      const line = i + 1;
      if (/^\s*(```|~~~)/.test(text)) {
        fenced = !fenced;
        return;
      }
      if (fenced) {
        // Commands and diagrams: only tokens that start with a top-level folder.
        for (const token of text.split(/[\s`'"(),]+/)) {
          const path = token.replace(/[.:;]+$/, "");
          if (path.includes("/") && topLevel.has(path.split("/")[0]!) && PATH_LIKE.test(path)) named.push({ doc, line, path });
        }
        return;
      }
      for (const match of text.matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)) {
        const path = linkPath(match[1]!, doc);
        if (path !== undefined) named.push({ doc, line, path });
      }
      for (const match of text.matchAll(/(`+)([^`]+?)\1/g)) {
        const path = codePath(match[2]!);
        if (path !== undefined) named.push({ doc, line, path });
      }
    });
  return named;
}

const docs = ["README.md", ...markdownFiles("docs")];
const named = docs.flatMap(namedPaths);

describe("paths named in the docs", () => {
  it("finds the docs and the paths they name", () => {
    expect(docs.length).toBeGreaterThan(5);
    expect(named.length).toBeGreaterThan(50);
  });

  it("all exist", () => {
    const missing = named
      .filter(({ path }) => !ELSEWHERE.has(path) && !isIgnored(path) && !existsSync(path))
      .map(({ doc, line, path }) => `${doc}:${line} → ${path}`);
    expect(missing, "paths named in README.md and docs/ that do not exist").toEqual([]);
  });
});
