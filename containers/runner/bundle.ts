// Bundles the runner into one ESM file for the image (containers/Dockerfile)
// and for CI, which proves the bundle builds: `npm run runner:bundle`.
// Usage: tsx containers/runner/bundle.ts [outfile]   (default dist/runner/runner.js)
import { writeFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { build } from "esbuild";

const outfile = resolve(process.argv[2] ?? "dist/runner/runner.js");

await build({
  entryPoints: [resolve(import.meta.dirname, "main.ts")],
  outfile,
  bundle: true,
  platform: "node",
  target: "node22",
  format: "esm",
  // Dependencies written as CommonJS call require(); ESM output has none unless we provide it.
  banner: { js: 'import { createRequire as __createRequire } from "node:module"; const require = __createRequire(import.meta.url);' },
  sourcemap: "linked",
  legalComments: "none",
  logLevel: "warning",
});
// The bundle is ESM in a `.js` file; this tells Node so wherever the folder is copied.
await writeFile(resolve(dirname(outfile), "package.json"), `${JSON.stringify({ type: "module" }, null, 2)}\n`);
console.log(`runner bundled to ${outfile}`);
