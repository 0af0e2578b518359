// Property-based fuzzing of every loader: JSON (Network.fromJSON, as text and as an object), binary
// (fromBinary), checkpoints (loadCheckpoint, and load/loadCheckpoint from files), ONNX (fromONNX),
// safetensors (fromSafetensors) and brain.js's JSON (wasmlp/brain's NeuralNetwork.fromJSON). Inputs are real files wasmlp and PyTorch wrote, mutated — bit
// flips, truncations, deletions, splices from other files, fields overwritten with extreme values
// (with the binary checksum made right again, so the checks behind it are reached) — and random
// bytes. For every input the loader must answer within TIME_BOUND_MS with either a typed
// WasmlpError or a network that saves and reloads bit-identically (binary and JSON text). ONNX files
// are also edited as a protobuf tree, so that fields deep inside are replaced, removed or swapped.
//
// The command line gets the same treatment in process: models made by `wasmlp train`, their JSON
// edited by hand (fields replaced as above), read by inspect, predict, evaluate, explain and export,
// must end in success or in an error whose exit code is the README's for a bad model, bad data or a
// bad command line (2, 3, 4), never 1 (a TypeError).
//
// In `npm test` it runs with a fixed seed and a small budget; `npm run fuzz -- --seed N --runs M`
// (scripts/fuzz.mjs) runs it longer: FUZZ_SEED, FUZZ_RUNS and FUZZ_TIME_BOUND_MS set the same here.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { Adam, Network, SGD, WasmlpError, type Activation, type Optimizer } from "../src/index.js";
import { load, loadCheckpoint } from "../src/node.js";
import { crc32 } from "../src/io/crc32.js";
import { readMessage } from "../src/interop/protobuf.js";
import { ROOT } from "./helpers.js";
import { readFileSync } from "node:fs";
import { errorLine, exitCodeFor } from "../src/cli/errors.js";
import { evaluate } from "../src/cli/commands/evaluate.js";
import { explain } from "../src/cli/commands/explain.js";
import { inspect } from "../src/cli/commands/inspect.js";
import { exportModel } from "../src/cli/commands/interop.js";
import { predict } from "../src/cli/commands/predict.js";
import { train } from "../src/cli/commands/train.js";
import brainjs from "brain.js";
import { NeuralNetwork as BrainNetwork } from "../src/brain/index.js";

const env = (name: string, fallback: number) => (process.env[name] ? Number(process.env[name]) : fallback);
const SEED = env("FUZZ_SEED", 18);
/** Inputs per property (the command-line one takes half); `npm test` keeps the whole suite to a few seconds. */
const RUNS = env("FUZZ_RUNS", 500);
const TIME_BOUND_MS = env("FUZZ_TIME_BOUND_MS", 2000);
const TIMEOUT = 60_000 + RUNS * 100;
/** FUZZ_STATS=1: print how the inputs ended (loaded, or which refusal), to see how deep the mutations reach. */
const outcomes = new Map<string, number>();
afterAll(() => {
  if (!process.env.FUZZ_STATS) return;
  const lines = [...outcomes].sort((a, b) => b[1] - a[1]).map(([what, n]) => `${String(n).padStart(7)}  ${what}`);
  console.log(`fuzz outcomes (seed ${SEED}):\n${lines.join("\n")}`);
});
const tally = (what: string) => outcomes.set(what, (outcomes.get(what) ?? 0) + 1);
const BACKEND = { backend: "ts" } as const;

// ——— real files to mutate ———

