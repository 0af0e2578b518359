// Network: a typed face over one memory plan and one backend. forward() then backward() (≙
// loss.backward()) leaves every layer's node errors, deltas and gradients readable; an optimizer's
// step() (≙ optimizer.step()) then updates the parameters in one call over a flat range.
import { activationId, type Activation } from "./activation.js";
import { checkArchitecture, type Architecture, type LayerShape } from "./architecture.js";
import { createBackend, type Backend, type BackendChoice, type BackendName } from "./backend/index.js";
import { ConfigError, ModelFormatError, ShapeError, StateError } from "./errors.js";
import { lossId, targetProblem, type Loss } from "./loss.js";
import { batchRows, copyBatch, Matrix, type MatrixInput } from "./matrix.js";
import { align16, planMemory, writeDescriptor, type MemoryPlan } from "./memoryPlan.js";
import { jsonFromSaved, savedFromJSON, type ModelJSON } from "./io/modelJson.js";
import { decodeBinary, encodeBinary } from "./io/binary.js";
import type { SavedNetwork } from "./io/saved.js";
import { createOptimizer, type Optimizer } from "./optimizer.js";
import { Random, randomSeed } from "./random.js";
import { accuracyMode, evaluate, runAsync, runSync, trainLoop, type Evaluation, type FitOptions, type History, type Metric } from "./training/fit.js";

export type Init = "xavier" | "he";

export interface LayerOptions {
  size: number;
  activation: Activation;
  /** Overrides the network's `init` for this layer. */
  init?: Init;
}

export interface NetworkOptions {
  inputSize: number;
  layers: readonly LayerOptions[];
  loss: Loss;
  /** Seed of the weight initialisation; the same seed gives the same network on every backend. Random if omitted (see `net.seed`). */
  seed?: number;
  /** Default: 'he' for relu and leakyRelu layers, 'xavier' for the others. */
  init?: Init;
  /** 'auto' (default) picks wasm where WebAssembly SIMD runs, else the pure-TS backend. */
  backend?: BackendChoice;
  /** Rows the workspaces hold at first; they grow when a larger batch arrives. */
  batchCapacity?: number;
}

export interface BackendOptions {
  backend?: BackendChoice;
  batchCapacity?: number;
}

export interface SaveOptions {
  /** Make a checkpoint: include this optimizer's settings, state and step count. */
  optimizer?: Optimizer;
}

export interface LayerGradients {
  /** ∂E/∂W, size × fan-in, row-major. */
  weights: Matrix;
  /** ∂E/∂b. */
  biases: Float64Array;
}

/** What an optimizer needs from a network: its backend and the flat ranges. Not part of the public API. */
export interface Engine {
  readonly backend: Backend;
  readonly plan: MemoryPlan;
  /** Claims the optimizer-state ranges for `owner`, zeroing them. */
  attach(owner: object): void;
  /** Throws unless `owner` holds the optimizer state. */
  checkOwner(owner: object): void;
  owns(owner: object): boolean;
  /** Grows the batch workspaces to at least `rows` (refused while training). */
  ensureCapacity(rows: number): void;
  /** First byte after the memory plan: scratch space for data sets, valid until the next re-layout. */
  scratchStart(): number;
  /** Makes bytes [0, end) addressable. */
  reserve(end: number): void;
  /** Epochs trained over the network's life. */
  epochs: number;
  /** Set while fit() runs: calls that would re-lay memory are refused. */
  training: boolean;
}

const engines = new WeakMap<Network, Engine>();
/** @internal */
export function engineOf(net: Network): Engine {
  const engine = engines.get(net);
  if (!engine) throw new StateError("this network has been disposed");
  return engine;
}

const INITS: readonly Init[] = ["xavier", "he"];
const RELU_LIKE: ReadonlySet<Activation> = new Set(["relu", "leakyRelu"]);

export class Network {
  readonly inputSize: number;
  readonly outputSize: number;
  readonly loss: Loss;
  readonly layers: readonly Readonly<LayerShape>[];
  /** Seed the weights were drawn from (undefined for a network loaded from a model). */
  readonly seed: number | undefined;
  readonly backendName: BackendName;
  /**
   * The application's own JSON-serialisable object, saved and loaded with the model (the CLI keeps
   * its feature scaling and class names here). Empty by default.
   */
  metadata: Record<string, unknown> = {};

