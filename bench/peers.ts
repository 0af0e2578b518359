// Side-by-side training speed: wasmlp against brain.js, TensorFlow.js (cpu and wasm backends),
// convnetjs and a plain-JS loop, on the workloads of bench/workloads.ts, all in this one Node
// process; then one brain.js script run with brain.js and with wasmlp/brain.
// Run with `npm run bench:peers`. Prints samples/s per workload × library and wasmlp's speed-up.
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import os from "node:os";
import { Bench } from "tinybench";
import type { Rank, Scalar, Tensor, Tensor2D, Variable } from "@tensorflow/tfjs";
import { Network, type Activation, type BackendName, type OptimizerConfig } from "../src/index.js";
import { enableRelaxedSimd } from "../src/node.js";
import { workloads, type Workload } from "./workloads.js";
import { PlainMLP, type PlainActivation } from "./plainjs.js";

const require = createRequire(import.meta.url);

/** One timed iteration: one epoch over the workload's `rows` training rows. */
interface Trainer {
  rows: number;
  epoch(): void;
  /** `epochs` epochs in one call, as the library's users train at their fastest (else epoch() in a loop). */
  train?(epochs: number): void;
  dispose?(): void;
}

interface Prepared {
  trainer: Trainer;
  /** Features of the workload the library lacks, and what it ran instead (its cell gets a *). */
  gaps: string[];
  /** Differences that do not change the work done (precision, a setting's stand-in value). */
  notes: string[];
}

interface Library {
  name: string;
  prepare(w: Workload): Promise<Prepared>;
}

// ---------------------------------------------------------------- helpers

function rowOf(data: Float64Array, width: number, r: number): Float64Array {
  return data.subarray(r * width, (r + 1) * width);
}

function outputSize(w: Workload): number {
  return w.layers[w.layers.length - 1]!.size;
}

/** The activations the workload uses, first to last layer, as one readable string. */
function activationList(w: Workload): string {
  return w.layers.map((l) => l.activation).join("/");
}

// ---------------------------------------------------------------- wasmlp

// WASMLP_BACKEND=wasm-fma times the relaxed-SIMD build instead (Node 20 needs its V8 flag: set here).
const OWN_BACKEND = (process.env.WASMLP_BACKEND ?? "wasm") as BackendName;
if (OWN_BACKEND === "wasm-fma") enableRelaxedSimd();

const wasmlp: Library = {
  name: "wasmlp",
  async prepare(w) {
    const net = await Network.create({ inputSize: w.inputSize, layers: w.layers, loss: w.loss, seed: 1, backend: OWN_BACKEND });
    const optimizer: OptimizerConfig = w.optimizer === "sgd" ? { type: "sgd", lr: w.lr } : { type: "adam", lr: w.lr };
    const options = { epochs: 1, batchSize: w.batchSize, optimizer, shuffle: true };
    // fit() continues training the same network; a fresh optimizer each call is fine for SGD timing
    return {
      trainer: { rows: w.rows, epoch: () => void net.fit(w.inputs, w.targets, options), train: (epochs) => void net.fit(w.inputs, w.targets, { ...options, epochs }) },
      gaps: [], notes: [],
    };
  },
};

// ---------------------------------------------------------------- brain.js

type BrainActivation = "sigmoid" | "relu" | "leaky-relu" | "tanh";
const BRAIN_ACTIVATIONS: Partial<Record<Activation, BrainActivation>> = { sigmoid: "sigmoid", relu: "relu", leakyRelu: "leaky-relu", tanh: "tanh" };

/** brain.js's NeuralNetwork class, or wasmlp/brain's: the same script runs on either. */
type BrainClass = new (options: Record<string, unknown>) => {
  train(data: { input: number[]; output: number[] }[], options: Record<string, unknown>): unknown;
  errorCheckInterval: number;
};

/**
 * The brain.js script both brain.js and wasmlp/brain are timed with: one train() call per timed
 * unit, many iterations, plain arrays (brain.js treats any other input type as a hash to look up).
 * Its per-iteration error pass (the public field errorCheckInterval, 1 by default) is switched off:
 * brain.js at its fastest. `momentum` is the one setting that differs between the two tables.
 */
