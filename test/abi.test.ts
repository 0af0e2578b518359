// One source for the ABI: src/abi.ts. Every word and id that assembly/ and docs/abi.md write down
// must equal it, name for name (both ways: nothing missing on either side), and the module's
// exports must be exactly KERNEL_ARITY's functions with those parameter counts.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import * as abi from "../src/abi.js";
import { moduleBytes } from "../src/backend/wasm.js";
import { ROOT } from "./helpers.js";

/** H_LAYER_COUNT ~ layerCount, L_DW ~ dW, METRIC_ARGMAX ~ argmax: compared without case or underscores. */
const key = (name: string) => name.replace(/_/g, "").toLowerCase();
const normalised = (table: Record<string, number>) => Object.fromEntries(Object.entries(table).map(([k, v]) => [key(k), v]));

/** `export const PREFIX_NAME: i32 = 7;` of an assembly file, keyed without the prefix. */
function assemblyConstants(file: string, pattern: RegExp): Record<string, number> {
  const text = readFileSync(ROOT + "assembly/" + file, "utf8");
  const out: Record<string, number> = {};
  for (const [, name, value] of text.matchAll(new RegExp(`export const ${pattern.source}: i32 = (\\d+);`, "g"))) out[key(name!)] = Number(value);
  return out;
}

const docs = readFileSync(ROOT + "docs/abi.md", "utf8");
/** `| 7 | \`H_TRAIN\` | …` rows of docs/abi.md, keyed without the prefix. */
function documentedWords(prefix: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [, value, name] of docs.matchAll(new RegExp(`^\\| (\\d+) \\| \`${prefix}_([A-Z0-9_]+)\` \\|`, "gm"))) out[key(name!)] = Number(value);
  return out;
}

