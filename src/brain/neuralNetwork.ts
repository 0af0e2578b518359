// brain.js's NeuralNetwork on wasmlp's kernels: the same options, data, results and JSON, and
// brain.js's own arithmetic (assembly/brain.ts), in float64. Weights, momentum and Adam state live
// in one wasmlp memory plan, in a region of the memory all networks share (arena.ts); a train()
// call copies the data set into a region of its own, then runs whole passes in the kernel, coming
// back to JavaScript only where brain.js would call out (log, callback, the error check, the timeout).
import { ActivationId, LossId, OptimizerId, Status, TrainWord } from "../abi.js";
import type { Backend, BackendName } from "../backend/index.js";
import { arenaFor, holdings, type Arena, type Region } from "./arena.js";
import { brainForward, type BrainLayer } from "../backend/ts/brain.js";
import { ConfigError, DataError, StateError, WasmlpError, show } from "../errors.js";
import { MAX_PLAN_BYTES, planDataSet, planMemory, writeDescriptor, type MemoryPlan } from "../memoryPlan.js";
import { Random, randomSeed } from "../random.js";
import { checkRows, formatData, lookupLength, toNamed, writeValues, type BrainValues, type Lookup } from "./data.js";
import { readBrainJSON, trainOptsJSON, type BrainJSON } from "./json.js";
import {
  checkOptionKeys, checkParameterCount, checkUnits, mergeTrainOptions, parameterCount, trainDefaults, NETWORK_OPTION_NAMES, TRAIN_OPTION_NAMES, WASMLP_OPTION_NAMES,
  logStatus, type BrainActivation, type BrainTrainOptions, type NeuralNetworkOptions, type TrainOpts, type TrainStatus,
} from "./options.js";
import { functionSource } from "./toFunction.js";

const ACTIVATION_IDS: Record<BrainActivation, number> = {
  sigmoid: ActivationId.sigmoid, tanh: ActivationId.tanh, relu: ActivationId.relu, "leaky-relu": ActivationId.leakyRelu,
};

/** A run that met a NaN or infinite error or delta: it stopped before that sample's update, keeping the weights it had. */
export class BrainDivergenceError extends WasmlpError {
  constructor(message: string, readonly iteration: number, readonly sample: number, readonly status: TrainStatus) {
    super("DIVERGED", message);
  }
}

/** One misclassified row of test(). */
export interface Misclass {
  input: number[];
  output: number[];
  actual: number;
  expected: number;
}
export interface TestResult {
  error: number;
  misclasses: Misclass[];
  total: number;
}
/** test() of a network with one output: brain.js's confusion matrix too. */
export interface BinaryTestResult extends TestResult {
  trueNeg: number; truePos: number; falseNeg: number; falsePos: number;
  precision: number; recall: number; accuracy: number;
}

/**
 * What run() gives for outputs of type O: named values as they came, positional ones as a Float64Array
 * (a network trained on typed arrays answers { "0": … } instead, as brain.js's does).
 */
export type RunOutput<O extends BrainValues> = O extends ArrayLike<number> ? Float64Array : O;
/** One row of training data, typed as brain.js types it. */
export interface Datum<I extends BrainValues, O extends BrainValues> {
  input: I;
  output: O;
}

/** What fixes the arithmetic once the network has weights: its memory, activation and praxis. */
interface Engine {
  plan: MemoryPlan;
  /** Where the plan lives in the arena. */
  region: Region;
  activation: BrainActivation;
  praxis: "adam" | undefined;
  /** The plan's layers as f64 indexes, for run() and test(). */
  layers: BrainLayer[];
}

const CONSTRUCTOR_OPTIONS = [...NETWORK_OPTION_NAMES, ...TRAIN_OPTION_NAMES, ...WASMLP_OPTION_NAMES];
/** Milliseconds trainAsync() trains before it yields to the event loop. */
const SLICE_MS = 12;

export class NeuralNetwork<InputType extends BrainValues = BrainValues, OutputType extends BrainValues = BrainValues> {
  /** brain.js's options: { inputSize, outputSize, binaryThresh } and everything the constructor was given. */
  options: Record<string, unknown>;
  trainOpts: TrainOpts;
  /** Layer widths, input first (empty until the sizes are known). */
  sizes: number[] = [];
  inputLookup: Lookup | null = null;
  inputLookupLength = 0;
  outputLookup: Lookup | null = null;
  outputLookupLength = 0;
  /** As in brain.js: the error is measured every this many iterations (and at every log). */
  errorCheckInterval = 1;
  /** The seed of the initial weights (wasmlp: give `seed` to repeat a run). */
  readonly seed: number;

