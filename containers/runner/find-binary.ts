// Finds a CLI's executable the way a shell would, on the PATH of the
// environment the CLI will run in, so a missing binary fails the run with a
// clear reason before any clone work, instead of as a spawn ENOENT later.
import { constants } from "node:fs";
import { access, stat } from "node:fs/promises";
import { delimiter, isAbsolute, join, resolve } from "node:path";

export async function findBinary(nameOrPath: string, pathEnv: string | undefined): Promise<string | undefined> {
  if (nameOrPath.includes("/")) {
    const path = isAbsolute(nameOrPath) ? nameOrPath : resolve(nameOrPath);
    return (await isExecutable(path)) ? path : undefined;
  }
  for (const dir of (pathEnv ?? "").split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, nameOrPath);
    if (await isExecutable(candidate)) return candidate;
  }
  return undefined;
}

async function isExecutable(path: string): Promise<boolean> {
  try {
    if (!(await stat(path)).isFile()) return false;
    await access(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