  private backend: Backend;
  private plan: MemoryPlan;
  private optimizerOwner: object | null = null;
  /** Rows of the last forward(): what backward() may use (0: none). */
  private forwardRows = 0;
  /** Rows of the last backward(): node errors, deltas and gradients readable (0: none). */
  private backwardRows = 0;
  private disposed = false;
  private epochsDone = 0;
  private busy = false;

  private constructor(arch: Architecture, backend: Backend, capacity: number, seed: number | undefined) {
    this.inputSize = arch.inputSize;
    this.outputSize = arch.layers[arch.layers.length - 1]!.size;
    this.loss = arch.loss;
    this.layers = arch.layers.map((l) => Object.freeze({ ...l }));
    this.seed = seed;
    this.backend = backend;
    this.backendName = backend.name;
    this.plan = this.layout(capacity);
    const self = this;
    engines.set(this, {
      backend,
      get plan() { return self.plan; },
      attach(owner) {
        const { state1, paramCount } = self.plan;
        if (self.busy) throw new StateError("a new optimizer cannot take over while fit() runs on this network");
        backend.f64().fill(0, state1 >>> 3, (state1 >>> 3) + 2 * paramCount); // state2 follows state1 (memoryPlan.ts)
        self.optimizerOwner = owner;
      },
      ensureCapacity: (rows) => self.ensureCapacity(rows),
      scratchStart: () => align16(self.plan.end),
      reserve: (end) => {
        if (end > MAX_BYTES) throw new ConfigError(`the data set needs ${end} bytes of memory, more than the ${MAX_BYTES} a wasm memory can address here; train on it in parts`);
        backend.reserve(end);
      },
      get epochs() { return self.epochsDone; },
      set epochs(value) { self.epochsDone = value; },
      get training() { return self.busy; },
      set training(value) { self.busy = value; },
      owns(owner) {
        return !self.disposed && self.optimizerOwner === owner;
      },
      checkOwner(owner) {
        if (self.disposed) throw new StateError("this network has been disposed");
        if (self.optimizerOwner !== owner) {
          throw new StateError("this optimizer was replaced by a newer optimizer on the same network; step the newer one");
        }
      },
    });
  }

  /** Creates a network with freshly initialised weights. */
  static async create(options: NetworkOptions): Promise<Network> {
    if (typeof options !== "object" || options === null) throw new ConfigError("Network.create: expected an options object");
    const arch = checkArchitecture(options, "options");
    const seed = options.seed ?? randomSeed();
    if (typeof seed !== "number" || !Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
      throw new ConfigError(`options.seed must be an integer in [0, 2^32), got ${JSON.stringify(options.seed)}`);
    }
    const inits = options.layers.map((layer, l) => {
      const init = layer.init ?? options.init ?? (RELU_LIKE.has(arch.layers[l]!.activation) ? "he" : "xavier");
      if (!INITS.includes(init)) throw new ConfigError(`options.layers[${l}].init: unknown init ${JSON.stringify(init)}; expected 'xavier' or 'he'`);
      return init;
    });
    const net = new Network(arch, await createBackend(options.backend), checkCapacity(options.batchCapacity), seed);
    net.initialise(new Random(seed), inits);
    return net;
  }

  /** Loads a model in the format of toJSON() (an object or its JSON text); validates everything first. */
  static async fromJSON(model: unknown, options: BackendOptions = {}): Promise<Network> {
    return (await Network.restore(savedFromJSON(model), options)).network;
  }

  /** Loads a model from the binary format of toBinary(); validates everything first. */
  static async fromBinary(bytes: Uint8Array | ArrayBuffer, options: BackendOptions = {}): Promise<Network> {
    return (await Network.restore(decodeBinary(bytes), options)).network;
  }