describe("the ABI has one source (src/abi.ts)", () => {
  it("assembly/layout.ts has every descriptor and training-block word of it, and no other", () => {
    expect(assemblyConstants("layout.ts", /H_([A-Z0-9_]+)/)).toEqual(normalised(abi.Header));
    expect(assemblyConstants("layout.ts", /L_([A-Z0-9_]+)/)).toEqual(normalised(abi.LayerWord));
    expect(assemblyConstants("layout.ts", /T_([A-Z0-9_]+)/)).toEqual(normalised(abi.TrainWord));
    expect(assemblyConstants("layout.ts", /((?:ABI_VERSION|[A-Z]+_WORDS))/)).toEqual(
      { abiversion: abi.ABI_VERSION, headerwords: abi.HEADER_WORDS, layerwords: abi.LAYER_WORDS, trainwords: abi.TRAIN_WORDS });
  });

  it("the kernels' ids of activations, losses, optimizers, gradient modes, statuses and metrics are its tables", () => {
    expect(assemblyConstants("activation.ts", /([A-Z_]+)/)).toEqual(normalised(abi.ActivationId));
    expect(assemblyConstants("loss.ts", /([A-Z_]+)/)).toEqual(normalised(abi.LossId));
    expect(assemblyConstants("gradient.ts", /((?:STORE|ACCUMULATE|APPLY_SGD))/)).toEqual(normalised(abi.GradientMode));
    expect(assemblyConstants("train.ts", /OPTIMIZER_([A-Z_]+)/)).toEqual(normalised(abi.OptimizerId));
    expect(assemblyConstants("train.ts", /STATUS_([A-Z_]+)/)).toEqual(normalised(abi.Status));
    expect(assemblyConstants("train.ts", /METRIC_([A-Z_]+)/)).toEqual(normalised(abi.MetricMode));
  });

  it("docs/abi.md documents every word and id with its value", () => {
    expect(documentedWords("H")).toEqual(normalised(abi.Header));
    expect(documentedWords("L")).toEqual(normalised(abi.LayerWord));
    expect(documentedWords("T")).toEqual(normalised(abi.TrainWord));
    const enumerations = [...docs.matchAll(/^\| (\d+) \| ([a-zA-Z]+)[^|]*\|(?: (\d+) \| ([a-zA-Z]+)[^|]*\|)?(?: (\d+) \| ([a-zA-Z]+)[^|]*\|)?/gm)]
      .filter((m) => Object.hasOwn(abi.ActivationId, m[2]!));
    const column = (value: number, name: number) => Object.fromEntries(enumerations.filter((m) => m[name]).map((m) => [m[name]!, Number(m[value])]));
    expect(column(1, 2)).toEqual(abi.ActivationId);
    expect(column(3, 4)).toEqual(abi.LossId);
    expect(column(5, 6)).toEqual(abi.OptimizerId);
    expect(docs).toContain(`| \`ABI_VERSION\` | ${abi.ABI_VERSION} |`);
    expect(docs).toContain(`| \`HEADER_WORDS\` | ${abi.HEADER_WORDS} |`);
    expect(docs).toContain(`| \`LAYER_WORDS\` | ${abi.LAYER_WORDS} |`);
    expect(docs).toContain(`| \`TRAIN_WORDS\` | ${abi.TRAIN_WORDS} |`);
    expect(docs).toContain(`| \`STORE\` / \`ACCUMULATE\` / \`APPLY_SGD\` | ${abi.GradientMode.store} / ${abi.GradientMode.accumulate} / ${abi.GradientMode.applySgd} |`);
  });

  it("docs/abi.md gives every kernel export with KERNEL_ARITY's parameter count", () => {
    const documented: Record<string, number> = {};
    for (const [, name, params] of docs.matchAll(/^\| `(\w+)` \| `\(([^)]*)\)/gm)) documented[name!] = params!.trim() === "" ? 0 : params!.split(",").length;
    expect(documented).toEqual(abi.KERNEL_ARITY);
  });
});

describe("the wasm module", () => {
  it("imports nothing and exports its memory, KERNEL_ARITY's functions with those arities, and the ABI globals", async () => {
    const module = await WebAssembly.compile(moduleBytes() as BufferSource);
    expect(WebAssembly.Module.imports(module)).toEqual([]);
    const { exports } = await WebAssembly.instantiate(module, {});
    const functions = Object.fromEntries(Object.entries(exports).filter(([, v]) => typeof v === "function").map(([k, v]) => [k, (v as () => void).length]));
    expect(functions).toEqual(abi.KERNEL_ARITY);
    const globals = Object.fromEntries(Object.entries(exports).filter(([, v]) => v instanceof WebAssembly.Global).map(([k, v]) => [k, (v as WebAssembly.Global).value]));
    expect(globals).toEqual({
      ABI_VERSION: abi.ABI_VERSION, HEADER_WORDS: abi.HEADER_WORDS, LAYER_WORDS: abi.LAYER_WORDS, TRAIN_WORDS: abi.TRAIN_WORDS,
      STORE: abi.GradientMode.store, ACCUMULATE: abi.GradientMode.accumulate, APPLY_SGD: abi.GradientMode.applySgd,
    });
    expect(exports.memory).toBeInstanceOf(WebAssembly.Memory);
  });
});

describe("the embed build", () => {
  it("exports the core: KERNEL_ARITY's functions but NOT_IN_EMBED, and imports nothing", async () => {
    const { readFileSync } = await import("node:fs");
    const { ROOT } = await import("./helpers.js");
    const module = await WebAssembly.compile(readFileSync(`${ROOT}build/wasmlp-embed.wasm`) as BufferSource);
    expect(WebAssembly.Module.imports(module)).toEqual([]);
    const functions = WebAssembly.Module.exports(module).filter((e) => e.kind === "function").map((e) => e.name).sort();
    const expected = Object.keys(abi.KERNEL_ARITY).filter((name) => !(abi.NOT_IN_EMBED as readonly string[]).includes(name)).sort();
    expect(functions).toEqual(expected);
    expect(functions).not.toContain("brainTrain");
  });
});

describe("the threads builds", () => {
  it.each(["wasmlp-threads.wasm", "wasmlp-threads-fma.wasm"])("%s imports one shared memory and exports the kernels plus the team's entry points", async (file) => {
    const { readFileSync } = await import("node:fs");
    const { ROOT } = await import("./helpers.js");
    const module = await WebAssembly.compile(readFileSync(`${ROOT}build/${file}`) as BufferSource);
    expect(WebAssembly.Module.imports(module)).toEqual([{ module: "env", name: "memory", kind: "memory" }]);
    const memory = new WebAssembly.Memory({ initial: 32, maximum: 32768, shared: true });
    const { exports } = await WebAssembly.instantiate(module, { env: { memory } });
    const functions = Object.fromEntries(Object.entries(exports).filter(([, v]) => typeof v === "function").map(([k, v]) => [k, (v as () => void).length]));
    expect(functions).toEqual({ ...abi.KERNEL_ARITY, joinTeam: 3, useScratch: 1, runJob: 0 });
    const value = (name: string) => (exports[name] as WebAssembly.Global).value;
    expect([value("TEAM_WORDS"), value("KIND_TRAIN"), value("KIND_EVALUATE"), value("KIND_FORWARD"), value("KIND_EXIT"), value("THREAD_SCRATCH_BYTES")]).toEqual([17, 1, 2, 3, 4, (1 << 20) + 128]);
    expect(docs).toContain("| `runJob()` |");
  });
});