function brainScript(NeuralNetwork: BrainClass, w: Workload, activation: BrainActivation, momentum: number): Trainer {
  const hiddenLayers = w.layers.slice(0, -1).map((l) => l.size);
  const net = new NeuralNetwork({ inputSize: w.inputSize, hiddenLayers, outputSize: outputSize(w) });
  const data = Array.from({ length: w.rows }, (_, r) => ({
    input: Array.from(rowOf(w.inputs, w.inputSize, r)),
    output: Array.from(rowOf(w.targets, outputSize(w), r)),
  }));
  const options = {
    iterations: 1, errorThresh: 1e-9, log: false, activation, learningRate: w.lr, momentum,
    ...(w.optimizer === "adam" ? { praxis: "adam" as const } : {}),
  };
  net.errorCheckInterval = Infinity;
  return { rows: w.rows, epoch: () => void net.train(data, options), train: (iterations) => void net.train(data, { ...options, iterations }) };
}

/** brain.js's one activation for a workload, and what it lacks of the workload. */
function brainFit(w: Workload): { activation: BrainActivation; gaps: string[] } {
  const gaps: string[] = [];
  // brain.js applies one activation to every layer: take the hidden layers' one
  const wanted = w.layers[0]!.activation;
  const activation = BRAIN_ACTIVATIONS[wanted] ?? "sigmoid";
  if (!BRAIN_ACTIVATIONS[wanted]) gaps.push(`no ${wanted} activation (used sigmoid)`);
  w.layers.forEach((layer, l) => {
    if (BRAIN_ACTIVATIONS[layer.activation] !== activation) gaps.push(`layer ${l + 1}: ${layer.activation} → ${activation} (one activation for all layers; no softmax)`);
  });
  if (w.loss !== "squaredError") gaps.push(`loss ${w.loss} → squared error (its only loss)`);
  if (w.batchSize !== 1) gaps.push(`batch ${w.batchSize} → per-sample updates (no mini-batches)`);
  return { activation, gaps };
}

const brain: Library = {
  name: "brain.js",
  async prepare(w) {
    const { NeuralNetwork } = await import("brain.js");
    const { activation, gaps } = brainFit(w);
    const notes = ["Float32 (not float64)", "momentum 1e-12, not 0 (its validator rejects 0)", "one train() call per timed unit, its error check off"];
    return { trainer: brainScript(NeuralNetwork as unknown as BrainClass, w, activation, 1e-12), gaps, notes };
  },
};

// ---------------------------------------------------------------- TensorFlow.js

type Tf = typeof import("@tensorflow/tfjs");

async function useTfBackend(backend: "cpu" | "wasm"): Promise<Tf> {
  const tf = await import("@tensorflow/tfjs");
  tf.enableProdMode(); // skips debug-time checks, as a deployment would (and the tfjs-node advert)
  if (backend === "wasm") {
    const { setWasmPaths } = await import("@tensorflow/tfjs-backend-wasm");
    setWasmPaths(join(dirname(require.resolve("@tensorflow/tfjs-backend-wasm/package.json")), "dist") + "/");
  }
  if (!(await tf.setBackend(backend))) throw new Error(`tfjs backend ${backend} did not initialise`);
  await tf.ready();
  return tf;
}

interface TfLayer {
  weights: Variable<Rank.R2>;
  biases: Variable;
  activation: Activation;
}

/** Weights (Xavier, or He before relu) and zero biases as tf variables. */
function tfLayers(tf: Tf, w: Workload): TfLayer[] {
  // tf.variable() keeps its initial tensor alive: dispose it, or every trainer leaks it
  const variableFrom = <R extends Rank>(initial: Tensor<R>): Variable<R> => {
    const v = tf.variable(initial);
    initial.dispose();
    return v;
  };
  let fanIn = w.inputSize;
  return w.layers.map((layer) => {
    const limit = Math.sqrt(6 / (layer.activation === "relu" ? fanIn : fanIn + layer.size));
    const weights = variableFrom(tf.randomUniform([fanIn, layer.size], -limit, limit, "float32", 1) as Tensor2D);
    const biases = variableFrom(tf.zeros([layer.size]));
    fanIn = layer.size;
    return { weights, biases, activation: layer.activation };
  });
}

