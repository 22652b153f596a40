// Reads a .dev.vars file (KEY=value lines, # comments, optional double quotes):
// the first of `candidates` that exists, resolved against the repository root.
import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";

const root = resolve(new URL("..", import.meta.url).pathname);

/** @param {(string | undefined)[]} candidates @returns {Record<string, string>} */
export function readDevVars(candidates = [".dev.vars", ".dev.vars.example"]) {
  const file = candidates
    .filter(Boolean)
    .map((name) => resolve(root, name))
    .find((path) => existsSync(path));
  if (!file) return {};
  return Object.fromEntries(
    readFileSync(file, "utf8")
      .split("\n")
      .map((line) => line.trim())
      .filter((line) => line && !line.startsWith("#") && line.includes("="))
      .map((line) => [
        line.slice(0, line.indexOf("=")).trim(),
        line
          .slice(line.indexOf("=") + 1)
          .trim()
          .replace(/^"(.*)"$/, "$1"),
      ]),
  );
}
