// The module driven through its documented ABI alone (docs/abi.md): WebAssembly.instantiate, a
// memory plan written by hand, and no code from src/ (only its ABI tables). Runs against all four builds.
import { readFileSync } from "node:fs";
import { ActivationId, GradientMode, Header, HEADER_WORDS, LayerWord, LAYER_WORDS, LossId, TrainWord, TRAIN_WORDS, type WasmExports } from "../src/abi.js";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const ROOT = fileURLToPath(new URL("../", import.meta.url));
const GOLDEN = ROOT + "test/golden/";
const BUILDS = {
  release: "build/wasmlp.wasm",
  fma: "build/wasmlp-fma.wasm", // relaxed SIMD: test/setup.ts switches it on in Node 20
  embed: "build/wasmlp-embed.wasm",
  portable: "build/wasmlp-portable.wasm",
} as const;

// ---- the ABI's tables (src/abi.ts: plain data, checked word by word against docs/abi.md and
// assembly/ by test/abi.test.ts); no code of src/ runs here ------------------------------------
const ACTIVATION: Record<string, number> = ActivationId;
const LOSS: Record<string, number> = LossId;
const H = Header, L = LayerWord, T = TrainWord;
const { store: STORE, accumulate: ACCUMULATE, applySgd: APPLY_SGD } = GradientMode;
type Exports = WasmExports;

interface Layer { size: number; act: number }
interface Plan {
  net: number; train: number; params: number; paramCount: number; grads: number; state1: number; state2: number;
  x: number; y: number; sampleLoss: number; inputErrors: number;
  layers: { nIn: number; nOut: number; act: number; w: number; b: number; dW: number; dB: number; z: number; a: number; e: number; d: number }[];
  end: number;
}

/** The recommended plan of docs/abi.md: every region 16-byte aligned, parameters back to back. */
function plan(base: number, inputSize: number, layers: Layer[], capacity: number): Plan {
  let at = base;
  const take = (doubles: number) => { const p = at; at = (at + doubles * 8 + 15) & ~15; return p; };
  const net = take((HEADER_WORDS + LAYER_WORDS * layers.length) / 2);
  const train = take(TRAIN_WORDS);
  let paramCount = 0, nIn = inputSize;
  for (const l of layers) { paramCount += l.size * (nIn + 1); nIn = l.size; }
  const params = take(paramCount), grads = take(paramCount), state1 = take(paramCount), state2 = take(paramCount);
  const x = take(capacity * inputSize), y = take(capacity * layers.at(-1)!.size);
  const sampleLoss = take(capacity), inputErrors = take(capacity * inputSize);
  let p = params;
  nIn = inputSize;
  const records = layers.map((l) => {
    const w = p, b = w + l.size * nIn * 8;
    p = b + l.size * 8;
    const n = capacity * l.size;
    const r = { nIn, nOut: l.size, act: l.act, w, b, dW: w + (grads - params), dB: b + (grads - params), z: take(n), a: take(n), e: take(n), d: take(n) };
    nIn = l.size;
    return r;
  });
  return { net, train, params, paramCount, grads, state1, state2, x, y, sampleLoss, inputErrors, layers: records, end: at };
}

class Host {
  constructor(readonly x: Exports) {}
  static async load(file: string): Promise<Host> {
    const { instance } = await WebAssembly.instantiate(readFileSync(ROOT + file), {});
    return new Host(instance.exports as unknown as Exports);
  }
  /** Grows the memory to hold `bytes`; views must be taken afterwards (growth detaches them). */
  reserve(bytes: number): void {
    const missing = bytes - this.x.memory.buffer.byteLength;
    if (missing > 0) this.x.memory.grow(Math.ceil(missing / 65536));
  }
  get f64() { return new Float64Array(this.x.memory.buffer); }
  get i32() { return new Int32Array(this.x.memory.buffer); }
  read(offset: number, n: number): number[] { return Array.from(new Float64Array(this.x.memory.buffer, offset, n)); }
  write(offset: number, values: ArrayLike<number>): void { new Float64Array(this.x.memory.buffer, offset, values.length).set(values); }