const tmp = mkdtempSync(join(tmpdir(), "wasmlp-fuzz-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const classifier = await Network.create({ inputSize: 3, seed: 4, ...BACKEND, loss: "crossEntropy", layers: [{ size: 5, activation: "tanh" }, { size: 3, activation: "softmax" }] });
classifier.metadata = { classes: ["a", "b", "c"], scaling: { mean: [0.5, -1, 2], std: [1, 0.25, 3] }, note: "fuzz", nested: { list: [1, [2, [3]], { x: null }], flag: true } };
const adam = new Adam(classifier, { lr: 0.01 });
classifier.fit([[0, 1, 2], [1, 0, 2], [2, 1, 0], [0, 0, 1]], [[1, 0, 0], [0, 1, 0], [0, 0, 1], [1, 0, 0]], { epochs: 2, batchSize: 2, optimizer: adam });
const binaryClassifier = await Network.create({ inputSize: 2, seed: 9, ...BACKEND, loss: "binaryCrossEntropy", layers: [{ size: 4, activation: "relu" }, { size: 1, activation: "sigmoid" }] });
binaryClassifier.setParameters(1, { biases: [-0, 0.5, -0, 1] });
const sgd = new SGD(binaryClassifier, { lr: 0.1, momentum: 0.9, nesterov: true });
binaryClassifier.fit([[0, 1], [1, 0], [1, 1]], [[1], [0], [1]], { epochs: 1, optimizer: sgd });
const regression = await Network.fromJSON({
  format: "wasmlp-model", version: 1, inputSize: 4, loss: "squaredError",
  layers: [{ size: 3, activation: "leakyRelu", weights: Array.from({ length: 12 }, (_, i) => i / 7 - 1), biases: [0, -0, 1] }, { size: 2, activation: "identity", weights: [1, 2, 3, 4, 5, 6], biases: [-1, 1] }],
}, BACKEND);

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
const utf8 = (s: string) => new TextEncoder().encode(s);
const fixture = (name: string) => new Uint8Array(readFileSync(join(ROOT, "test/interop", name)));
const torchActivations: Record<string, Activation[]> = {
  "torch-3-4-2-sigmoid": ["sigmoid", "sigmoid"],
  "torch-3-4-2-sigmoid-softmax": ["sigmoid", "softmax"],
  "torch-relu-tanh-leaky-identity": ["relu", "tanh", "leakyRelu", "identity"],
};

// brain.js's own JSON (wasmlp/brain's fromJSON): arrays, names, Adam, typed arrays, relu — written by brain.js.
const XOR = [[0, 0, 0], [0, 1, 1], [1, 0, 1], [1, 1, 0]].map(([a, b, y]) => ({ input: [a!, b!], output: [y!] }));
const brainSeeds = [
  [{ hiddenLayers: [3] }, XOR],
  [{ hiddenLayers: [4], praxis: "adam" }, [{ input: { r: 0.1, g: 0.9 }, output: { dark: 1 } }, { input: { r: 0.8, b: 0.3 }, output: { light: 1 } }]],
  [{ hiddenLayers: [2, 3], activation: "relu" }, XOR.map((d) => ({ input: Float32Array.from(d.input), output: Float32Array.from(d.output) }))],
  [{ activation: "leaky-relu", timeout: 100000 }, XOR],
].map(([options, data]) => {
  const net = new brainjs.NeuralNetwork(options as never);
  net.train(data as never, { iterations: 2 } as never);
  return utf8(JSON.stringify(net.toJSON()));
});

const SEEDS = {
  json: [classifier, binaryClassifier, regression].map((n) => utf8(n.toJSONText())),
  binary: [classifier, binaryClassifier, regression].map((n) => n.toBinary()),
  checkpoint: [classifier.toBinary({ optimizer: adam }), binaryClassifier.toBinary({ optimizer: sgd }), utf8(classifier.toJSONText({ optimizer: adam })), utf8(binaryClassifier.toJSONText({ optimizer: sgd }))],
  onnx: [await classifier.toONNX(), await regression.toONNX({ precision: "float32" }), await regression.toONNX({ inputScaling: { mean: [1, 2, 3, 4], std: [1, 2, 0.5, 4] }, outputScaling: { mean: 3, std: 2 } }),
    ...Object.keys(torchActivations).map((name) => fixture(`${name}.onnx`))],
  safetensors: [await classifier.toSafetensors(), await binaryClassifier.toSafetensors(), ...Object.keys(torchActivations).map((name) => fixture(`${name}.safetensors`))],
};
const ALL_SEEDS = Object.values(SEEDS).flat();
const safetensorsActivations = (index: number) => (index < 2 ? undefined : Object.values(torchActivations)[index - 2]);

// ——— mutations ———

const U32S = [0, 1, 2, 0x7fffffff, 0x80000000, 0xffffffff, 1 << 16, (1 << 16) + 1, 1 << 24, (1 << 24) + 1];
const F64S = [Number.NaN, Infinity, -Infinity, -0, 0, 1, 0.5, -1, 1e308, -1e308, 5e-324, 2 ** 32 + 5, 2 ** 53, 2 ** 53 + 2, 1e300];

type Mutation =
  | { kind: "flip"; at: number; bit: number }
  | { kind: "truncate"; at: number }
  | { kind: "delete"; at: number; length: number }
  | { kind: "splice"; at: number; length: number; from: number; source: number }
  | { kind: "u32"; at: number; value: number }
  | { kind: "f64"; at: number; value: number }
  | { kind: "varint"; at: number; bytes: readonly number[] };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant("flip" as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }),
  fc.record({ kind: fc.constant("truncate" as const), at: fc.nat() }),
  fc.record({ kind: fc.constant("delete" as const), at: fc.nat(), length: fc.integer({ min: 1, max: 64 }) }),
  fc.record({ kind: fc.constant("splice" as const), at: fc.nat(), length: fc.integer({ min: 1, max: 64 }), from: fc.nat(), source: fc.nat() }),
  fc.record({ kind: fc.constant("u32" as const), at: fc.nat(), value: fc.constantFrom(...U32S) }),
  fc.record({ kind: fc.constant("f64" as const), at: fc.nat(), value: fc.constantFrom(...F64S) }),
  fc.record({ kind: fc.constant("varint" as const), at: fc.nat(), bytes: fc.constantFrom([0xff, 0xff, 0xff, 0xff, 0x0f], [0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01], [0x00], [0x7f]) }),
);