  /** The memory this network takes its regions from: shared by every network on wasm. */
  private readonly arena: Arena;
  /** Its regions there, given back when it is collected. */
  private readonly owned: Set<Region>;
  private engine: Engine | null = null;
  /** The call that is training this network right now, if one is. */
  private training: "train" | "trainAsync" | undefined;

  constructor(options: NeuralNetworkOptions | null = {}) {
    options ??= {}; // brain.js spreads it: null is no options
    const given = checkOptionKeys(options, CONSTRUCTOR_OPTIONS, "new NeuralNetwork");
    this.trainOpts = mergeTrainOptions(trainDefaults(), given, "new NeuralNetwork");
    const { inputSize, outputSize, hiddenLayers, binaryThresh, seed, backend } = options;
    if (inputSize !== undefined && inputSize !== 0) checkUnits(inputSize, "new NeuralNetwork: inputSize");
    if (outputSize !== undefined && outputSize !== 0) checkUnits(outputSize, "new NeuralNetwork: outputSize");
    if (hiddenLayers !== undefined && hiddenLayers !== null) {
      if (!Array.isArray(hiddenLayers)) throw new ConfigError(`new NeuralNetwork: hiddenLayers must be an array of layer widths, not ${show(hiddenLayers)}`);
      hiddenLayers.forEach((n, i) => checkUnits(n, `new NeuralNetwork: hiddenLayers[${i}]`));
    }
    if (binaryThresh !== undefined && (typeof binaryThresh !== "number" || Number.isNaN(binaryThresh))) {
      throw new ConfigError(`new NeuralNetwork: binaryThresh must be a number, not ${show(binaryThresh)}`);
    }
    if (seed !== undefined && (!Number.isInteger(seed) || seed < 0 || seed >= 2 ** 32)) {
      throw new ConfigError(`new NeuralNetwork: seed must be a whole number from 0 to 2^32 − 1, not ${show(seed)}`);
    }
    if (backend !== undefined && backend !== "auto" && backend !== "wasm" && backend !== "ts") {
      throw new ConfigError(`new NeuralNetwork: backend must be 'auto', 'wasm' or 'ts', not ${show(backend)}`);
    }
    const { seed: _seed, backend: _backend, ...brainOptions } = options;
    this.options = { inputSize: 0, outputSize: 0, binaryThresh: 0.5, ...brainOptions };
    this.seed = seed ?? randomSeed();
    this.arena = arenaFor(backend ?? "auto");
    this.owned = holdings(this, this.arena);
    if (inputSize && outputSize) this.sizes = checkParameterCount([inputSize, ...(hiddenLayers ?? []), outputSize]);
  }

  private get machine(): Backend {
    return this.arena.backend;
  }

  /** A region of the arena, held until given back (or until this network is collected). */
  private take(bytes: number): Region {
    const region = this.arena.allocate(bytes);
    this.owned.add(region);
    return region;
  }

  private giveBack(region: Region): void {
    if (this.owned.delete(region)) this.arena.release(region);
  }

  /** The backend the kernels run on: 'wasm', or 'ts' where WebAssembly SIMD cannot compile. */
  get backend(): BackendName {
    return this.machine.name;
  }

  get isRunnable(): boolean {
    return this.sizes.length > 0;
  }

  // ------------------------------------------------------------------ training

  /** Trains as brain.js's train() does; returns the last error and the iterations run. */
  train(data: Datum<InputType, OutputType>[], options: BrainTrainOptions | null = {}): TrainStatus {
    this.notTraining("train");
    const run = this.prepare(data, options, "train");
    this.training = "train";
    try {
      while (!run.slice(Infinity));
    } finally {
      this.training = undefined;
      this.giveBack(run.data);
    }
    return run.status;
  }