  /** Steps 3–5 of the recipe: descriptor, training block, parameters; gradients and state zeroed. */
  setUp(p: Plan, inputSize: number, lossId: number, optimizer: Record<string, number>, params: number[]): void {
    const w = this.i32, f = this.f64;
    const h = p.net >> 2;
    w.fill(0, h, h + HEADER_WORDS + LAYER_WORDS * p.layers.length);
    w[h + H.layerCount] = p.layers.length; w[h + H.inputSize] = inputSize; w[h + H.loss] = lossId;
    w[h + H.x] = p.x; w[h + H.y] = p.y; w[h + H.sampleLoss] = p.sampleLoss; w[h + H.inputErrors] = p.inputErrors;
    w[h + H.train] = p.train; w[h + H.params] = p.params; w[h + H.paramCount] = p.paramCount;
    w[h + H.grads] = p.grads; w[h + H.state1] = p.state1; w[h + H.state2] = p.state2;
    p.layers.forEach((l, i) => {
      const r = h + HEADER_WORDS + i * LAYER_WORDS;
      w[r + L.in] = l.nIn; w[r + L.out] = l.nOut; w[r + L.act] = l.act; w[r + L.w] = l.w; w[r + L.b] = l.b;
      w[r + L.dW] = l.dW; w[r + L.dB] = l.dB; w[r + L.z] = l.z; w[r + L.a] = l.a; w[r + L.e] = l.e; w[r + L.d] = l.d;
    });
    const t = p.train >> 3;
    f.fill(0, t, t + TRAIN_WORDS);
    for (const [k, v] of Object.entries(optimizer)) f[t + T[k as keyof typeof T]] = v;
    f[t + T.beta1Power] = 1; f[t + T.beta2Power] = 1;
    expect(params.length).toBe(p.paramCount);
    f.set(params, p.params >> 3);
    for (const range of [p.grads, p.state1, p.state2]) f.fill(0, range >> 3, (range >> 3) + p.paramCount);
  }
}

// ---- comparison --------------------------------------------------------------------------------
function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string, rel = 1e-12, abs = 1e-15): void {
  expect(actual.length, `${what}: length`).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i]!, e = expected[i]!;
    if (!(Math.abs(a - e) <= rel * Math.abs(e) + abs)) expect.fail(`${what}[${i}]: got ${a}, expected ${e}`);
  }
}
/** Normwise: for two implementations whose summation orders differ. */
function expectCloseNorm(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string, rel = 1e-12): void {
  let scale = 0;
  for (let i = 0; i < expected.length; i++) scale = Math.max(scale, Math.abs(expected[i]!));
  expectClose(actual, expected, what, rel, rel * scale + 1e-300);
}

// ---- golden cases ------------------------------------------------------------------------------
interface Golden {
  name: string;
  model: { inputSize: number; loss: string; layers: { size: number; activation: string; weights: number[]; biases: number[] }[] };
  batch: { inputs: number[][]; targets: number[][] };
  forward: { z: number[][][]; a: number[][][] };
  perSampleLoss: number[];
  nodeErrors: number[][][];
  deltas: number[][][];
  gradients: { weights: number[]; biases: number[] }[];
  optimizer: { type: string; lr: number; momentum?: number; nesterov?: boolean; weightDecay?: number; beta1?: number; beta2?: number; eps?: number };
  steps: { lossBeforeStep: number; layers: { weights: number[]; biases: number[] }[] }[];
}
const golden = (name: string) => JSON.parse(readFileSync(GOLDEN + name + ".json", "utf8")) as Golden;
const CASES = ["seed-3-4-2-batch4", "seed-3-4-2", "sigmoid-bce-nesterov", "softmax-ce-adam", "tanh-relu-momentum"];

function optimizerWords(o: Golden["optimizer"]): Record<string, number> {
  return {
    optimizer: o.type === "adam" ? 1 : 0, lr: o.lr, momentum: o.momentum ?? 0, nesterov: o.nesterov ? 1 : 0,
    weightDecay: o.weightDecay ?? 0, beta1: o.beta1 ?? 0.9, beta2: o.beta2 ?? 0.999, eps: o.eps ?? 1e-8,
  };
}