  /** Loads a model from a Blob holding the binary format (browser downloads, file inputs). */
  static async fromBlob(blob: Blob, options: BackendOptions = {}): Promise<Network> {
    return Network.fromBinary(new Uint8Array(await blob.arrayBuffer()), options);
  }

  /**
   * Loads a checkpoint (binary bytes, a Blob, or JSON text/object saved with `{ optimizer }`) and
   * returns the network with its optimizer, state and step count restored: fit() with that
   * optimizer continues exactly as if training had never stopped.
   */
  static async loadCheckpoint(data: Uint8Array | ArrayBuffer | Blob | string | object, options: BackendOptions = {}): Promise<{ network: Network; optimizer: Optimizer }> {
    const bytes = typeof Blob !== "undefined" && data instanceof Blob ? new Uint8Array(await data.arrayBuffer()) : data;
    const saved = bytes instanceof Uint8Array || bytes instanceof ArrayBuffer ? decodeBinary(bytes) : savedFromJSON(bytes);
    if (!saved.training?.optimizer) throw new ModelFormatError("this file is a model without optimizer state, not a checkpoint: save checkpoints with { optimizer }");
    const { network, optimizer } = await Network.restore(saved, options);
    return { network, optimizer: optimizer! };
  }

  private static async restore(saved: SavedNetwork, options: BackendOptions): Promise<{ network: Network; optimizer?: Optimizer }> {
    const network = new Network(saved.arch, await createBackend(options.backend), checkCapacity(options.batchCapacity), saved.training?.seed);
    network.backend.f64().set(saved.params, network.plan.params >>> 3);
    network.epochsDone = saved.training?.epochs ?? 0;
    if (saved.metadata) network.metadata = saved.metadata;
    const o = saved.training?.optimizer;
    if (!o) return { network };
    const optimizer = createOptimizer(network, { ...o.config, lr: o.baseLr });
    optimizer.restoreState(o.step, o.config.lr ?? o.baseLr, o.state1, o.state2);
    return { network, optimizer };
  }

  /** Number of trainable parameters (all weights and biases). */
  get parameterCount(): number {
    return this.plan.paramCount;
  }

  /** Runs the batch through the network; returns the output activations (a copy). */
  forward(inputs: MatrixInput): Matrix {
    this.live();
    const rows = batchRows(inputs, this.inputSize, "inputs");
    this.ensureCapacity(rows);
    this.forgetBatch();
    copyBatch(inputs, this.inputSize, this.backend.f64(), this.plan.x >>> 3, "inputs");
    this.backend.kernels.forward(this.plan.net, rows);
    this.forwardRows = rows;
    return this.read(this.plan.layers[this.plan.layers.length - 1]!.a, rows, this.outputSize);
  }

  /**
   * Back-propagates node errors for the targets of the last forward() batch and adds the batch-mean
   * gradients to the gradient buffers (call zeroGrad() or optimizer.zeroGrad() between steps).
   * Returns the batch-mean loss.
   */
  backward(targets: MatrixInput): number {
    this.live();
    if (this.forwardRows === 0) throw new StateError("backward() needs a forward() on the same batch first");
    const rows = batchRows(targets, this.outputSize, "targets");
    if (rows !== this.forwardRows) {
      throw new ShapeError(`targets: ${rows} rows, but the last forward() batch had ${this.forwardRows}`);
    }
    copyBatch(targets, this.outputSize, this.backend.f64(), this.plan.y >>> 3, "targets", (y) => targetProblem(this.loss, y));
    const loss = this.backend.kernels.backward(this.plan.net, rows, true);
    this.backwardRows = rows;
    return loss;
  }

  /** Sets every gradient to zero. */
  zeroGrad(): void {
    this.live();
    const { grads, paramCount } = this.plan;
    this.backend.f64().fill(0, grads >>> 3, (grads >>> 3) + paramCount);
  }

  /**
   * Node errors ∂E_s/∂a of layer `layer` (1..L; 0 is the input layer) for every sample of the last
   * backward(), per sample (no 1/B), one row per sample.
   */
  nodeErrors(layer: number): Matrix {
    this.afterBackward();
    if (layer === 0) {
      this.backend.kernels.inputErrors(this.plan.net, this.backwardRows);
      return this.read(this.plan.inputErrors, this.backwardRows, this.inputSize);
    }
    const p = this.layerPlan(layer);
    return this.read(p.e, this.backwardRows, p.nOut);
  }