  /** train() in slices of a few milliseconds, so a page stays responsive; resolves to the same status. */
  async trainAsync(data: Datum<InputType, OutputType>[], options: BrainTrainOptions | null = {}): Promise<TrainStatus> {
    this.notTraining("trainAsync");
    const run = this.prepare(data, options, "trainAsync");
    this.training = "trainAsync";
    try {
      while (!run.slice(SLICE_MS)) await new Promise((resolve) => setTimeout(resolve, 0));
    } finally {
      this.training = undefined;
      this.giveBack(run.data);
    }
    return run.status;
  }

  /**
   * The data set and the training block live in one place per network: a second run started
   * while one is going (from its callback, or a second trainAsync) would train the first on the
   * second's data. run(), test() and toJSON() may be called at any time.
   */
  private notTraining(where: string): void {
    if (this.training) throw new StateError(`${where}: this network is in the middle of ${this.training}() (called from its log or callback, or before a trainAsync() settled); wait for it to finish`);
  }

  /**
   * Checks everything first (options, data, sizes, memory), then commits: a rejected call leaves
   * the network as it was. Returns the run, advanced by slice(ms) until it says it is done.
   */
  private prepare(rawData: unknown, rawOptions: unknown, where: string) {
    const given = checkOptionKeys(rawOptions, TRAIN_OPTION_NAMES, where);
    const trainOpts = mergeTrainOptions(this.trainOpts, given, where);
    const data = checkRows(rawData, where);
    if (this.engine) {
      if (trainOpts.activation !== this.engine.activation) {
        throw new ConfigError(`${where}: activation is '${this.engine.activation}' for this network's weights; make a new NeuralNetwork for '${trainOpts.activation}'`);
      }
      if (trainOpts.praxis !== this.engine.praxis) {
        throw new ConfigError(`${where}: praxis is ${this.engine.praxis ? `'${this.engine.praxis}'` : "momentum SGD"} for this network's state; make a new NeuralNetwork to train with ${trainOpts.praxis ? `'${trainOpts.praxis}'` : "momentum SGD"}`);
      }
    }
    // Until it has weights, a network takes its sizes from the data, as brain.js's does (the
    // constructor's inputSize and outputSize only say what run() or toJSON() would build before that).
    const widths = this.engine ? { input: this.sizes[0]!, output: this.sizes.at(-1)! } : null;
    const formatted = formatData(data, this, widths, where);
    const sizes = this.engine ? this.sizes : sizesFor(this.options, formatted.inputWidth, formatted.outputWidth);
    const dataBytes = planDataSet(0, formatted.rows, sizes[0]!, sizes.at(-1)!).end;
    if (dataBytes > MAX_PLAN_BYTES) {
      throw new DataError(`${where}: ${formatted.rows} rows need ${dataBytes} bytes of memory; at most ${MAX_PLAN_BYTES} fit`);
    }
    // memory is the one thing that may run out: taken before anything changes, and given back on failure
    const placed = this.engine ? undefined : this.placePlan(sizes, trainOpts.activation);
    let dataRegion: Region;
    try {
      dataRegion = this.take(dataBytes);
    } catch (error) {
      if (placed) this.giveBack(placed.region);
      throw error;
    }
    this.sizes = sizes;
    this.trainOpts = trainOpts;
    this.setLookups(formatted.inputLookup, formatted.outputLookup);
    const plan = placed ? this.initialize(undefined, placed).plan : this.engine!.plan;
    const region = planDataSet(dataRegion.at, formatted.rows, plan.inputSize, plan.outputSize);
    const m = this.machine.f64();
    m.set(formatted.inputs, region.x >>> 3);
    m.set(formatted.targets, region.y >>> 3);
    return { ...this.session(plan, region.x, region.y, formatted.rows), data: dataRegion };
  }