/** The workload's loss of one batch, as wasmlp defines it (mean over the batch's rows). */
function tfLoss(tf: Tf, w: Workload, layers: TfLayer[]): (x: Tensor2D, y: Tensor2D) => Scalar {
  const last = layers.length - 1;
  // softmax / sigmoid outputs stay logits: the fused cross-entropy losses take logits
  const lossOnLogits = (w.loss === "crossEntropy" && layers[last]!.activation === "softmax")
    || (w.loss === "binaryCrossEntropy" && layers[last]!.activation === "sigmoid");
  const activate = (z: Tensor2D, activation: Activation): Tensor2D => {
    switch (activation) {
      case "sigmoid": return tf.sigmoid(z);
      case "tanh": return tf.tanh(z);
      case "leakyRelu": return tf.leakyRelu(z, 0.01);
      case "softmax": return tf.softmax(z);
      default: return z; // identity, and relu (fused into the matMul)
    }
  };
  const forward = (x: Tensor2D) => layers.reduce((a, layer, l) => {
    const fusedActivation = layer.activation === "relu" ? "relu" : "linear";
    const z = tf.fused.matMul({ a, b: layer.weights, bias: layer.biases, activation: fusedActivation }) as Tensor2D;
    return l === last && lossOnLogits ? z : activate(z, layer.activation);
  }, x);
  // meanSquaredError averages over the outputs too: × outputs/2 gives wasmlp's ½ Σ (a − y)² per row
  const halfSumScale = outputSize(w) / 2;
  return (x, y) => {
    const out = forward(x);
    if (!lossOnLogits) return tf.mul(tf.losses.meanSquaredError(y, out), halfSumScale) as Scalar;
    return w.loss === "crossEntropy" ? tf.losses.softmaxCrossEntropy(y, out) : tf.losses.sigmoidCrossEntropy(y, out);
  };
}

/** The epoch's mini-batches as tensors, made once so that the timed epoch is only training. */
function tfBatches(tf: Tf, w: Workload): { x: Tensor2D; y: Tensor2D }[] {
  const outputs = outputSize(w);
  const batches: { x: Tensor2D; y: Tensor2D }[] = [];
  for (let r = 0; r < w.rows; r += w.batchSize) {
    const end = Math.min(r + w.batchSize, w.rows);
    const x = tf.tensor2d(Float32Array.from(w.inputs.subarray(r * w.inputSize, end * w.inputSize)), [end - r, w.inputSize]);
    const y = tf.tensor2d(Float32Array.from(w.targets.subarray(r * outputs, end * outputs)), [end - r, outputs]);
    batches.push({ x, y });
  }
  return batches;
}

/** A plain MLP on tf variables, trained by optimizer.minimize per mini-batch (faster than model.fit). */
function tfTrainer(tf: Tf, w: Workload): Trainer {
  const layers = tfLayers(tf, w);
  const loss = tfLoss(tf, w, layers);
  const batches = tfBatches(tf, w);
  const optimizer = w.optimizer === "adam" ? tf.train.adam(w.lr) : tf.train.sgd(w.lr);
  return {
    rows: w.rows,
    epoch() {
      for (const { x, y } of batches) optimizer.minimize(() => loss(x, y), false);
    },
    dispose() {
      optimizer.dispose();
      tf.dispose([...batches.flatMap((b) => [b.x, b.y]), ...layers.flatMap((l) => [l.weights, l.biases])]);
    },
  };
}

function tfjs(backend: "cpu" | "wasm"): Library {
  return {
    name: `tfjs-${backend}`,
    async prepare(w) {
      const tf = await useTfBackend(backend);
      return { trainer: tfTrainer(tf, w), gaps: [], notes: ["Float32 (not float64)"] };
    },
  };
}