function mutate(file: Uint8Array, mutations: readonly Mutation[]): Uint8Array {
  let bytes = file.slice();
  for (const m of mutations) {
    const n = bytes.length;
    if (n === 0) break;
    switch (m.kind) {
      case "flip": bytes[m.at % n] ^= 1 << m.bit; break;
      case "truncate": bytes = bytes.slice(0, m.at % n); break;
      case "delete": { const at = m.at % n; bytes = Uint8Array.from([...bytes.subarray(0, at), ...bytes.subarray(at + m.length)]); break; }
      case "splice": {
        const source = ALL_SEEDS[m.source % ALL_SEEDS.length]!, from = m.from % source.length, at = m.at % n;
        bytes = Uint8Array.from([...bytes.subarray(0, at), ...source.subarray(from, from + m.length), ...bytes.subarray(at)]);
        break;
      }
      case "u32": { const at = (m.at % n) & ~3; if (at + 4 <= n) new DataView(bytes.buffer).setUint32(at, m.value, true); break; }
      case "f64": { const at = (m.at % n) & ~7; if (at + 8 <= n) new DataView(bytes.buffer).setFloat64(at, m.value, true); break; }
      case "varint": { const at = m.at % n; bytes = Uint8Array.from([...bytes.subarray(0, at), ...m.bytes, ...bytes.subarray(at + m.bytes.length)]); break; }
    }
  }
  return bytes;
}

/** The binary format's checksum made right again (when the length allows), so the field checks behind it are reached. */
function withChecksum(bytes: Uint8Array): Uint8Array {
  if (bytes.length < 8) return bytes;
  const out = bytes.slice();
  new DataView(out.buffer).setUint32(out.length - 4, crc32(out.subarray(0, out.length - 4)), true);
  return out;
}