/** Sets up a golden case; returns the plan and where the data set for trainBatches lives. */
function setUpGolden(host: Host, g: Golden) {
  const rows = g.batch.inputs.length, inputSize = g.model.inputSize;
  const layers = g.model.layers.map((l) => ({ size: l.size, act: ACTIVATION[l.activation]! }));
  const p = plan(host.x.heapBase(), inputSize, layers, rows);
  const outputSize = layers.at(-1)!.size;
  const xAll = p.end, yAll = xAll + rows * inputSize * 8, order = yAll + rows * outputSize * 8;
  host.reserve(order + rows * 4);
  host.setUp(p, inputSize, LOSS[g.model.loss]!, optimizerWords(g.optimizer), g.model.layers.flatMap((l) => [...l.weights, ...l.biases]));
  host.write(p.x, g.batch.inputs.flat());
  host.write(p.y, g.batch.targets.flat());
  host.write(xAll, g.batch.inputs.flat());
  host.write(yAll, g.batch.targets.flat());
  new Int32Array(host.x.memory.buffer, order, rows).set(Array.from({ length: rows }, (_, i) => i));
  return { p, rows, xAll, yAll, order };
}

function expectStep(host: Host, p: Plan, g: Golden, t: number, what: string): void {
  p.layers.forEach((l, i) => {
    expectClose(host.read(l.w, l.nOut * l.nIn), g.steps[t]!.layers[i]!.weights, `${what} step ${t + 1} W${i + 1}`);
    expectClose(host.read(l.b, l.nOut), g.steps[t]!.layers[i]!.biases, `${what} step ${t + 1} b${i + 1}`);
  });
}

describe.each(Object.entries(BUILDS))("raw ABI, %s build", (_build, file) => {
  it("imports nothing, owns its memory and is ABI version 1", async () => {
    const module = new WebAssembly.Module(readFileSync(ROOT + file));
    expect(WebAssembly.Module.imports(module)).toEqual([]);
    expect(WebAssembly.Module.exports(module)).toContainEqual({ name: "memory", kind: "memory" });
    const host = await Host.load(file);
    expect(host.x.ABI_VERSION.value).toBe(1);
    expect(host.x.heapBase() % 16).toBe(0);
  });

  it("trains seed-3-4-2-batch4 with forward / backward / optimizerStep: every step's loss and weights to 1e-12", async () => {
    const g = golden("seed-3-4-2-batch4");
    const host = await Host.load(file);
    const { p, rows } = setUpGolden(host, g);
    for (let t = 0; t < g.steps.length; t++) {
      host.x.forward(p.net, rows);
      const loss = host.x.backward(p.net, rows, 0);
      expectClose([loss], [g.steps[t]!.lossBeforeStep], `step ${t + 1} lossBeforeStep`);
      host.x.optimizerStep(p.net);
      expectStep(host, p, g, t, "forward/backward");
    }
    expect(host.f64[(p.train >> 3) + T.step]).toBe(g.steps.length);
  });

  it.each(CASES)("golden %s: forward, errors, gradients and every step, both ways", async (name) => {
    const g = golden(name);
    const host = await Host.load(file);
    const { p, rows, xAll, yAll, order } = setUpGolden(host, g);
    // forward / backward / optimizerStep, checking the first step's intermediate values too
    for (let t = 0; t < g.steps.length; t++) {
      host.x.forward(p.net, rows);
      const loss = host.x.backward(p.net, rows, 0);
      if (t === 0) {
        p.layers.forEach((l, i) => {
          expectClose(host.read(l.z, rows * l.nOut), g.forward.z[i]!.flat(), `Z${i + 1}`);
          expectClose(host.read(l.a, rows * l.nOut), g.forward.a[i]!.flat(), `A${i + 1}`);
          expectClose(host.read(l.e, rows * l.nOut), g.nodeErrors[i]!.flat(), `E${i + 1}`);
          expectClose(host.read(l.d, rows * l.nOut), g.deltas[i]!.flat(), `D${i + 1}`);
          expectClose(host.read(l.dW, l.nOut * l.nIn), g.gradients[i]!.weights, `dW${i + 1}`);
          expectClose(host.read(l.dB, l.nOut), g.gradients[i]!.biases, `db${i + 1}`);
        });
        expectClose(host.read(p.sampleLoss, rows), g.perSampleLoss, "per-sample loss");
      }
      expectClose([loss], [g.steps[t]!.lossBeforeStep], `step ${t + 1} lossBeforeStep`);
      host.x.optimizerStep(p.net);
      expectStep(host, p, g, t, "forward/backward");
    }
    // the same steps again from the seed, through trainBatches (one batch per call)
    setUpGolden(host, g);
    for (let t = 0; t < g.steps.length; t++) {
      expect(host.x.trainBatches(p.net, xAll, yAll, order, 0, rows, rows)).toBe(1);
      const f = host.f64, tb = p.train >> 3;
      expect(f[tb + T.status]).toBe(0);
      expectClose([f[tb + T.batchLoss]!], [g.steps[t]!.lossBeforeStep], `trainBatches step ${t + 1} loss`);
      expectStep(host, p, g, t, "trainBatches");
    }
  });

  it("trainBatches stops before updating on non-finite data, with the documented status", async () => {
    const g = golden("seed-3-4-2-batch4");
    const host = await Host.load(file);
    const seed = g.model.layers.flatMap((l) => [...l.weights, ...l.biases]);
    for (const [bad, status] of [[Infinity, 2], [NaN, 1]] as const) {
      const { p, rows, xAll, yAll, order } = setUpGolden(host, g);
      host.write(xAll + 8, [bad]);
      expect(host.x.trainBatches(p.net, xAll, yAll, order, 0, rows, rows)).toBe(0);
      expect(host.f64[(p.train >> 3) + T.status]).toBe(status);
      expect(host.read(p.params, p.paramCount)).toEqual(seed);
      expect(host.x.allFinite(xAll, rows * g.model.inputSize)).toBe(0);
      expect(host.x.allFinite(p.params, p.paramCount)).toBe(1);
    }
  });
});