  /** Deltas ∂E_s/∂z = nodeErrors ⊙ f'(z) of layer 1..L, one row per sample. */
  deltas(layer: number): Matrix {
    this.afterBackward();
    const p = this.layerPlan(layer);
    return this.read(p.d, this.backwardRows, p.nOut);
  }

  /** The accumulated gradients of layer 1..L. */
  gradients(layer: number): LayerGradients {
    this.live();
    const p = this.layerPlan(layer);
    return { weights: this.read(p.dW, p.nOut, p.nIn), biases: this.read(p.dB, 1, p.nOut).data };
  }

  /** Pre-activations z of layer 1..L from the last forward(). */
  preActivations(layer: number): Matrix {
    this.afterForward();
    const p = this.layerPlan(layer);
    return this.read(p.z, this.forwardRows, p.nOut);
  }

  /** Activations a of layer 0..L from the last forward() (0 gives the inputs). */
  activations(layer: number): Matrix {
    this.afterForward();
    if (layer === 0) return this.read(this.plan.x, this.forwardRows, this.inputSize);
    const p = this.layerPlan(layer);
    return this.read(p.a, this.forwardRows, p.nOut);
  }

  /** Per-sample losses of the last backward(). */
  sampleLosses(): Float64Array {
    this.afterBackward();
    return this.read(this.plan.sampleLoss, 1, this.backwardRows).data;
  }

  /** Weights of layer 1..L, size × fan-in (a copy). */
  weights(layer: number): Matrix {
    this.live();
    const p = this.layerPlan(layer);
    return this.read(p.w, p.nOut, p.nIn);
  }

  /** Biases of layer 1..L (a copy). */
  biases(layer: number): Float64Array {
    this.live();
    const p = this.layerPlan(layer);
    return this.read(p.b, 1, p.nOut).data;
  }

  /**
   * Replaces the weights (size × fan-in, row-major) and/or biases of layer 1..L. Everything is
   * checked before anything is written, so a rejected call changes nothing.
   */
  setParameters(layer: number, values: { weights?: MatrixInput; biases?: ArrayLike<number> }): void {
    this.live();
    const p = this.layerPlan(layer);
    const where = `layer ${layer}`;
    const staged: [number, Float64Array][] = [];
    if (values.weights !== undefined) {
      const rows = batchRows(values.weights, p.nIn, `${where} weights`);
      if (rows !== p.nOut) throw new ShapeError(`${where} weights: ${rows} rows, the layer has ${p.nOut} units`);
      const w = new Float64Array(p.nOut * p.nIn);
      copyBatch(values.weights, p.nIn, w, 0, `${where} weights`);
      staged.push([p.w, w]);
    }
    if (values.biases !== undefined) {
      const list = Array.from(values.biases);
      if (list.length !== p.nOut) throw new ShapeError(`${where} biases: ${list.length} values, the layer has ${p.nOut} units`);
      const b = new Float64Array(p.nOut);
      copyBatch([list], p.nOut, b, 0, `${where} biases`);
      staged.push([p.b, b]);
    }
    const m = this.backend.f64();
    for (const [offset, data] of staged) m.set(data, offset >>> 3);
  }

  /**
   * Outputs for any number of rows, computed in chunks so that the workspaces stay small. Leaves no
   * forward state behind: backward() needs its own forward().
   */
  predict(inputs: MatrixInput): Matrix {
    this.live();
    const rows = batchRows(inputs, this.inputSize, "inputs");
    const flat = toFlat(inputs, this.inputSize, rows);
    const chunk = Math.min(rows, this.busy ? this.plan.capacity : Math.max(this.plan.capacity, PREDICT_CHUNK));
    this.ensureCapacity(chunk);
    this.forgetBatch();
    const out = new Float64Array(rows * this.outputSize);
    const outLayer = this.plan.layers[this.plan.layers.length - 1]!;
    for (let start = 0; start < rows; start += chunk) {
      const n = Math.min(chunk, rows - start);
      const m = this.backend.f64();
      copyBatch(flat.subarray(start * this.inputSize, (start + n) * this.inputSize), this.inputSize, m, this.plan.x >>> 3, "inputs");
      this.backend.kernels.forward(this.plan.net, n);
      out.set(m.subarray(outLayer.a >>> 3, (outLayer.a >>> 3) + n * this.outputSize), start * this.outputSize);
    }
    return new Matrix(rows, this.outputSize, out);
  }

