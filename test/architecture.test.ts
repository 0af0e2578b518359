// The house of src/, read from its imports: every file sits on a floor, imports at run time only
// from its own floor or below, and no runtime import circle exists anywhere. Type-only imports are
// erased by the compiler and cannot change load order; the two that point upward are listed here.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "./helpers.js";

const SRC = join(ROOT, "src");

/** Bottom-up, as the README's architecture section tells it. First match wins. */
const FLOORS: [floor: number, name: string, files: RegExp][] = [
  [0, "foundations", /^(abi|errors|matrix|random|activation|loss|architecture)\.ts$/],
  [1, "memory plan and training block", /^(memoryPlan|trainingBlock)\.ts$/],
  [2, "backends", /^backend\//],
  [3, "engine", /^engine\.ts$/],
  [4, "optimizer configuration", /^optimizerConfig\.ts$/],
  [5, "optimizers", /^optimizer\.ts$/],
  [6, "file formats", /^(io|interop)\//],
  [7, "training", /^training\//],
  [8, "network", /^network\.ts$/],
  [9, "public API, workers, tables and the brain.js drop-in", /^(index\.ts|worker\/|table\/|brain\/)/],
  [10, "Node and the command line", /^(node\.ts|cli\.ts|cli\/)/],
];

/** Upward type-only imports, each for a reason (a type names what a lower floor hands back). */
const UPWARD_TYPES = new Set([
  "errors.ts -> training/types.ts", //  DivergenceError carries the run's History
  "optimizer.ts -> network.ts", //      optimizer.network is the Network it was made for
]);

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sources(path) : name.endsWith(".ts") && !name.endsWith(".d.ts") ? [relative(SRC, path)] : [];
  });
}

interface Edge { from: string; to: string; typeOnly: boolean }

function importsOf(file: string): Edge[] {
  const text = readFileSync(join(SRC, file), "utf8");
  const edges: Edge[] = [];
  const statement = /^(import|export)\s+(type\s+)?[^;]*?from\s+"(\.[^"]+)"|import\("(\.[^"]+)"\)/gms;
  for (const m of text.matchAll(statement)) {
    const target = m[3] ?? m[4]!;
    const to = relative(SRC, join(SRC, dirname(file), target)).replace(/\.js$/, ".ts");
    edges.push({ from: file, to, typeOnly: m[2] !== undefined });
  }
  return edges;
}

const floorOf = (file: string) => {
  const floor = FLOORS.find(([, , files]) => files.test(file));
  if (!floor) throw new Error(`${file} is on no floor: add it to FLOORS (and the README's architecture section)`);
  return floor[0];
};

const files = sources(SRC);
const edges = files.flatMap(importsOf);

describe("the import graph of src/", () => {
  it("resolves every relative import to a file of src/", () => {
    const known = new Set(files.concat(["backend/wasmBytes.generated.ts", "backend/wasmFmaBytes.generated.ts"]));
    expect(edges.filter((e) => !known.has(e.to)).map((e) => `${e.from} -> ${e.to}`)).toEqual([]);
    expect(edges.length).toBeGreaterThan(50);
  });

  it("puts every file on a floor, and no runtime import runs up a floor", () => {
    for (const file of files) floorOf(file);
    const upward = edges.filter((e) => !e.typeOnly && floorOf(e.to) > floorOf(e.from)).map((e) => `${e.from} -> ${e.to}`);
    expect(upward).toEqual([]);
  });

  it("has no upward type-only import but the listed ones", () => {
    const upward = edges.filter((e) => e.typeOnly && floorOf(e.to) > floorOf(e.from)).map((e) => `${e.from} -> ${e.to}`);
    expect(new Set(upward)).toEqual(UPWARD_TYPES);
  });

  it("has no runtime import circle", () => {
    const next = new Map<string, string[]>();
    for (const e of edges) if (!e.typeOnly) next.set(e.from, [...(next.get(e.from) ?? []), e.to]);
    const state = new Map<string, "open" | "done">();
    const circles: string[] = [];
    const visit = (file: string, path: string[]): void => {
      if (state.get(file) === "done") return;
      if (state.get(file) === "open") { circles.push([...path.slice(path.indexOf(file)), file].join(" -> ")); return; }
      state.set(file, "open");
      for (const to of next.get(file) ?? []) visit(to, [...path, file]);
      state.set(file, "done");
    };
    for (const file of files) visit(file, []);
    expect(circles).toEqual([]);
  });
});