// ---- the portable (scalar) build against the SIMD build on shapes that reach every kernel path --
/** Deterministic values in [-1, 1) (xorshift32). */
function values(n: number, seed: number): number[] {
  let s = seed >>> 0 || 1;
  return Array.from({ length: n }, () => {
    s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0;
    return s / 2 ** 31 - 1;
  });
}

interface Scenario { name: string; inputSize: number; layers: Layer[]; loss: number; rows: number; optimizer: Record<string, number> }
const SCENARIOS: Scenario[] = [
  { name: "relu/leakyRelu/tanh, squaredError, momentum, 37 rows", inputSize: 13, rows: 37, loss: 0,
    layers: [{ size: 10, act: 3 }, { size: 7, act: 4 }, { size: 6, act: 2 }, { size: 3, act: 0 }],
    optimizer: { optimizer: 0, lr: 0.05, momentum: 0.9, nesterov: 1, weightDecay: 1e-3 } },
  { name: "sigmoid → softmax, crossEntropy, adam, 16 rows", inputSize: 20, rows: 16, loss: 1,
    layers: [{ size: 12, act: 1 }, { size: 5, act: 5 }],
    optimizer: { optimizer: 1, lr: 0.01, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 1e-4 } },
  { name: "binaryCrossEntropy, fused plain SGD, 9 rows", inputSize: 9, rows: 9, loss: 2,
    layers: [{ size: 8, act: 2 }, { size: 2, act: 1 }],
    optimizer: { optimizer: 0, lr: 0.3, weightDecay: 0.01 } },
  { name: "one row (outer product), clipping", inputSize: 7, rows: 1, loss: 0,
    layers: [{ size: 5, act: 3 }, { size: 3, act: 1 }],
    optimizer: { optimizer: 0, lr: 0.2, momentum: 0.5, clipNorm: 0.05 } },
];