  /**
   * Trains on the whole data set with mini-batches; see FitOptions. Returns the per-epoch history.
   * Throws a DivergenceError (keeping the last good weights) if a loss or gradient stops being finite.
   */
  fit(inputs: MatrixInput, targets: MatrixInput, options: FitOptions = {}): History {
    this.forgetBatch();
    return this.guardTraining(() => runSync(trainLoop(this, engineOf(this), inputs, targets, options, false)));
  }

  /** fit() that yields to the event loop every `yieldEveryMs` (default 10 ms), so a page stays responsive. */
  async fitAsync(inputs: MatrixInput, targets: MatrixInput, options: FitOptions = {}): Promise<History> {
    this.startTraining();
    this.forgetBatch();
    try {
      return await runAsync(trainLoop(this, engineOf(this), inputs, targets, options, true), options.yieldEveryMs);
    } finally {
      this.busy = false;
    }
  }

  /** Mean loss (and accuracy, for classifiers) over a data set, in chunks; no gradients, no weight change. */
  evaluate(inputs: MatrixInput, targets: MatrixInput, options: { metrics?: readonly Metric[] } = {}): Evaluation {
    this.live();
    if (this.busy) throw new StateError("evaluate() cannot run while fit() runs; use the validation options of fit()");
    const metrics = options.metrics ?? (accuracyMode(this) !== 0 ? ["accuracy"] : []);
    this.forgetBatch();
    return evaluate(this, engineOf(this), inputs, targets, metrics);
  }

  /** Epochs trained by fit() over the network's life (a checkpoint carries it). */
  get epochsTrained(): number {
    return this.epochsDone;
  }

  /** The workspaces are about to hold other rows: the last forward()/backward() can no longer be read. */
  private forgetBatch(): void {
    this.forwardRows = this.backwardRows = 0;
  }

  private startTraining(): void {
    this.live();
    if (this.busy) throw new StateError("fit() is already running on this network");
  }

  private guardTraining<T>(run: () => T): T {
    this.startTraining();
    try {
      return run();
    } finally {
      this.busy = false;
    }
  }

  /**
   * The model in the golden format (flat row-major weights). With `{ optimizer }` it is a
   * checkpoint: it also carries the optimizer's settings, state and step count, and the epoch count.
   */
  toJSON(options?: SaveOptions | string): ModelJSON {
    return jsonFromSaved(this.snapshot(typeof options === "object" ? options : undefined));
  }

  /** The compact binary format (see src/io/binary.ts); with `{ optimizer }` a checkpoint. */
  toBinary(options?: SaveOptions): Uint8Array {
    return encodeBinary(this.snapshot(options));
  }

  /** toBinary() as a Blob, for downloads in a browser. */
  toBlob(options?: SaveOptions): Blob {
    return new Blob([this.toBinary(options) as BlobPart], { type: "application/octet-stream" });
  }