/** A mutated real file, or random bytes (sometimes behind the right magic), from the given seeds. */
const mutatedFile = (seeds: readonly Uint8Array[], magic?: string) => fc.oneof(
  { weight: 6, arbitrary: fc.record({ seed: fc.nat(), mutations: fc.array(mutation, { minLength: 1, maxLength: 4 }), checksum: fc.boolean() })
    .map(({ seed, mutations, checksum }) => ({ bytes: (checksum ? withChecksum : (b: Uint8Array) => b)(mutate(seeds[seed % seeds.length]!, mutations)), seed: seed % seeds.length })) },
  { weight: 1, arbitrary: fc.record({ bytes: fc.uint8Array({ maxLength: 512 }), prefix: fc.boolean(), seed: fc.nat() })
    .map(({ bytes, prefix, seed }) => ({ bytes: prefix && magic ? Uint8Array.from([...utf8(magic), ...bytes]) : bytes, seed: seed % seeds.length })) },
);

// JSON models as objects: a field anywhere replaced by an extreme or ill-typed value, or removed.
const deep = (levels: number): unknown => { let v: unknown = 1; for (let i = 0; i < levels; i++) v = [v]; return v; };
const EXTREMES: unknown[] = [Number.NaN, Infinity, -Infinity, -0, 1e308, 2 ** 53, 2 ** 32 + 5, 2 ** 24, 2 ** 24 + 1, 65_537, -1, 0, 0.5, 1.5, "", "x".repeat(10_000),
  null, true, [], {}, [1, 2], { a: 1 }, 1n, undefined, "constructor", "__proto__", "softmax", "sgd", deep(150), [Number.NaN]];

function paths(value: unknown, path: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  out.push(path);
  if (typeof value === "object" && value !== null) {
    const keys = Array.isArray(value) ? value.map((_, i) => i).filter((i) => i < 3 || i === value.length - 1) : Object.keys(value);
    for (const key of keys) paths((value as Record<string | number, unknown>)[key], [...path, key], out);
  }
  return out;
}

function replaced(model: unknown, pick: number, value: unknown, remove: boolean): unknown {
  const copy = structuredClone(model);
  const all = paths(copy).filter((p) => p.length > 0);
  const path = all[pick % all.length]!;
  let parent = copy as Record<string | number, unknown>;
  for (const key of path.slice(0, -1)) parent = parent[key] as Record<string | number, unknown>;
  if (remove && !Array.isArray(parent)) delete parent[path.at(-1)!];
  else parent[path.at(-1)!] = value;
  return copy;
}

const fieldReplacement = (seeds: readonly Uint8Array[]) => fc.record({ seed: fc.nat(), edits: fc.array(fc.record({ pick: fc.nat(), value: fc.constantFrom(...EXTREMES), remove: fc.boolean() }), { minLength: 1, maxLength: 3 }) })
  .map(({ seed, edits }) => {
    let model: unknown = JSON.parse(text(seeds[seed % seeds.length]!));
    for (const e of edits) model = replaced(model, e.pick, e.value, e.remove);
    return model;
  });

// ONNX files as a protobuf tree (the messages an MLP uses), so that a field deep inside — a node's
// input name, an initializer's dims or data type, an attribute — can be replaced, removed,
// duplicated or swapped, and the file written again with every length right.
interface ProtoField { field: number; wire: number; int: number; bytes: Uint8Array; children?: ProtoField[] }
const ONNX_MESSAGES: Record<string, Record<number, string>> = {
  model: { 7: "graph", 8: "opset", 14: "property" }, graph: { 1: "node", 5: "tensor", 11: "value", 12: "value" }, node: { 5: "attribute" },
  attribute: { 5: "tensor" }, value: { 2: "type" }, type: { 1: "tensorType" }, tensorType: { 2: "shape" }, shape: { 1: "dimension" },
};

