// Imports run one way: the Worker's entry → its handlers, MCP and Durable Objects → the
// Worker's building blocks → core/. The runner and the dashboard share core/ only. Every
// relative import (type-only ones too) of every .ts/.tsx/.mjs under the source folders is
// resolved to a file and checked against LAYERS; no files may import each other in a cycle.
// Package imports (zod, hono…) are not checked.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const ROOT = resolve(import.meta.dirname, "../..");
const SOURCE_DIRS = ["core", "workers", "durable-objects", "mcp", "containers", "dashboard", "scripts", "bench", "test"];
const SKIP_DIRS = new Set(["node_modules", "dist", ".wrangler", "artifacts"]);

/** Each layer and the layers it may import (its own always). A file is in the first layer with a matching path prefix. */
const LAYERS: { name: string; paths: string[]; mayImport: string[] }[] = [
  // The Worker's entry: assembles the app and exports the classes wrangler.toml binds.
  {
    name: "entry",
    paths: ["workers/index.ts", "workers/app.ts"],
    mayImport: ["handlers", "mcp", "durable-objects", "container-class", "worker-lib", "core"],
  },
  // Routes, middleware, queue consumers, webhook intake: they reach Durable Objects through env bindings.
  {
    name: "handlers",
    paths: ["workers/routes/", "workers/middleware/", "workers/queue/", "workers/webhooks/"],
    mayImport: ["worker-lib", "core"],
  },
  // MCP routes, servers, tools and their host and rate-limiter objects.
  { name: "mcp", paths: ["mcp/"], mayImport: ["worker-lib", "core"] },
  // TaskAgent and TaskScheduler.
  { name: "durable-objects", paths: ["durable-objects/"], mayImport: ["worker-lib", "core"] },
  // The Container class the Worker exports; it runs in workerd, not in the container.
  { name: "container-class", paths: ["containers/agent-runner.container.ts"], mayImport: ["core"] },
  // The agent runner: a Node process in the container, bundled on its own.
  { name: "runner", paths: ["containers/"], mayImport: ["core"] },
  // The Worker's building blocks: config, D1, vendor clients and parsers, threads, graph, observability.
  { name: "worker-lib", paths: ["workers/"], mayImport: ["core"] },
  // A separate Vite build: the API's types come from core, nothing from the Worker.
  { name: "dashboard", paths: ["dashboard/"], mayImport: ["core"] },
  // Domain types and pure helpers every runtime shares; packages only.
  { name: "core", paths: ["core/"], mayImport: [] },
  // Scripts, benchmarks and tests drive the code from outside.
  { name: "tools", paths: ["scripts/", "bench/", "test/"], mayImport: ["*"] },
];

/** Imports allowed against LAYERS, each with its reason. Keep it empty. */
const EXCEPTIONS: { from: string; to: string; why: string }[] = [];

const CODE = /\.(ts|tsx|mjs)$/;

function sourceFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory()) return SKIP_DIRS.has(entry.name) ? [] : sourceFiles(path);
    return CODE.test(entry.name) && !/\.d\.m?ts$/.test(entry.name) ? [path] : [];
  });
}

/** The file a relative specifier names, as bundlers resolve it; undefined when there is none. */
function resolveImport(from: string, specifier: string): string | undefined {
  const base = join(dirname(from), specifier);
  const candidates = [
    base,
    `${base}.ts`,
    `${base}.tsx`,
    `${base}.mjs`,
    base.replace(/\.js$/, ".ts"),
    `${base}/index.ts`,
    `${base}/index.tsx`,
  ];
  return candidates.find((file) => existsSync(join(ROOT, file)) && statSync(join(ROOT, file)).isFile());
}

function layerOf(file: string): string | undefined {
  return LAYERS.find((layer) => layer.paths.some((p) => (p.endsWith("/") ? file.startsWith(p) : file === p)))?.name;
}

