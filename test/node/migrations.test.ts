// Migrations are applied by wrangler in file-name order: prefixes must be
// unique and consecutive, and every file must be one drizzle-kit generated.
import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

const files = readdirSync("migrations")
  .filter((f) => f.endsWith(".sql"))
  .sort();
const journal = JSON.parse(readFileSync("migrations/meta/_journal.json", "utf8")) as { entries: { idx: number; tag: string }[] };

describe("migrations", () => {
  it("have unique, consecutive four-digit prefixes", () => {
    expect(files.length).toBeGreaterThan(0);
    files.forEach((file, i) => expect(file).toMatch(new RegExp(`^${String(i).padStart(4, "0")}_[a-z0-9_]+\\.sql$`)));
  });

  it("match drizzle-kit's journal one to one", () => {
    expect(journal.entries.map((e) => `${e.tag}.sql`)).toEqual(files);
  });
});