function protoTree(bytes: Uint8Array, kind: string): ProtoField[] {
  return readMessage(bytes, kind).map((f) => {
    const child = ONNX_MESSAGES[kind]?.[f.field];
    return child && f.wire === 2 ? { ...f, children: protoTree(f.bytes, child) } : { ...f };
  });
}

function protoBytes(fields: readonly ProtoField[]): Uint8Array {
  const out: number[] = [];
  const varint = (value: number) => {
    let v = BigInt.asUintN(64, BigInt(Math.trunc(value)));
    do { const b = Number(v & 0x7fn); v >>= 7n; out.push(v > 0n ? b | 0x80 : b); } while (v > 0n);
  };
  for (const f of fields) {
    varint(f.field * 8 + f.wire);
    if (f.wire === 0) varint(f.int);
    else if (f.wire === 5) { const b = new Uint8Array(4); new DataView(b.buffer).setUint32(0, f.int >>> 0, true); out.push(...b); }
    else if (f.wire === 1) out.push(...f.bytes);
    else { const body = f.children ? protoBytes(f.children) : f.bytes; varint(body.length); out.push(...body); }
  }
  return Uint8Array.from(out);
}

const ONNX_INTS = [0, 1, -1, 2, 7, 11, 13, 2 ** 31, 2 ** 32 + 5, 2 ** 53, 1 << 24, (1 << 24) + 1, 65_537];
const ONNX_TEXTS = ["", "input", "output", "W1", "b1", "z1", "a1", "Gemm", "MatMul", "Add", "Relu", "Softmax", "LeakyRelu", "Identity", "Mul", "Max",
  "wasmlp.prepare.sub", "wasmlp.unscale.add", "ai.onnx.ml", "x".repeat(5000), "\u00ff\ud800"];
type TreeEdit = { pick: number; op: "number" | "text" | "float" | "remove" | "duplicate" | "swap"; value: number; other: number };
const treeEdit: fc.Arbitrary<TreeEdit> = fc.record({
  pick: fc.nat(), op: fc.constantFrom("number", "text", "float", "remove", "duplicate", "swap"), value: fc.nat(), other: fc.nat(),
}) as fc.Arbitrary<TreeEdit>;

function editTree(tree: ProtoField[], edit: TreeEdit): void {
  const all: [ProtoField[], number][] = [];
  const visit = (list: ProtoField[]) => list.forEach((f, i) => { all.push([list, i]); if (f.children) visit(f.children); });
  visit(tree);
  if (all.length === 0) return;
  const [list, i] = all[edit.pick % all.length]!;
  const f = list[i]!;
  switch (edit.op) {
    case "number":
      if (f.wire === 0) f.int = ONNX_INTS[edit.value % ONNX_INTS.length]!;
      break;
    case "float": {
      const v = F64S[edit.value % F64S.length]!;
      if (f.wire === 5) { const b = new DataView(new ArrayBuffer(4)); b.setFloat32(0, v, true); f.int = b.getUint32(0, true); }
      if (f.wire === 1) { const b = new Uint8Array(8); new DataView(b.buffer).setFloat64(0, v, true); f.bytes = b; }
      break;
    }
    case "text":
      if (f.wire === 2) { delete f.children; f.bytes = utf8(ONNX_TEXTS[edit.value % ONNX_TEXTS.length]!); }
      break;
    case "remove": list.splice(i, 1); break;
    case "duplicate": list.splice(i, 0, structuredClone(f)); break;
    case "swap": { const j = edit.other % list.length; [list[i], list[j]] = [list[j]!, list[i]!]; break; }
  }
}

/** JSON text of an object that may hold a BigInt or a non-finite number (written as strings and null, as a hand edit might). */
const asText = (model: unknown) => JSON.stringify(model, (_, v: unknown) => (typeof v === "bigint" ? `${v}` : v));

// ——— the property ———