  /**
   * brain.js's training loop. It reads this.trainOpts before every call into the kernel, as brain.js
   * reads them every iteration, so a callback that changes trainOpts.learningRate takes effect from
   * the next iteration. The kernel runs up to the next iteration where brain.js would call out (log,
   * callback, an error check) or look at the clock.
   */
  private session(plan: MemoryPlan, x: number, y: number, rows: number) {
    const status: TrainStatus = { error: 1, iterations: 0 };
    const endTime = Date.now() + this.trainOpts.timeout;
    const tb = plan.train >>> 3;
    let msPerIteration = 0, guess = 1;
    const slice = (ms: number): boolean => {
      const sliceEnd = performance.now() + ms;
      for (;;) {
        const o = this.trainOpts, interval = this.errorCheckInterval;
        // brain.js's tick, and what a log function may have done to the status it was handed
        if (!(status.iterations < o.iterations && !(status.error <= o.errorThresh) && Date.now() < endTime)) return true;
        const log = typeof o.log === "function" ? o.log : (o.log as unknown) === true ? logStatus : undefined;
        let n = Math.min(Math.ceil(o.iterations - status.iterations), 2 ** 30);
        if (log) n = Math.min(n, untilNext(status.iterations, o.logPeriod));
        if (o.callback) n = Math.min(n, untilNext(status.iterations, o.callbackPeriod));
        if (interval !== 1) n = Math.min(n, untilNext(status.iterations, interval));
        const msLeft = Math.min(sliceEnd - performance.now(), endTime - Date.now());
        if (Number.isFinite(msLeft)) n = Math.max(1, Math.min(n, msPerIteration > 0 ? Math.floor(msLeft / msPerIteration) : guess));
        const m = this.machine.f64();
        writeSettings(m, tb, o);
        // the kernel checks the error before each pass only when brain.js would have a fresh one
        m[tb + TrainWord.batchLoss] = status.error;
        const started = performance.now();
        const done = this.machine.kernels.brainTrain(plan.net, x, y, rows, n, interval === 1 ? o.errorThresh : -Infinity, o.leakyReluAlpha);
        const took = performance.now() - started;
        // a coarse clock (browsers round to 0.1–1 ms) reads 0 for short calls: grow the guess instead
        if (took >= 1 && done > 0) msPerIteration = took / done;
        else guess = Math.min(guess * 4, 2 ** 20);
        status.iterations += done;
        if (m[tb + TrainWord.status] !== Status.ok) this.diverged(m[tb + TrainWord.status]!, m[tb + TrainWord.seen]!, status);
        const logged = log !== undefined && status.iterations % o.logPeriod === 0;
        if (interval === 1 || logged || status.iterations % interval === 0) status.error = m[tb + TrainWord.batchLoss]!;
        if (logged) log(status);
        if (o.callback && status.iterations % o.callbackPeriod === 0) o.callback({ iterations: status.iterations, error: status.error });
        if (interval === 1 && done < n) return true; // the error reached errorThresh
        if (performance.now() >= sliceEnd) return false;
      }
    };
    return { status, slice };
  }

  private diverged(code: number, sample: number, status: TrainStatus): never {
    const iteration = status.iterations + 1;
    const what = code === Status.badLoss ? "a NaN or infinite activation or output error" : "a NaN or infinite delta";
    throw new BrainDivergenceError(
      `train: iteration ${iteration}, data[${sample}] gave ${what}; training stopped before that update and the network keeps its last good weights (try a smaller learningRate)`,
      iteration, sample, { ...status },
    );
  }

  private setLookups(inputLookup: Lookup | null, outputLookup: Lookup | null): void {
    this.inputLookup = inputLookup;
    this.inputLookupLength = inputLookup ? lookupLength(inputLookup) : 0;
    this.outputLookup = outputLookup;
    this.outputLookupLength = outputLookup ? lookupLength(outputLookup) : 0;
  }

  /**
   * Lays out memory for `sizes` and draws brain.js's initial weights (uniform in ±0.2, biases too),
   * zeroing momentum and Adam state; or takes `parameters` (wasmlp's layout) instead.
   */
  private initialize(parameters: Float64Array | undefined, { plan, region }: { plan: MemoryPlan; region: Region }): Engine {
    const activation = this.trainOpts.activation;
    if (this.engine) this.giveBack(this.engine.region);
    const m = this.machine.f64();
    // a region may have been another network's: clear it all (its workspaces are what errors and deltas read)
    m.fill(0, plan.net >>> 3, Math.ceil(plan.end / 8));
    writeDescriptor(plan, this.machine.i32());
    m.set(parameters ?? initialParameters(this.sizes, this.seed), plan.params >>> 3);
    const tb = plan.train >>> 3; // momentum and Adam state start at zero, as brain.js's do after fromJSON
    m[tb + TrainWord.optimizer] = this.trainOpts.praxis === "adam" ? OptimizerId.adam : OptimizerId.sgd;
    const layers = plan.layers.map((l): BrainLayer => ({ nIn: l.nIn, nOut: l.nOut, w: l.w >>> 3, b: l.b >>> 3, a: l.a >>> 3, e: l.e >>> 3, d: l.d >>> 3 }));
    this.engine = { plan, region, activation, praxis: this.trainOpts.praxis, layers };
    return this.engine;
  }