  private snapshot(options: SaveOptions | undefined): SavedNetwork {
    this.live();
    const m = this.backend.f64(), p = this.plan.params >>> 3;
    const saved: SavedNetwork = {
      arch: { inputSize: this.inputSize, layers: this.layers.map((l) => ({ ...l })), loss: this.loss },
      params: m.slice(p, p + this.plan.paramCount),
    };
    if (Object.keys(this.metadata ?? {}).length > 0) {
      if (typeof this.metadata !== "object" || Array.isArray(this.metadata)) throw new ConfigError("metadata must be a plain object");
      // a deep copy through JSON: what is saved is exactly what loads back
      saved.metadata = JSON.parse(JSON.stringify(this.metadata)) as Record<string, unknown>;
    }
    const optimizer = options?.optimizer;
    if (optimizer !== undefined) {
      if (optimizer.network !== this) throw new ConfigError("optimizer: this optimizer belongs to another network");
      const state = optimizer.saveState();
      saved.training = {
        epochs: this.epochsDone,
        ...(this.seed === undefined ? {} : { seed: this.seed }),
        optimizer: { config: optimizer.toConfig(), baseLr: optimizer.baseLr, ...state },
      };
    } else if (this.epochsDone > 0 || this.seed !== undefined) {
      saved.training = { epochs: this.epochsDone, ...(this.seed === undefined ? {} : { seed: this.seed }) };
    }
    return saved;
  }

  /** Releases the backend's memory; any later call throws a StateError. */
  dispose(): void {
    this.disposed = true;
    engines.delete(this);
    this.backend = undefined as unknown as Backend;
  }

  // ——— internals ———

  private layout(capacity: number): MemoryPlan {
    const specs = this.layers.map((l) => ({ size: l.size, activationId: activationId(l.activation) }));
    const plan = planMemory(this.backend.base, this.inputSize, specs, lossId(this.loss), capacity);
    if (plan.end > MAX_BYTES) {
      throw new ConfigError(`the network needs ${plan.end} bytes for ${capacity} rows, more than the ${MAX_BYTES} a wasm memory can address here; use smaller layers or batches`);
    }
    this.backend.reserve(plan.end);
    writeDescriptor(plan, this.backend.i32());
    return plan;
  }

  /** Grows the workspaces (never the parameter, gradient or state ranges, which stay where they are). */
  private ensureCapacity(rows: number): void {
    if (rows <= this.plan.capacity) return;
    if (this.busy) throw new StateError(`a batch of ${rows} rows needs larger workspaces, which cannot move while fit() runs; use at most ${this.plan.capacity} rows`);
    this.plan = this.layout(Math.max(rows, 2 * this.plan.capacity));
  }

  private initialise(random: Random, inits: readonly Init[]): void {
    const m = this.backend.f64();
    this.plan.layers.forEach((p, l) => {
      const limit = inits[l] === "he" ? Math.sqrt(6 / p.nIn) : Math.sqrt(6 / (p.nIn + p.nOut));
      const w = p.w >>> 3;
      for (let i = 0; i < p.nOut * p.nIn; i++) m[w + i] = random.uniform(limit);
      m.fill(0, p.b >>> 3, (p.b >>> 3) + p.nOut);
    });
  }

  private read(byteOffset: number, rows: number, cols: number): Matrix {
    const at = byteOffset >>> 3;
    return new Matrix(rows, cols, this.backend.f64().slice(at, at + rows * cols));
  }

  private layerPlan(layer: number) {
    const p = Number.isInteger(layer) ? this.plan.layers[layer - 1] : undefined;
    if (!p) throw new ShapeError(`layer ${layer} does not exist: layers are numbered 1..${this.layers.length} (0 is the input)`);
    return p;
  }

  private live(): void {
    if (this.disposed) throw new StateError("this network has been disposed");
  }

  private afterForward(): void {
    this.live();
    if (this.forwardRows === 0) throw new StateError("no forward() batch to read: call forward() first");
  }

  private afterBackward(): void {
    this.live();
    if (this.backwardRows === 0) throw new StateError("no node errors to read: call forward() and backward() first");
  }
}

const PREDICT_CHUNK = 256;


const MAX_BYTES = 2 ** 31;

function checkCapacity(value: number | undefined): number {
  if (value === undefined) return 1;
  if (!Number.isInteger(value) || value < 1) throw new ConfigError(`batchCapacity must be a positive integer, got ${JSON.stringify(value)}`);
  return value;
}

function toFlat(input: MatrixInput, cols: number, rows: number): Float64Array {
  if (input instanceof Matrix) return input.data;
  if (input instanceof Float64Array) return input;
  const flat = new Float64Array(rows * cols);
  copyBatch(input, cols, flat, 0, "inputs");
  return flat;
}