type Loaded = Network | { network: Network; optimizer: Optimizer };

/** The loader answers in time, with a typed error or a network that saves and reloads bit-identically. */
async function judge(loader: () => Promise<Loaded>): Promise<void> {
  const started = performance.now();
  let loaded: Loaded;
  try {
    loaded = await loader();
  } catch (error) {
    expect(performance.now() - started, "the loader answered late").toBeLessThan(TIME_BOUND_MS);
    if (!(error instanceof WasmlpError)) throw error; // anything else is a finding
    tally(`${error.name}: ${error.message.replace(/\d+/g, "N").slice(0, 90)}`);
    return;
  }
  expect(performance.now() - started, "the loader answered late").toBeLessThan(TIME_BOUND_MS);
  const { network, optimizer } = loaded instanceof Network ? { network: loaded, optimizer: undefined } : loaded;
  tally(optimizer ? "loaded a checkpoint" : "loaded a model");
  const saved = (n: Network, o: Optimizer | undefined) => ({ bytes: n.toBinary(o && { optimizer: o }), json: n.toJSONText(o && { optimizer: o }) });
  const first = saved(network, optimizer);
  for (const data of [first.bytes, first.json]) {
    const back = optimizer ? await Network.loadCheckpoint(data, BACKEND)
      : { network: typeof data === "string" ? await Network.fromJSON(data, BACKEND) : await Network.fromBinary(data, BACKEND), optimizer: undefined };
    const second = saved(back.network, back.optimizer);
    expect(Buffer.compare(second.bytes, first.bytes), "saved, reloaded and saved again: other bytes").toBe(0);
    expect(second.json, "saved, reloaded and saved again: other JSON").toBe(first.json);
    back.network.dispose();
  }
  network.dispose();
}

const PARAMETERS = { seed: SEED, numRuns: RUNS };