// ---------------------------------------------------------------- convnetjs

interface ConvnetVol { w: Float64Array }
interface ConvnetLayer { out_sx: number; out_sy: number; out_depth: number }
interface Convnet {
  Vol: new (sx: number, sy: number, depth: number, c?: number) => ConvnetVol;
  Net: new () => { layers: ConvnetLayer[] };
  SGDTrainer: new (net: unknown, options: object) => { train(x: ConvnetVol, y: number | Float64Array): unknown };
  [layerClass: string]: unknown;
}

/** convnetjs layer classes for our activations (its fc layer is linear). */
const CONVNET_ACTIVATION_LAYERS: Partial<Record<Activation, string>> = { sigmoid: "SigmoidLayer", relu: "ReluLayer", tanh: "TanhLayer" };

const convnetjs: Library = {
  name: "convnetjs",
  async prepare(w) {
    const cnn = require("convnetjs") as Convnet;
    const gaps: string[] = [], notes: string[] = [];
    // Built layer by layer rather than with makeLayers(), whose regression layer always adds
    // an extra fully connected layer: here the output is fc + sigmoid + regression (½‖y − t‖²).
    const net = new cnn.Net();
    const add = (className: string, options: object = {}) => {
      const prev = net.layers[net.layers.length - 1];
      const input = prev ? { in_sx: prev.out_sx, in_sy: prev.out_sy, in_depth: prev.out_depth } : {};
      const Layer = cnn[className] as new (options: object) => ConvnetLayer;
      net.layers.push(new Layer({ ...input, ...options }));
    };
    add("InputLayer", { out_sx: 1, out_sy: 1, out_depth: w.inputSize });
    const last = w.layers.length - 1;
    w.layers.forEach((layer, l) => {
      add("FullyConnLayer", { num_neurons: layer.size });
      if (layer.activation === "softmax" && l === last && w.loss === "crossEntropy") return add("SoftmaxLayer"); // softmax + cross-entropy
      if (layer.activation === "identity") return;
      const activationLayer = CONVNET_ACTIVATION_LAYERS[layer.activation];
      if (activationLayer) add(activationLayer);
      else gaps.push(`layer ${l + 1}: no ${layer.activation} activation (left linear)`);
    });
    if (w.loss !== "crossEntropy") {
      if (w.loss !== "squaredError") gaps.push(`loss ${w.loss} → squared error`);
      add("RegressionLayer");
    }
    if (w.optimizer !== "sgd") gaps.push(`optimizer ${w.optimizer} → SGD (no Adam in 0.3.0)`);

    const trainer = new cnn.SGDTrainer(net, { method: "sgd", learning_rate: w.lr, momentum: 0, batch_size: w.batchSize, l2_decay: 0 });
    const rows = w.rows, outputs = outputSize(w);
    const classification = w.loss === "crossEntropy";
    const samples = Array.from({ length: rows }, (_, r) => {
      const x = new cnn.Vol(1, 1, w.inputSize, 0);
      x.w.set(rowOf(w.inputs, w.inputSize, r));
      const t = rowOf(w.targets, outputs, r).slice();
      return { x, y: classification ? t.indexOf(Math.max(...t)) : t };
    });
    if (classification) notes.push("targets passed as class indices (its softmax loss takes one class per row; these targets are one-hot, so the loss is the same)");
    return { trainer: { rows, epoch: () => samples.forEach((s) => trainer.train(s.x, s.y)) }, gaps, notes };
  },
};

// ---------------------------------------------------------------- timing and report

// ---------------------------------------------------------------- plain JS (bench/plainjs.ts)

const PLAIN_ACTIVATIONS: Partial<Record<Activation, PlainActivation>> = { sigmoid: "sigmoid", tanh: "tanh", relu: "relu", identity: "identity", softmax: "softmax" };