  /** A region of the arena holding the memory plan of a network of `sizes` (one row of workspace: brain.js trains per sample). */
  private placePlan(sizes: number[], activation: BrainActivation): { plan: MemoryPlan; region: Region } {
    if (sizes.length < 2) throw new StateError("the network has no sizes yet: give inputSize and outputSize, or train it");
    const layers = sizes.slice(1).map((size) => ({ size, activationId: ACTIVATION_IDS[activation] }));
    const region = this.take(planMemory(0, sizes[0]!, layers, LossId.squaredError, 1).end);
    return { plan: planMemory(region.at, sizes[0]!, layers, LossId.squaredError, 1), region };
  }

  private ready(where: string): Engine {
    if (this.engine) return this.engine;
    throw new StateError(`${where}: the network has no weights yet: train it, or load a model with fromJSON`);
  }

  // ------------------------------------------------------------------ using

  /** The outputs for one input (by name, if the network was trained on named values). */
  run(input: InputType | Partial<InputType>): RunOutput<OutputType> {
    const engine = this.ready("run");
    const values = new Float64Array(this.sizes[0]!);
    writeValues(input as unknown, this.inputLookup, values.length, values, 0, "run: input");
    return toNamed(this.forward(engine, values), this.outputLookup) as RunOutput<OutputType>;
  }

  /** brain.js's runInput for a formatted input: the TS backend's forward pass over the plan (its X row and workspaces). */
  private forward(engine: Engine, input: Float64Array): Float64Array {
    const m = this.machine.f64(), x = engine.plan.x >>> 3, out = engine.layers.at(-1)!;
    m.set(input, x);
    brainForward(m, engine.layers, x, ACTIVATION_IDS[engine.activation], this.trainOpts.leakyReluAlpha);
    return m.slice(out.a, out.a + out.nOut);
  }

  /** brain.js's test(): the error, the misclassified rows, and for one output the confusion matrix. */
  test(data: Datum<InputType, OutputType>[]): TestResult | BinaryTestResult {
    const rows = checkRows(data, "test");
    // brain.js's test() prepares as train() does: an untrained network takes its sizes from the data
    const formatted = formatData(rows, this, this.engine ? { input: this.sizes[0]!, output: this.sizes.at(-1)! } : null, "test");
    let engine = this.engine;
    if (!engine) {
      const sizes = sizesFor(this.options, formatted.inputWidth, formatted.outputWidth);
      const placed = this.placePlan(sizes, this.trainOpts.activation); // may run out of memory: before anything changes
      this.sizes = sizes;
      this.setLookups(formatted.inputLookup, formatted.outputLookup);
      engine = this.initialize(undefined, placed);
    } else this.setLookups(formatted.inputLookup, formatted.outputLookup);
    const { inputWidth: nIn, outputWidth: nOut } = formatted;
    const binary = nOut === 1;
    const threshold = this.options.binaryThresh as number;
    const misclasses: Misclass[] = [];
    let errorSum = 0, truePos = 0, trueNeg = 0, falsePos = 0, falseNeg = 0;
    for (let r = 0; r < formatted.rows; r++) {
      const input = formatted.inputs.subarray(r * nIn, (r + 1) * nIn), target = formatted.targets.subarray(r * nOut, (r + 1) * nOut);
      const output = this.forward(engine, input);
      let actual: number, expected: number;
      if (binary) {
        actual = output[0]! > threshold ? 1 : 0;
        expected = target[0]!;
        if (actual === 0 && expected === 0) trueNeg++;
        else if (actual === 1 && expected === 1) truePos++;
        else if (actual === 0 && expected === 1) falseNeg++;
        else if (actual === 1 && expected === 0) falsePos++;
      } else {
        actual = firstLargest(output);
        expected = firstLargest(target);
      }
      if (actual !== expected) misclasses.push({ input: Array.from(input), output: Array.from(target), actual, expected });
      let squares = 0;
      for (let k = 0; k < nOut; k++) squares += (target[k]! - output[k]!) ** 2;
      errorSum += squares / nOut;
    }
    const result = { error: errorSum / formatted.rows, misclasses, total: formatted.rows };
    if (!binary) return result;
    return {
      ...result, trueNeg, truePos, falseNeg, falsePos,
      precision: truePos > 0 ? truePos / (truePos + falsePos) : 0,
      recall: truePos > 0 ? truePos / (truePos + falseNeg) : 0,
      accuracy: (trueNeg + truePos) / formatted.rows,
    };
  }