const files = SOURCE_DIRS.flatMap(sourceFiles).sort();
const unresolved: string[] = [];
/** file → the files it imports. */
const graph = new Map<string, string[]>(
  files.map((file) => {
    const specifiers = ts.preProcessFile(readFileSync(join(ROOT, file), "utf8"), true, true).importedFiles.map((f) => f.fileName);
    const targets = specifiers
      .filter((s) => s.startsWith("./") || s.startsWith("../"))
      .flatMap((s) => {
        const target = resolveImport(file, s);
        if (!target) unresolved.push(`${file} → ${s}`);
        return target ? [relative(ROOT, join(ROOT, target)).split("\\").join("/")] : [];
      });
    return [file, [...new Set(targets)]];
  }),
);

function violations(): string[] {
  const out: string[] = [];
  for (const [from, targets] of graph) {
    const layer = LAYERS.find((l) => l.name === layerOf(from));
    for (const to of targets) {
      const target = layerOf(to);
      if (!layer || layer.mayImport.includes("*") || target === layer.name) continue;
      if (EXCEPTIONS.some((e) => e.from === from && e.to === to)) continue;
      if (!target || !layer.mayImport.includes(target)) {
        out.push(
          `${from} → ${to}: ${layer.name} may import ${[layer.name, ...layer.mayImport].join(", ")}; not ${target ?? "a file outside every layer"}`,
        );
      }
    }
  }
  return out;
}

/** Every cycle's files in import order, one per strongly connected component (Tarjan). */
function cycles(): string[] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  const visit = (node: string) => {
    index.set(node, next);
    low.set(node, next++);
    stack.push(node);
    onStack.add(node);
    for (const to of graph.get(node) ?? []) {
      if (!index.has(to)) {
        visit(to);
        low.set(node, Math.min(low.get(node)!, low.get(to)!));
      } else if (onStack.has(to)) low.set(node, Math.min(low.get(node)!, index.get(to)!));
    }
    if (low.get(node) === index.get(node)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(member);
      } while (member !== node);
      if (component.length > 1 || graph.get(node)?.includes(node)) components.push(component);
    }
  };
  for (const file of graph.keys()) if (!index.has(file)) visit(file);
  // Shows the shortest way round from the component's first file (breadth-first inside it).
  return components.map((component) => {
    const members = new Set(component);
    const start = [...component].sort()[0]!;
    const previous = new Map<string, string>();
    const queue = [start];
    while (queue.length) {
      const node = queue.shift()!;
      const targets = (graph.get(node) ?? []).filter((t) => members.has(t));
      if (targets.includes(start)) {
        const path = [node];
        while (path[0] !== start) path.unshift(previous.get(path[0]!)!);
        return [...path, start].join(" → ");
      }
      for (const t of targets) if (!previous.has(t) && t !== start) previous.set(t, node) && queue.push(t);
    }
    return component.join(" → ");
  });
}

describe("module boundaries", () => {
  it("scans every layer's files", () => {
    for (const layer of LAYERS)
      expect(
        files.some((f) => layerOf(f) === layer.name),
        `no files in layer ${layer.name}`,
      ).toBe(true);
    expect(
      files.filter((f) => !layerOf(f)),
      "files outside every layer",
    ).toEqual([]);
    expect(unresolved, "relative imports that name no file").toEqual([]);
  });

  it("core imports nothing outside core", () => {
    const outside = [...graph].flatMap(([from, targets]) =>
      from.startsWith("core/") ? targets.filter((t) => !t.startsWith("core/")).map((t) => `${from} → ${t}`) : [],
    );
    expect(outside, "core/ must not import a runtime folder").toEqual([]);
  });

  it("imports follow the layer order", () => {
    expect(violations(), "imports against the layer order (LAYERS in test/node/module-boundaries.test.ts)").toEqual([]);
  });

  it("no files import each other, directly or round a cycle", () => {
    expect(cycles(), "import cycles").toEqual([]);
  });
});