const plainJs: Library = {
  name: "plain JS",
  async prepare(w) {
    const acts = w.layers.map((l) => PLAIN_ACTIVATIONS[l.activation]);
    if (acts.some((a) => a === undefined) || w.optimizer !== "sgd") throw new Error("the plain trainer has sigmoid/tanh/relu/identity/softmax and SGD only");
    if (w.loss !== (acts.at(-1) === "softmax" ? "crossEntropy" : "squaredError")) throw new Error(`the plain trainer has no ${w.loss} after ${acts.at(-1)}`);
    const mlp = new PlainMLP([w.inputSize, ...w.layers.map((l) => l.size)], acts as PlainActivation[]);
    return {
      trainer: { rows: w.rows, epoch: () => mlp.epoch(w.inputs, w.targets, w.rows, w.batchSize, w.lr) },
      gaps: [], notes: ["float64 Float64Arrays, ~90 lines of TypeScript (bench/plainjs.ts); rows in order"],
    };
  },
};

const LIBRARIES: Library[] = [wasmlp, plainJs, brain, tfjs("cpu"), tfjs("wasm"), convnetjs];

interface Measurement {
  samplesPerSecond?: number;
  /** wasmlp's speed ÷ this library's: the median over rounds timed back to back (peers only). */
  ratio?: number;
  /** The ratio's lowest and highest round. */
  ratioRange?: [number, number];
  gaps: string[];
  notes: string[];
  error?: string;
}

// The machines are shared and their speed drifts within seconds, so wasmlp and each peer are timed
// in alternating rounds: each round runs both, back to back, under the same load, and the ratio
// quoted is the median of the rounds' ratios. Each timed unit is a few whole epochs (≥ ROUND_MS).
const ROUND_MS = 150;
const PAIR_BUDGET_MS = 5000;
const MIN_ROUNDS = 3, MAX_ROUNDS = 15;

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

/** Mean ms of `run`, timed by tinybench for at least `timeMs` (at least once), with no warm-up of its own. */
async function meanMs(name: string, run: () => void, timeMs: number): Promise<number> {
  const bench = new Bench({ name, time: timeMs, iterations: 1, warmupTime: 0, warmupIterations: 0, throws: true });
  bench.add(name, run);
  await bench.run();
  const result = bench.tasks[0]!.result;
  if (result.state !== "completed") throw new Error(`tinybench task ended as ${result.state}`);
  return result.latency.mean;
}

/** Samples/s of `epochs` epochs as one timed unit (the caller warmed up). */
async function timeEpochs(name: string, trainer: Trainer, epochs: number): Promise<number> {
  const ms = await meanMs(name, () => {
    if (trainer.train) trainer.train(epochs);
    else for (let e = 0; e < epochs; e++) trainer.epoch();
  }, 0);
  return (trainer.rows * epochs) / (ms / 1000);
}

/** Warms a trainer up (V8 tiers up, tfjs allocates) and returns how many epochs make one ROUND_MS unit. */
async function warmUp(name: string, trainer: Trainer): Promise<number> {
  return Math.max(1, Math.round(ROUND_MS / (await meanMs(name, () => trainer.epoch(), 250))));
}

interface Rounds { own: number[]; peer: number[] }

/** wasmlp and one peer in alternating rounds; wasmlp goes first in even rounds, the peer in odd ones. */
async function pairRounds(w: Workload, own: Trainer, ownEpochs: number, peerName: string, peer: Trainer, peerEpochs: number, ownName = "wasmlp"): Promise<Rounds> {
  const rounds: Rounds = { own: [], peer: [] };
  const started = performance.now();
  while (rounds.own.length < MAX_ROUNDS && (rounds.own.length < MIN_ROUNDS || performance.now() - started < PAIR_BUDGET_MS)) {
    const first = rounds.own.length % 2 === 0;
    if (first) rounds.own.push(await timeEpochs(`${ownName} ${w.name}`, own, ownEpochs));
    rounds.peer.push(await timeEpochs(`${peerName} ${w.name}`, peer, peerEpochs));
    if (!first) rounds.own.push(await timeEpochs(`${ownName} ${w.name}`, own, ownEpochs));
  }
  return rounds;
}