  // ------------------------------------------------------------------ saving

  /** brain.js's JSON: loads in brain.js, and here with fromJSON. Weights in float64. */
  toJSON(): BrainJSON {
    // An untrained network with sizes shows the weights it would start from, and stays untrained
    // (its sizes may still come from the data, as in brain.js).
    if (!this.engine && this.sizes.length < 2) throw new StateError("toJSON: the network has no sizes yet: give inputSize and outputSize, or train it");
    const { weights, biases } = this.engine ? this.parametersByLayer(this.engine) : byLayer(initialParameters(this.sizes, this.seed), this.sizes);
    const options = { ...this.options }; // brain.js's options: the constructor's, without wasmlp's seed and backend
    return {
      type: "NeuralNetwork",
      sizes: [...this.sizes],
      layers: this.sizes.map((_, l) => l === 0 ? { weights: [], biases: [] } : { weights: weights[l]!.map((row) => Array.from(row)), biases: Array.from(biases[l]!) }),
      inputLookup: this.inputLookup ? { ...this.inputLookup } : null,
      inputLookupLength: this.inputLookupLength,
      outputLookup: this.outputLookup ? { ...this.outputLookup } : null,
      outputLookupLength: this.outputLookupLength,
      options,
      trainOpts: trainOptsJSON(this.trainOpts),
    };
  }

  /** Loads brain.js JSON (an object or its text), checked whole before anything changes; momentum and Adam start again from zero, as in brain.js. */
  fromJSON(json: BrainJSON | string): this {
    this.notTraining("fromJSON");
    const model = readBrainJSON(json, this.trainOpts);
    const placed = this.placePlan(model.sizes, model.trainOpts.activation); // may run out of memory: before anything changes
    this.options = { inputSize: 0, outputSize: 0, binaryThresh: 0.5, ...model.options };
    this.trainOpts = model.trainOpts;
    this.sizes = model.sizes;
    this.setLookups(model.inputLookup, model.outputLookup);
    this.initialize(model.parameters, placed); // gives the old plan's region back
    return this;
  }

  /** A standalone function of the trained network, as brain.js's toFunction() writes it; `cb` may edit its source. */
  toFunction(cb?: (source: string) => string): (input: InputType | Partial<InputType>) => RunOutput<OutputType> {
    const engine = this.ready("toFunction");
    const { weights, biases } = this.parametersByLayer(engine);
    const source = functionSource(this.sizes, weights, biases, engine.activation, this.trainOpts.leakyReluAlpha, this.inputLookup, this.outputLookup);
    // eslint-disable-next-line @typescript-eslint/no-implied-eval
    return new Function("input", cb ? cb(source) : source) as (input: InputType | Partial<InputType>) => RunOutput<OutputType>;
  }

  /** Weights (per layer, node by node) and biases as brain.js keeps them; copies. Layer 0 is empty. */
  get weights(): Float64Array[][] {
    return this.engine ? this.parametersByLayer(this.engine).weights : [];
  }
  get biases(): Float64Array[] {
    return this.engine ? this.parametersByLayer(this.engine).biases : [];
  }

  /** Node errors e = y − a (brain.js's `errors`) of every layer but the input, for the last sample trained; copies. */
  get errors(): Float64Array[] {
    return this.layerValues("e");
  }
  /** Deltas δ = e ⊙ f′ of every layer but the input, for the last sample trained; copies. */
  get deltas(): Float64Array[] {
    return this.layerValues("d");
  }

  private layerValues(which: "e" | "d"): Float64Array[] {
    if (!this.engine) return [];
    const m = this.machine.f64();
    return [new Float64Array(this.sizes[0]!), ...this.engine.plan.layers.map((layer) => m.slice(layer[which] >>> 3, (layer[which] >>> 3) + layer.nOut))];
  }