async function runScenario(file: string, sc: Scenario): Promise<Record<string, number[]>> {
  const host = await Host.load(file);
  const p = plan(host.x.heapBase(), sc.inputSize, sc.layers, sc.rows);
  const outputSize = sc.layers.at(-1)!.size;
  const xAll = p.end, yAll = xAll + sc.rows * sc.inputSize * 8, order = yAll + sc.rows * outputSize * 8;
  host.reserve(order + sc.rows * 4);
  const params = values(p.paramCount, 7).map((v) => v * 0.8);
  host.setUp(p, sc.inputSize, sc.loss, sc.optimizer, params);
  const x = values(sc.rows * sc.inputSize, 11);
  let y = values(sc.rows * outputSize, 13).map((v) => (v + 1) / 2);
  if (sc.loss === 1) y = y.map((_, i) => (i % outputSize === (Math.floor(i / outputSize) * 3) % outputSize ? 1 : 0));
  host.write(p.x, x); host.write(p.y, y); host.write(xAll, x); host.write(yAll, y);
  new Int32Array(host.x.memory.buffer, order, sc.rows).set(Array.from({ length: sc.rows }, (_, i) => (i * 5) % sc.rows));
  const out: Record<string, number[]> = {};
  // explicit calls: forward, backward (store, then accumulate), input errors, one optimizer step
  host.x.forward(p.net, sc.rows);
  out.loss = [host.x.backward(p.net, sc.rows, 0)];
  out.loss.push(host.x.backward(p.net, sc.rows, 1));
  out.doubled = host.read(p.grads, p.paramCount);
  host.x.layerGradients(p.net, sc.rows, STORE, 0, 0);
  out.grads = host.read(p.grads, p.paramCount);
  host.x.layerGradients(p.net, sc.rows, ACCUMULATE, 0, 0);
  out.accumulated = host.read(p.grads, p.paramCount);
  host.x.layerGradients(p.net, sc.rows, STORE, 0, 0);
  host.x.inputErrors(p.net, sc.rows);
  out.inputErrors = host.read(p.inputErrors, sc.rows * sc.inputSize);
  p.layers.forEach((l, i) => {
    for (const k of ["z", "a", "e", "d"] as const) out[`${k}${i + 1}`] = host.read(l[k], sc.rows * l.nOut);
  });
  out.sampleLoss = host.read(p.sampleLoss, sc.rows);
  host.x.optimizerStep(p.net);
  out.stepped = host.read(p.params, p.paramCount);
  // fused SGD on the parameters directly
  host.x.backpropagate(p.net, sc.rows);
  host.x.layerGradients(p.net, sc.rows, APPLY_SGD, 0.1, 0.01);
  out.applied = host.read(p.params, p.paramCount);
  // trainBatches: 6 epochs of batches of up to 4 shuffled rows, then an evaluation
  for (let epoch = 0; epoch < 6; epoch++) host.x.trainBatches(p.net, xAll, yAll, order, 0, sc.rows, Math.min(4, sc.rows));
  const tb = p.train >> 3;
  out.trained = host.read(p.params, p.paramCount);
  out.state1 = host.read(p.state1, p.paramCount);
  out.state2 = host.read(p.state2, p.paramCount);
  out.train = host.read(p.train, TRAIN_WORDS);
  expect(host.f64[tb + T.status]).toBe(0);
  host.x.evaluateRows(p.net, xAll, yAll, 0, sc.rows, Math.min(3, sc.rows));
  out.evaluated = host.read(p.train + T.lossSum * 8, 3);
  out.finite = [host.x.allFinite(p.params, p.paramCount)];
  return out;
}

describe("embed and portable builds against the release build", () => {
  it.each(SCENARIOS.map((s) => [s.name, s] as const))("%s", async (_name, sc) => {
    const simd = await runScenario(BUILDS.release, sc);
    const embed = await runScenario(BUILDS.embed, sc);
    const portable = await runScenario(BUILDS.portable, sc);
    for (const key of Object.keys(simd)) {
      // embed: the same kernels, but shrinkLevel 1 selects AssemblyScript's table-free exp/log
      expectCloseNorm(embed[key]!, simd[key]!, `embed ${key}`);
      // portable: scalar kernels, so other summation orders inside the dot products
      expectCloseNorm(portable[key]!, simd[key]!, `portable ${key}`);
    }
  });
});