/**
 * One brain.js script (brain.js's default momentum 0.1), run with `import brain from "brain.js"`
 * and with `import brain from "wasmlp/brain"`, in paired rounds: what the one-line switch buys.
 */
async function compareBrainScripts(perSample: Workload[]): Promise<void> {
  const brainJs = (await import("brain.js")).NeuralNetwork as unknown as BrainClass;
  const dropIn = (await import("../src/brain/index.js")).NeuralNetwork as unknown as BrainClass;
  const rows: string[][] = [["workload", "brain.js", "wasmlp/brain", "speed-up (rounds)"]];
  for (const w of perSample) {
    const { activation } = brainFit(w);
    const theirs = brainScript(brainJs, w, activation, 0.1), ours = brainScript(dropIn, w, activation, 0.1);
    const ourEpochs = await warmUp(`wasmlp/brain ${w.name}`, ours), theirEpochs = await warmUp(`brain.js ${w.name}`, theirs);
    const rounds = await pairRounds(w, ours, ourEpochs, "brain.js", theirs, theirEpochs, "wasmlp/brain");
    const ratios = rounds.own.map((rate, r) => rate / rounds.peer[r]!);
    rows.push([
      w.name, formatRate(median(rounds.peer)), formatRate(median(rounds.own)),
      `${median(ratios).toFixed(1)}× (${Math.min(...ratios).toFixed(1)}–${Math.max(...ratios).toFixed(1)}, ${ratios.length} rounds)`,
    ]);
    console.log(`  ${w.name.padEnd(14)} the brain.js script: wasmlp/brain ${median(ratios).toFixed(2)}× brain.js`);
  }
  console.log("\nThe same brain.js script with each import (samples/s; brain.js 2.0's arithmetic both ways: per-sample updates,");
  console.log("momentum 0.1, one train() call per timed unit, errorCheckInterval = Infinity; brain.js in float32, wasmlp/brain in float64):\n");
  printTable(rows);
}

/** Every library on one workload: wasmlp alone first, then each peer paired with it. */
async function measureWorkload(w: Workload, libraries: Library[]): Promise<Map<string, Measurement>> {
  const results = new Map<string, Measurement>();
  const own = await wasmlp.prepare(w);
  const ownEpochs = await warmUp(`wasmlp ${w.name}`, own.trainer);
  const ownRates: number[] = [];
  for (const library of libraries) {
    if (library === wasmlp) continue;
    let prepared: Prepared | undefined;
    try {
      prepared = await library.prepare(w);
      const peerEpochs = await warmUp(`${library.name} ${w.name}`, prepared.trainer);
      const rounds = await pairRounds(w, own.trainer, ownEpochs, library.name, prepared.trainer, peerEpochs);
      ownRates.push(...rounds.own);
      const ratios = rounds.own.map((rate, r) => rate / rounds.peer[r]!);
      results.set(library.name, {
        samplesPerSecond: median(rounds.peer), ratio: median(ratios), ratioRange: [Math.min(...ratios), Math.max(...ratios)],
        gaps: prepared.gaps, notes: [...prepared.notes, `${ratios.length} paired rounds`],
      });
    } catch (e) {
      results.set(library.name, { gaps: prepared?.gaps ?? [], notes: prepared?.notes ?? [], error: e instanceof Error ? e.message : String(e) });
    } finally {
      prepared?.trainer.dispose?.();
    }
    const m = results.get(library.name)!;
    const status = m.error ? `failed: ${m.error}` : `${formatRate(m.samplesPerSecond!)} samples/s, wasmlp ${m.ratio!.toFixed(2)}× (rounds ${m.ratioRange![0].toFixed(2)}–${m.ratioRange![1].toFixed(2)})`;
    console.log(`  ${w.name.padEnd(14)} ${library.name.padEnd(10)} ${status}`);
  }
  if (ownRates.length === 0) ownRates.push(await timeEpochs(`wasmlp ${w.name}`, own.trainer, ownEpochs));
  results.set(wasmlp.name, { samplesPerSecond: median(ownRates), gaps: [], notes: [] });
  console.log(`  ${w.name.padEnd(14)} ${"wasmlp".padEnd(10)} ${formatRate(median(ownRates))} samples/s (median of all its rounds)`);
  return results;
}