  private parametersByLayer(engine: Engine): { weights: Float64Array[][]; biases: Float64Array[] } {
    const { params, paramCount } = engine.plan;
    return byLayer(this.machine.f64().subarray(params >>> 3, (params >>> 3) + paramCount), this.sizes);
  }
}

/** brain.js's initial parameters in wasmlp's layout (per layer W then b): uniform in ±0.2, each layer's biases drawn first, as brain.js draws them. */
function initialParameters(sizes: number[], seed: number): Float64Array {
  const random = new Random(seed);
  const draw = () => random.next() * 0.4 - 0.2;
  const flat = new Float64Array(parameterCount(sizes));
  let at = 0;
  for (let l = 1; l < sizes.length; l++) {
    const nIn = sizes[l - 1]!, nOut = sizes[l]!, b = at + nOut * nIn;
    for (let j = 0; j < nOut; j++) flat[b + j] = draw();
    for (let k = 0; k < nOut * nIn; k++) flat[at + k] = draw();
    at = b + nOut;
  }
  return flat;
}

/** Flat parameters (per layer W then b) as brain.js's weights[layer][node] and biases[layer]: copies; layer 0 empty. */
function byLayer(flat: Float64Array, sizes: number[]): { weights: Float64Array[][]; biases: Float64Array[] } {
  const weights: Float64Array[][] = [[]], biases: Float64Array[] = [new Float64Array(0)];
  let at = 0;
  for (let l = 1; l < sizes.length; l++) {
    const nIn = sizes[l - 1]!, nOut = sizes[l]!;
    weights.push(Array.from({ length: nOut }, (_, j) => flat.slice(at + j * nIn, at + (j + 1) * nIn)));
    at += nOut * nIn;
    biases.push(flat.slice(at, at + nOut));
    at += nOut;
  }
  return { weights, biases };
}

/** Iterations from `at` to the next one where `at % period === 0` (brain.js's test), or Infinity if none comes. */
function untilNext(at: number, period: number): number {
  if (!Number.isInteger(at)) return Infinity; // a log function made the count fractional: no whole multiple comes
  const p = Math.abs(period);
  if (!Number.isFinite(p) || p === 0) return Infinity; // i % p is never 0 for i > 0 (NaN, 0, ±Infinity)
  if (Number.isInteger(p)) return p - (at % p);
  return 1; // a fraction: one iteration at a time, asking as brain.js asks
}

const LIVE_SETTINGS = ["learningRate", "momentum", "beta1", "beta2", "epsilon", "leakyReluAlpha"] as const;

/** The training block's settings from trainOpts, read again before each kernel call, as brain.js reads them per sample. */
function writeSettings(m: Float64Array, tb: number, o: TrainOpts): void {
  for (const name of LIVE_SETTINGS) {
    if (typeof o[name] !== "number" || !Number.isFinite(o[name])) throw new ConfigError(`trainOpts.${name} was set to ${show(o[name])} during training; it must be a finite number`);
  }
  m[tb + TrainWord.lr] = o.learningRate;
  m[tb + TrainWord.momentum] = o.momentum;
  m[tb + TrainWord.beta1] = o.beta1;
  m[tb + TrainWord.beta2] = o.beta2;
  m[tb + TrainWord.eps] = o.epsilon;
}

/** The sizes brain.js gives a network from its first data: one hidden layer of max(3, ⌊inputs/2⌋) unless hiddenLayers says. */
function sizesFor(options: Record<string, unknown>, inputWidth: number, outputWidth: number): number[] {
  const hidden = (options.hiddenLayers as number[] | undefined) ?? [Math.max(3, Math.floor(inputWidth / 2))];
  return checkParameterCount([inputWidth, ...hidden, outputWidth]);
}

/** Index of the first largest value (brain.js: indexOf(max)). */
function firstLargest(values: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i]! > values[best]!) best = i;
  return best;
}

/** brain.likely: the name (or index) of the largest output for `input`. */
export function likely<I extends BrainValues>(input: I | Partial<I>, net: NeuralNetwork<I, BrainValues>): string | null {
  if (!(net instanceof NeuralNetwork)) throw new DataError(`likely(input, net): net must be a NeuralNetwork, not ${show(net)}`);
  const output = net.run(input);
  let best: string | null = null, bestValue = -1;
  for (const [key, value] of Object.entries(output)) {
    if (typeof value === "number" && value > bestValue) { best = key; bestValue = value; }
  }
  return best;
}