describe(`fuzzing the loaders (seed ${SEED}, ${RUNS} inputs per property)`, () => {
  it("the seed files themselves load and round-trip", async () => {
    for (const bytes of SEEDS.json) await judge(() => Network.fromJSON(text(bytes), BACKEND));
    for (const bytes of SEEDS.binary) await judge(() => Network.fromBinary(bytes, BACKEND));
    for (const bytes of SEEDS.checkpoint) await judge(() => Network.loadCheckpoint(bytes[0] === 0x7b ? text(bytes) : bytes, BACKEND));
    for (const bytes of SEEDS.onnx) await judge(() => Network.fromONNX(bytes, BACKEND));
    for (const [i, bytes] of SEEDS.safetensors.entries()) await judge(() => Network.fromSafetensors(bytes, { ...BACKEND, activations: safetensorsActivations(i) }));
  });

  it("JSON text (Network.fromJSON): mutated bytes", async () => {
    await fc.assert(fc.asyncProperty(mutatedFile(SEEDS.json, '{"format":"wasmlp-model"'), async ({ bytes }) => judge(() => Network.fromJSON(text(bytes), BACKEND))), PARAMETERS);
  }, TIMEOUT);

  it("JSON objects and their text (Network.fromJSON): fields replaced with extreme and ill-typed values", async () => {
    await fc.assert(fc.asyncProperty(fieldReplacement([...SEEDS.json, ...SEEDS.checkpoint.slice(2)]), async (model) => {
      await judge(() => Network.fromJSON(structuredClone(model), BACKEND));
      await judge(() => Network.fromJSON(asText(model), BACKEND));
    }), PARAMETERS);
  }, TIMEOUT);

  it("brain.js JSON (wasmlp/brain's fromJSON): mutated text and replaced fields; a refusal keeps the network loaded before", async () => {
    const resident = new BrainNetwork({ backend: "ts" }).fromJSON(text(brainSeeds[1]!));
    const before = JSON.stringify(resident.toJSON());
    const judgeBrain = (json: unknown) => {
      const started = performance.now();
      let loaded: BrainNetwork;
      try {
        loaded = new BrainNetwork({ backend: "ts" }).fromJSON(json as never);
      } catch (error) {
        if (!(error instanceof WasmlpError)) throw error;
        tally(`brain ${error.name}: ${error.message.replace(/\d+/g, "N").slice(0, 90)}`);
        expect(() => resident.fromJSON(json as never)).toThrow(WasmlpError);
        expect(JSON.stringify(resident.toJSON()), "a refused fromJSON changed the network").toBe(before);
        return;
      } finally {
        expect(performance.now() - started, "fromJSON answered late").toBeLessThan(TIME_BOUND_MS);
      }
      tally("brain: loaded");
      const saved = JSON.stringify(loaded.toJSON());
      expect(JSON.stringify(new BrainNetwork({ backend: "ts" }).fromJSON(saved).toJSON()), "saved, reloaded, saved: other JSON").toBe(saved);
      const input = loaded.inputLookup ? {} : new Array(loaded.sizes[0]).fill(0.5);
      // (weights of 1e308 may overflow to ±Infinity, as in brain.js: numbers, not a crash)
      for (const v of Object.values(loaded.run(input as never))) expect(typeof v).toBe("number");
    };
    for (const bytes of brainSeeds) judgeBrain(text(bytes));
    fc.assert(fc.property(mutatedFile(brainSeeds, '{"type":"NeuralNetwork"'), ({ bytes }) => judgeBrain(text(bytes))), PARAMETERS);
    fc.assert(fc.property(fieldReplacement(brainSeeds), (model) => judgeBrain(model)), PARAMETERS);
  }, TIMEOUT);

  it("binary (Network.fromBinary)", async () => {
    await fc.assert(fc.asyncProperty(mutatedFile(SEEDS.binary, "WMLP"), async ({ bytes }) => judge(() => Network.fromBinary(bytes, BACKEND))), PARAMETERS);
  }, TIMEOUT);

  it("checkpoints (Network.loadCheckpoint), binary and JSON, and objects with replaced fields", async () => {
    await fc.assert(fc.asyncProperty(mutatedFile(SEEDS.checkpoint, "WMLP"), async ({ bytes }) => judge(() => Network.loadCheckpoint(bytes[0] === 0x7b ? text(bytes) : bytes, BACKEND))), PARAMETERS);
    await fc.assert(fc.asyncProperty(fieldReplacement(SEEDS.checkpoint.slice(2)), async (model) => judge(() => Network.loadCheckpoint(structuredClone(model) as object, BACKEND))), PARAMETERS);
  }, TIMEOUT);

  it("files (load, loadCheckpoint from disk)", async () => {
    const files = [...SEEDS.json, ...SEEDS.binary, ...SEEDS.checkpoint];
    await fc.assert(fc.asyncProperty(mutatedFile(files), fc.boolean(), async ({ bytes }, checkpoint) => {
      const path = join(tmp, "model");
      writeFileSync(path, bytes);
      await judge(() => (checkpoint ? loadCheckpoint(path, BACKEND) : load(path, BACKEND)));
    }), PARAMETERS);
  }, TIMEOUT);

  it("ONNX (Network.fromONNX)", async () => {
    await fc.assert(fc.asyncProperty(mutatedFile(SEEDS.onnx), async ({ bytes }) => judge(() => Network.fromONNX(bytes, BACKEND))), PARAMETERS);
  }, TIMEOUT);

  it("ONNX: fields anywhere in the protobuf tree replaced, removed, duplicated or swapped", async () => {
    const trees = SEEDS.onnx.map((bytes) => protoTree(bytes, "model"));
    await fc.assert(fc.asyncProperty(fc.nat(), fc.array(treeEdit, { minLength: 1, maxLength: 3 }), async (seed, edits) => {
      const tree = structuredClone(trees[seed % trees.length]!);
      for (const edit of edits) editTree(tree, edit);
      const bytes = protoBytes(tree);
      await judge(() => Network.fromONNX(bytes, BACKEND));
    }), PARAMETERS);
  }, TIMEOUT);

  it("safetensors (Network.fromSafetensors): mutated bytes, and header fields replaced", async () => {
    await fc.assert(fc.asyncProperty(mutatedFile(SEEDS.safetensors), async ({ bytes, seed }) => judge(() => Network.fromSafetensors(bytes, { ...BACKEND, activations: safetensorsActivations(seed) }))), PARAMETERS);
    const headers = SEEDS.safetensors.map((bytes) => {
      const length = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
      return { header: utf8(text(bytes.subarray(8, 8 + length)).trim()), body: bytes.subarray(8 + length) };
    });
    await fc.assert(fc.asyncProperty(fc.nat(), fc.nat(), fc.constantFrom(...EXTREMES), fc.boolean(), async (seed, pick, value, remove) => {
      const { header, body } = headers[seed % headers.length]!;
      const edited = utf8(asText(replaced(JSON.parse(text(header)), pick, value, remove)) ?? "");
      const file = new Uint8Array(8 + edited.length + body.length);
      new DataView(file.buffer).setBigUint64(0, BigInt(edited.length), true);
      file.set(edited, 8);
      file.set(body, 8 + edited.length);
      await judge(() => Network.fromSafetensors(file, { ...BACKEND, activations: safetensorsActivations(seed % headers.length) }));
    }), PARAMETERS);
  }, TIMEOUT);

  it("the command line (in process) on hand-edited models of 'wasmlp train': exit codes 0, 2, 3 or 4, never 1", async () => {
    const quiet = { log: console.log, error: console.error };
    console.log = console.error = () => {};
    try {
      const iris = join(ROOT, "data/iris.csv");
      const trained = [join(tmp, "classes.json"), join(tmp, "values.json")];
      const common = { missingIndicators: true, layers: [4], activation: "relu", optimizer: "adam", epochs: 1, batchSize: 32, valSplit: 0.2, testSplit: 0.2, seed: 1, backend: "ts", skipBadRows: false } as const;
      await train(iris, { ...common, out: trained[0] });
      await train(iris, { ...common, target: "petal_width", out: trained[1] });
      const models = trained.map((path) => new Uint8Array(readFileSync(path)));
      const commands: [string, (model: string) => Promise<void>][] = [
        ["inspect", (model) => inspect(model)],
        ["predict", (model) => predict(model, iris, { out: join(tmp, "predictions.csv"), probabilities: false, backend: "ts", skipBadRows: false, strict: false })],
        ["evaluate", (model) => evaluate(model, iris, { backend: "ts", skipBadRows: true, strict: false })],
        ["explain", (model) => explain({ model, input: "5.1,3.5,1.4,0.2", targetValues: "setosa", digits: 4, backend: "ts" })],
        ["export", (model) => exportModel(model, { out: join(tmp, "exported.onnx") })],
      ];
      await fc.assert(fc.asyncProperty(fieldReplacement(models), fc.nat(), async (model, which) => {
        const path = join(tmp, "edited.json");
        writeFileSync(path, asText(model));
        const [name, command] = commands[which % commands.length]!;
        try {
          await command(path);
          tally(`cli ${name}: ok`);
        } catch (error) {
          tally(`cli ${name}: exit ${exitCodeFor(error)}: ${errorLine(error).replace(/\d+/g, "N").slice(0, 80)}`);
          expect([name, exitCodeFor(error), errorLine(error)]).toEqual([name, expect.toSatisfy((code: number) => [2, 3, 4].includes(code)), expect.not.stringMatching(/TypeError|RangeError|\n/)]);
        }
      }), { ...PARAMETERS, numRuns: Math.ceil(RUNS / 2) });
    } finally {
      Object.assign(console, quiet);
    }
  }, TIMEOUT);
});