function formatRate(n: number): string {
  return Math.round(n).toLocaleString("en-US");
}

function cell(m: Measurement, isWasmlp: boolean): string {
  if (m.samplesPerSecond === undefined) return "failed";
  const rate = formatRate(m.samplesPerSecond) + (m.gaps.length ? "*" : "");
  if (isWasmlp || m.ratio === undefined) return rate;
  return `${rate} (${m.ratio.toFixed(m.ratio < 100 ? 1 : 0)}×)`;
}

function printTable(rows: string[][]): void {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  const line = (r: string[]) => `| ${r.map((s, c) => (c === 0 ? s.padEnd(widths[c]!) : s.padStart(widths[c]!))).join(" | ")} |`;
  console.log(line(rows[0]!));
  console.log(`| ${widths.map((n) => "-".repeat(n)).join(" | ")} |`);
  rows.slice(1).forEach((r) => console.log(line(r)));
}

async function main(): Promise<void> {
  const started = performance.now();
  console.log(`machine: ${os.cpus()[0]?.model ?? "unknown CPU"}, ${os.cpus().length} cores; Node ${process.version}; ${os.platform()} ${os.arch()}; wasmlp backend ${OWN_BACKEND}`);
  // WORKLOADS=wide-mb128,seed and LIBRARIES=tfjs-wasm pick a subset (wasmlp always runs: it is the reference)
  const pick = (value: string | undefined) => value?.split(",").map((s) => s.trim()).filter(Boolean);
  const wantedWorkloads = pick(process.env.WORKLOADS), wantedLibraries = pick(process.env.LIBRARIES);
  const all = workloads().filter((w) => !wantedWorkloads || wantedWorkloads.includes(w.name));
  const libraries = LIBRARIES.filter((l) => l === wasmlp || !wantedLibraries || wantedLibraries.includes(l.name));
  const results = new Map<string, Measurement>(); // key: workload|library
  for (const w of all) {
    for (const [name, m] of await measureWorkload(w, libraries)) results.set(`${w.name}|${name}`, m);
  }

  console.log(`\nTraining samples/s (median over rounds; higher is better). In brackets: wasmlp's speed ÷ the peer's, the median of`);
  console.log("rounds in which both ran back to back (wasmlp first in every other round).");
  console.log("Every library trains full epochs over the same rows; wasmlp (f64, wasm SIMD) shuffles them, the peers keep their order.");
  console.log("* = the peer lacks features of the workload and ran the closest thing it can; see the notes below.\n");
  const header = ["workload", ...libraries.map((l) => l.name)];
  const body = all.map((w) => {
    return [w.name, ...libraries.map((l) => cell(results.get(`${w.name}|${l.name}`)!, l === wasmlp))];
  });
  printTable([header, ...body]);

  console.log("\nWorkloads:");
  for (const w of all) console.log(`  ${w.name}: ${w.description}; ${w.rows} rows`);
  console.log("\nNotes per peer (missing features first, marked *):");
  for (const library of libraries.slice(1)) {
    for (const w of all) {
      const m = results.get(`${w.name}|${library.name}`)!;
      const lines = [...m.gaps.map((g) => `* ${g}`), ...m.notes, ...(m.error ? [`FAILED: ${m.error}`] : [])];
      if (lines.length) console.log(`  ${library.name} ${w.name} (${activationList(w)}): ${lines.join("; ")}`);
    }
  }
  if (!wantedLibraries || wantedLibraries.includes("wasmlp/brain")) await compareBrainScripts(all.filter((w) => w.batchSize === 1));
  console.log(`\ntotal ${((performance.now() - started) / 1000).toFixed(0)} s`);
}

await main();
