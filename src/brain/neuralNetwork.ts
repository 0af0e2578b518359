// brain.js's NeuralNetwork on wasmlp's kernels: the same options, data, results and JSON, and
// brain.js's own arithmetic (assembly/brain.ts), in float64. Weights, momentum and Adam state live
// in one wasmlp memory plan; a train() call copies the data set in once, then runs whole passes in
// the kernel, coming back to JavaScript only where brain.js would call out (log, callback, the
// error check, the timeout).
import { MAX_PARAMETERS } from "../architecture.js";
import { ActivationId, LossId, OptimizerId, Status, TrainWord } from "../abi.js";
import { createBackendSync, type Backend, type BackendName } from "../backend/index.js";
import { brainActivate } from "../backend/ts/brain.js";
import { ConfigError, DataError, StateError, WasmlpError, show } from "../errors.js";
import { planDataSet, planMemory, scratchStart, writeDescriptor, type MemoryPlan } from "../memoryPlan.js";
import { Random, randomSeed } from "../random.js";
import { checkRows, formatData, isPositional, lookupLength, toNamed, writeValues, type BrainValues, type Lookup } from "./data.js";
import { readBrainJSON, trainOptsJSON, type BrainJSON } from "./json.js";
import {
  checkOptionKeys, checkUnits, mergeTrainOptions, trainDefaults, NETWORK_OPTION_NAMES, TRAIN_OPTION_NAMES, WASMLP_OPTION_NAMES,
  type BrainActivation, type BrainTrainOptions, type NeuralNetworkOptions, type TrainOpts, type TrainStatus,
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

/** What run() gives for outputs of type O: named values as they came, positional ones as a Float64Array. */
export type RunOutput<O extends BrainValues> = O extends ArrayLike<number> ? Float64Array : O;
/** One row of training data, typed as brain.js types it. */
export interface Datum<I extends BrainValues, O extends BrainValues> {
  input: I;
  output: O;
}

/** What fixes the arithmetic once the network has weights: its memory, activation and praxis. */
interface Engine {
  plan: MemoryPlan;
  activation: BrainActivation;
  praxis: "adam" | undefined;
}

const CONSTRUCTOR_OPTIONS = [...NETWORK_OPTION_NAMES, ...TRAIN_OPTION_NAMES, ...WASMLP_OPTION_NAMES];
/** Iterations one call into the kernel may run before JavaScript looks at the clock again (trainAsync, timeouts). */
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

  private readonly machine: Backend;
  private engine: Engine | null = null;
  private dataRegionEnd = 0;

  constructor(options: NeuralNetworkOptions = {}) {
    const given = checkOptionKeys(options, CONSTRUCTOR_OPTIONS, "new NeuralNetwork");
    this.trainOpts = mergeTrainOptions(trainDefaults(), given, "new NeuralNetwork");
    const { inputSize, outputSize, hiddenLayers, binaryThresh, seed, backend } = options;
    if (inputSize !== undefined && inputSize !== 0) checkUnits(inputSize, "new NeuralNetwork: inputSize");
    if (outputSize !== undefined && outputSize !== 0) checkUnits(outputSize, "new NeuralNetwork: outputSize");
    if (hiddenLayers !== undefined) {
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
    this.machine = createBackendSync(backend ?? "auto").backend;
    if (inputSize && outputSize) this.sizes = checkParameterCount([inputSize, ...(hiddenLayers ?? []), outputSize]);
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
  train(data: Datum<InputType, OutputType>[], options: BrainTrainOptions = {}): TrainStatus {
    const run = this.prepare(data, options, "train");
    while (!run.slice(Infinity));
    return run.status;
  }

  /** train() in slices of a few milliseconds, so a page stays responsive; resolves to the same status. */
  async trainAsync(data: Datum<InputType, OutputType>[], options: BrainTrainOptions = {}): Promise<TrainStatus> {
    const run = this.prepare(data, options, "trainAsync");
    while (!run.slice(SLICE_MS)) await new Promise((resolve) => setTimeout(resolve, 0));
    return run.status;
  }

  /**
   * Checks everything first (options, data, sizes), then commits: a rejected call leaves the
   * network as it was. Returns the run, advanced by slice(ms) until it says it is done.
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
    const formatted = formatData(data, this, this.sizes.length ? { input: this.sizes[0]!, output: this.sizes.at(-1)! } : null, where);
    const sizes = this.sizes.length ? this.sizes : sizesFor(this.options, formatted.inputWidth, formatted.outputWidth);
    this.sizes = sizes;
    this.trainOpts = trainOpts;
    this.setLookups(formatted.inputLookup, formatted.outputLookup);
    const engine = this.engine ?? this.initialize();
    const { x, y } = this.placeData(engine.plan, formatted.inputs, formatted.targets, formatted.rows);
    return this.session(engine.plan, x, y, formatted.rows);
  }

  private session(plan: MemoryPlan, x: number, y: number, rows: number) {
    const o = this.trainOpts;
    const status: TrainStatus = { error: 1, iterations: 0 };
    const endTime = Date.now() + o.timeout;
    const tb = plan.train >>> 3;
    const f64 = () => this.machine.f64();
    f64()[tb + TrainWord.lr] = o.learningRate;
    f64()[tb + TrainWord.momentum] = o.momentum;
    f64()[tb + TrainWord.beta1] = o.beta1;
    f64()[tb + TrainWord.beta2] = o.beta2;
    f64()[tb + TrainWord.eps] = o.epsilon;
    const interval = this.errorCheckInterval;
    const log = o.log, callback = o.callback;
    let msPerIteration = 0;
    const untilMultiple = (at: number, period: number) => period - (at % period);
    const slice = (ms: number): boolean => {
      const sliceEnd = performance.now() + ms;
      while (status.iterations < o.iterations && status.error > o.errorThresh && Date.now() < endTime) {
        let n = Math.min(o.iterations - status.iterations, 2 ** 30);
        if (log) n = Math.min(n, untilMultiple(status.iterations, o.logPeriod));
        if (callback) n = Math.min(n, untilMultiple(status.iterations, o.callbackPeriod));
        if (interval !== 1 && Number.isFinite(interval)) n = Math.min(n, untilMultiple(status.iterations, interval));
        const msLeft = Math.min(sliceEnd - performance.now(), endTime - Date.now());
        if (Number.isFinite(msLeft)) n = Math.max(1, Math.min(n, msPerIteration > 0 ? Math.floor(msLeft / msPerIteration) : 1));
        // the kernel checks the error before each pass only when brain.js would have a fresh one
        f64()[tb + TrainWord.batchLoss] = status.error;
        const started = performance.now();
        const done = this.machine.kernels.brainTrain(plan.net, x, y, rows, n, interval === 1 ? o.errorThresh : -Infinity, o.leakyReluAlpha);
        msPerIteration = done > 0 ? (performance.now() - started) / done : msPerIteration;
        const m = f64();
        status.iterations += done;
        if (m[tb + TrainWord.status] !== Status.ok) this.diverged(m[tb + TrainWord.status]!, m[tb + TrainWord.seen]!, status);
        const logged = log && status.iterations % o.logPeriod === 0;
        if (interval === 1 || logged || status.iterations % interval === 0) status.error = m[tb + TrainWord.batchLoss]!;
        if (logged) log(status);
        if (callback && status.iterations % o.callbackPeriod === 0) callback({ iterations: status.iterations, error: status.error });
        if (done < n) break; // the error reached errorThresh
        if (performance.now() >= sliceEnd) return false;
      }
      return true;
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

  /** Copies the data set after the plan, growing memory only when a larger set comes. */
  private placeData(plan: MemoryPlan, inputs: Float64Array, targets: Float64Array, rows: number): { x: number; y: number } {
    const region = planDataSet(scratchStart(plan), rows, plan.inputSize, plan.outputSize);
    if (region.end > this.dataRegionEnd) {
      this.machine.reserve(region.end);
      this.dataRegionEnd = region.end;
    }
    const m = this.machine.f64();
    m.set(inputs, region.x >>> 3);
    m.set(targets, region.y >>> 3);
    return { x: region.x, y: region.y };
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
  private initialize(parameters?: Float64Array): Engine {
    if (this.sizes.length < 2) throw new StateError("the network has no sizes yet: give inputSize and outputSize, or train it");
    const activation = this.trainOpts.activation;
    const layers = this.sizes.slice(1).map((size) => ({ size, activationId: ACTIVATION_IDS[activation] }));
    const plan = planMemory(this.machine.base, this.sizes[0]!, layers, LossId.squaredError, 1);
    this.machine.reserve(plan.end);
    this.dataRegionEnd = plan.end;
    writeDescriptor(plan, this.machine.i32());
    const m = this.machine.f64();
    const p = plan.params >>> 3;
    if (parameters) m.set(parameters, p);
    else {
      // brain.js draws each layer's biases, then its weights node by node
      const random = new Random(this.seed);
      const draw = () => random.next() * 0.4 - 0.2;
      for (const layer of plan.layers) {
        for (let j = 0; j < layer.nOut; j++) m[(layer.b >>> 3) + j] = draw();
        for (let k = 0; k < layer.nOut * layer.nIn; k++) m[(layer.w >>> 3) + k] = draw();
      }
    }
    m.fill(0, plan.state1 >>> 3, (plan.state1 >>> 3) + 2 * plan.paramCount);
    const tb = plan.train >>> 3;
    m.fill(0, tb, tb + 24);
    m[tb + TrainWord.optimizer] = this.trainOpts.praxis === "adam" ? OptimizerId.adam : OptimizerId.sgd;
    m[tb + TrainWord.beta1Power] = 1;
    m[tb + TrainWord.beta2Power] = 1;
    this.engine = { plan, activation, praxis: this.trainOpts.praxis };
    return this.engine;
  }

  private ready(where: string): Engine {
    if (this.engine) return this.engine;
    if (this.sizes.length) return this.initialize();
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

  /** brain.js's runInput: the output layer's values for a formatted input. */
  private forward(engine: Engine, input: Float64Array): Float64Array {
    const m = this.machine.f64();
    const act = ACTIVATION_IDS[engine.activation], alpha = this.trainOpts.leakyReluAlpha;
    let a = input;
    for (const layer of engine.plan.layers) {
      const next = new Float64Array(layer.nOut), w = layer.w >>> 3, b = layer.b >>> 3;
      for (let j = 0; j < layer.nOut; j++) {
        let sum = m[b + j]!;
        for (let i = 0; i < layer.nIn; i++) sum += m[w + j * layer.nIn + i]! * a[i]!;
        next[j] = brainActivate(act, sum, alpha);
      }
      a = next;
    }
    return a;
  }

  /** brain.js's test(): the error, the misclassified rows, and for one output the confusion matrix. */
  test(data: Datum<InputType, OutputType>[]): TestResult | BinaryTestResult {
    const rows = checkRows(data, "test");
    const formatted = formatData(rows, this, this.sizes.length ? { input: this.sizes[0]!, output: this.sizes.at(-1)! } : null, "test");
    if (!this.sizes.length) this.sizes = sizesFor(this.options, formatted.inputWidth, formatted.outputWidth);
    this.setLookups(formatted.inputLookup, formatted.outputLookup);
    const engine = this.ready("test");
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
    const engine = this.ready("toJSON");
    const { weights, biases } = this.parametersByLayer(engine);
    const { seed: _s, backend: _b, ...options } = this.options;
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
    const model = readBrainJSON(json, this.trainOpts);
    this.options = { inputSize: 0, outputSize: 0, binaryThresh: 0.5, ...model.options };
    this.trainOpts = model.trainOpts;
    this.sizes = model.sizes;
    this.setLookups(model.inputLookup, model.outputLookup);
    this.engine = null;
    this.initialize(model.parameters);
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
    const m = this.machine.f64();
    const weights: Float64Array[][] = [[]], biases: Float64Array[] = [new Float64Array(0)];
    for (const layer of engine.plan.layers) {
      const w = layer.w >>> 3;
      weights.push(Array.from({ length: layer.nOut }, (_, j) => m.slice(w + j * layer.nIn, w + (j + 1) * layer.nIn)));
      biases.push(m.slice(layer.b >>> 3, (layer.b >>> 3) + layer.nOut));
    }
    return { weights, biases };
  }
}

/** `sizes`, or a ConfigError when they make more parameters than a network may have. */
function checkParameterCount(sizes: number[]): number[] {
  const count = sizes.slice(1).reduce((sum, n, l) => sum + n * (sizes[l]! + 1), 0);
  if (count > MAX_PARAMETERS) throw new ConfigError(`sizes ${show(sizes)} make ${count} parameters, more than the ${MAX_PARAMETERS} a network may have`);
  return sizes;
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

export { isPositional };
