// Engine: the owner of one network's state — its backend, memory plan and batch capacity, the
// training block, which optimizer holds the optimizer state, whether fit() is running, the epoch
// count, and which batch the workspaces hold. Network is a typed façade over it. Optimizers and
// fit() work on the Engine and the file formats on plain data; an optimizer only keeps a reference
// to the façade it was made for, to hand back as `optimizer.network`.
import { activationId } from "./activation.js";
import type { Architecture } from "./architecture.js";
import type { Backend } from "./backend/index.js";
import { ConfigError, ShapeError, StateError, WasmlpError } from "./errors.js";
import { lossId, targetProblem } from "./loss.js";
import { batchRows, copyBatch, Matrix, type MatrixInput } from "./matrix.js";
import { MAX_PLAN_BYTES, planMemory, scratchStart, writeDescriptor, type LayerPlan, type MemoryPlan } from "./memoryPlan.js";
import type { Random } from "./random.js";
import { TrainingBlock } from "./trainingBlock.js";

/** What the public layer readers return, and from which batch (see Engine.readLayer). */
const LAYER_READS = {
  nodeErrors: { array: "e", rows: "backward" },
  deltas: { array: "d", rows: "backward" },
  preActivations: { array: "z", rows: "forward" },
  activations: { array: "a", rows: "forward" },
  weights: { array: "w", rows: "units" },
  biases: { array: "b", rows: "one" },
  weightGradients: { array: "dW", rows: "units" },
  biasGradients: { array: "dB", rows: "one" },
} as const satisfies Record<string, { array: keyof LayerPlan; rows: "forward" | "backward" | "units" | "one" }>;
export type LayerRead = keyof typeof LAYER_READS;

/** predict() works in chunks of up to this many rows (or the capacity, if larger): the workspaces grow to it once. */
const PREDICT_CHUNK = 256;

export class Engine {
  readonly arch: Architecture;
  readonly outputSize: number;
  /** Seed the weights were drawn from (undefined for a network loaded from a model). */
  readonly seed: number | undefined;
  /** The training block of the plan (its offset never moves: it sits before every workspace). */
  readonly block: TrainingBlock;
  /** Epochs trained by fit() over the network's life. */
  epochs = 0;
  /** Set while fit() trains: calls that would re-lay memory are refused. */
  training = false;
  private backendOrNull: Backend | null;
  private currentPlan: MemoryPlan;
  private optimizerOwner: object | null = null;
  /** Rows of the last forward(): what backward() may use (0: none). */
  private forwardRows = 0;
  /** Rows of the last backward(): node errors, deltas and gradients readable (0: none). */
  private backwardRows = 0;

  /** `backend`: from backend/index.ts createBackend(). */
  constructor(arch: Architecture, backend: Backend, capacity: number, seed: number | undefined) {
    this.arch = arch;
    this.outputSize = arch.layers[arch.layers.length - 1]!.size;
    this.seed = seed;
    this.backendOrNull = backend;
    this.currentPlan = this.layout(capacity);
    this.block = new TrainingBlock(() => this.backend.f64(), this.currentPlan.train);
  }

  get backend(): Backend {
    if (!this.backendOrNull) throw new StateError("this network has been disposed");
    return this.backendOrNull;
  }

  get plan(): MemoryPlan {
    return this.currentPlan;
  }

  get disposed(): boolean {
    return this.backendOrNull === null;
  }

  /** Throws a StateError once the network has been disposed. */
  live(): void {
    void this.backend;
  }

  /** Releases the backend's memory; every later call throws a StateError. */
  dispose(): void {
    this.backendOrNull?.dispose();
    this.backendOrNull = null;
  }

  // ——— memory ———

  private layout(capacity: number): MemoryPlan {
    const specs = this.arch.layers.map((l) => ({ size: l.size, activationId: activationId(l.activation) }));
    const plan = planMemory(this.backend.base, this.arch.inputSize, specs, lossId(this.arch.loss), capacity);
    if (plan.end > MAX_PLAN_BYTES) {
      throw new ConfigError(`the network needs ${plan.end} bytes for ${capacity} rows, more than the ${MAX_PLAN_BYTES} a wasm memory can address here; use smaller layers or batches`);
    }
    this.backend.reserve(plan.end);
    writeDescriptor(plan, this.backend.i32());
    return plan;
  }

  /** Grows the batch workspaces to at least `rows` (never the parameter, gradient or state ranges, which stay put). */
  ensureCapacity(rows: number): void {
    if (rows <= this.currentPlan.capacity) return;
    if (this.training) throw new StateError(`a batch of ${rows} rows needs larger workspaces, which cannot move while fit() runs; use at most ${this.currentPlan.capacity} rows`);
    // Room to grow (double), unless only the rows asked for still fit.
    const grown = Math.max(rows, 2 * this.currentPlan.capacity);
    try {
      this.currentPlan = this.layout(grown);
    } catch (error) {
      if (grown === rows || !(error instanceof WasmlpError)) throw error;
      this.currentPlan = this.layout(rows);
    }
  }

  /** First byte after the plan: scratch for data sets, valid until the next re-layout. */
  scratchStart(): number {
    return scratchStart(this.currentPlan);
  }

  /** Makes bytes [0, end) addressable (for data sets placed after the plan). */
  reserve(end: number): void {
    if (end > MAX_PLAN_BYTES) throw new ConfigError(`the data set needs ${end} bytes of memory, more than the ${MAX_PLAN_BYTES} a wasm memory can address here; train on it in parts`);
    this.backend.reserve(end);
  }

  /** A copy of `rows` × `cols` f64 values at `byteOffset`. */
  read(byteOffset: number, rows: number, cols: number): Matrix {
    const at = byteOffset >>> 3;
    return new Matrix(rows, cols, this.backend.f64().slice(at, at + rows * cols));
  }

  /** Fills [byteOffset, byteOffset + 8·count) with zeros. */
  zero(byteOffset: number, count: number): void {
    this.backend.f64().fill(0, byteOffset >>> 3, (byteOffset >>> 3) + count);
  }

  // ——— optimizer ownership: one optimizer at a time holds the state ranges ———

  /** Claims the optimizer-state ranges for `owner`, zeroing them. */
  attach(owner: object): void {
    if (this.training) throw new StateError("a new optimizer cannot take over while fit() runs on this network");
    const { state1, paramCount } = this.currentPlan;
    this.zero(state1, 2 * paramCount); // state2 follows state1 (memoryPlan.ts)
    this.optimizerOwner = owner;
  }

  owns(owner: object): boolean {
    return !this.disposed && this.optimizerOwner === owner;
  }

  /** Throws unless `owner` holds the optimizer state. */
  checkOwner(owner: object): void {
    this.live();
    if (this.optimizerOwner !== owner) {
      throw new StateError("this optimizer was replaced by a newer optimizer on the same network; step the newer one");
    }
  }

  // ——— parameters ———

  /** Every parameter in plan order (W¹ b¹ W² b² …), a copy. */
  parameters(): Float64Array {
    const { params, paramCount } = this.currentPlan;
    return this.backend.f64().slice(params >>> 3, (params >>> 3) + paramCount);
  }

  setParameters(values: Float64Array): void {
    this.backend.f64().set(values, this.currentPlan.params >>> 3);
  }

  /** Uniform weights in ±limit per layer (`he`: √(6/fan-in), else Xavier's √(6/(fan-in + fan-out))), zero biases. */
  initialise(random: Random, he: readonly boolean[]): void {
    const m = this.backend.f64();
    this.currentPlan.layers.forEach((p, l) => {
      const limit = he[l] ? Math.sqrt(6 / p.nIn) : Math.sqrt(6 / (p.nIn + p.nOut));
      const w = p.w >>> 3;
      for (let i = 0; i < p.nOut * p.nIn; i++) m[w + i] = random.uniform(limit);
      m.fill(0, p.b >>> 3, (p.b >>> 3) + p.nOut);
    });
  }

  /** Replaces layer `layer`'s weights and/or biases; everything is checked before anything is written. */
  setLayer(layer: number, values: { weights?: MatrixInput; biases?: ArrayLike<number> }): void {
    const p = this.layer(layer);
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

  // ——— one batch: forward, backward, and what they leave readable ———

  forward(inputs: MatrixInput): Matrix {
    this.live();
    const rows = batchRows(inputs, this.arch.inputSize, "inputs");
    this.ensureCapacity(rows);
    this.forgetBatch();
    copyBatch(inputs, this.arch.inputSize, this.backend.f64(), this.currentPlan.x >>> 3, "inputs");
    this.backend.kernels.forward(this.currentPlan.net, rows);
    this.forwardRows = rows;
    return this.read(this.outputLayer().a, rows, this.outputSize);
  }

  backward(targets: MatrixInput): number {
    this.live();
    if (this.forwardRows === 0) throw new StateError("backward() needs a forward() on the same batch first");
    const rows = batchRows(targets, this.outputSize, "targets");
    if (rows !== this.forwardRows) throw new ShapeError(`targets: ${rows} rows, but the last forward() batch had ${this.forwardRows}`);
    copyBatch(targets, this.outputSize, this.backend.f64(), this.currentPlan.y >>> 3, "targets", (y) => targetProblem(this.arch.loss, y));
    const loss = this.backend.kernels.backward(this.currentPlan.net, rows, true);
    this.backwardRows = rows;
    return loss;
  }

  /** The workspaces are about to hold other rows: the last forward()/backward() can no longer be read. */
  forgetBatch(): void {
    this.forwardRows = this.backwardRows = 0;
  }

  /**
   * The one reader behind nodeErrors(l), deltas(l), activations(l), weights(l), …: layer 1..L, or
   * 0 for the inputs where the quantity has an input version (activations: X; node errors: E⁰).
   */
  readLayer(what: LayerRead, layer: number): Matrix {
    const spec = LAYER_READS[what];
    this.live();
    const rows = spec.rows === "forward" || spec.rows === "backward" ? this.rowsOf(spec.rows) : 0;
    if (layer === 0 && what === "activations") return this.read(this.currentPlan.x, rows, this.arch.inputSize);
    if (layer === 0 && what === "nodeErrors") {
      this.backend.kernels.inputErrors(this.currentPlan.net, rows);
      return this.read(this.currentPlan.inputErrors, rows, this.arch.inputSize);
    }
    const p = this.layer(layer);
    if (spec.rows === "units") return this.read(p[spec.array], p.nOut, p.nIn);
    return this.read(p[spec.array], spec.rows === "one" ? 1 : rows, p.nOut);
  }

  /** Per-sample losses of the last backward(). */
  sampleLosses(): Float64Array {
    return this.read(this.currentPlan.sampleLoss, 1, this.rowsOf("backward")).data;
  }

  private rowsOf(pass: "forward" | "backward"): number {
    this.live();
    const rows = pass === "forward" ? this.forwardRows : this.backwardRows;
    if (rows === 0) {
      throw new StateError(pass === "forward" ? "no forward() batch to read: call forward() first" : "no node errors to read: call forward() and backward() first");
    }
    return rows;
  }

  /** The plan of layer 1..L, or a ShapeError naming the valid range. */
  layer(layer: number): LayerPlan {
    const p = Number.isInteger(layer) ? this.currentPlan.layers[layer - 1] : undefined;
    if (!p) throw new ShapeError(`layer ${layer} does not exist: layers are numbered 1..${this.arch.layers.length} (0 is the input)`);
    return p;
  }

  private outputLayer(): LayerPlan {
    return this.currentPlan.layers[this.currentPlan.layers.length - 1]!;
  }

  /**
   * Outputs for any number of rows, in chunks so that the workspaces stay small. Leaves no forward
   * state behind.
   */
  predict(inputs: MatrixInput): Matrix {
    this.live();
    const { inputSize } = this.arch, outputs = this.outputSize;
    const rows = batchRows(inputs, inputSize, "inputs");
    const flat = toFlat(inputs, inputSize, rows);
    const chunk = Math.min(rows, this.training ? this.currentPlan.capacity : Math.max(this.currentPlan.capacity, PREDICT_CHUNK));
    this.ensureCapacity(chunk);
    this.forgetBatch();
    const out = new Float64Array(rows * outputs);
    const outLayer = this.outputLayer();
    for (let start = 0; start < rows; start += chunk) {
      const n = Math.min(chunk, rows - start);
      const m = this.backend.f64();
      copyBatch(flat.subarray(start * inputSize, (start + n) * inputSize), inputSize, m, this.currentPlan.x >>> 3, "inputs");
      this.backend.kernels.forward(this.currentPlan.net, n);
      out.set(m.subarray(outLayer.a >>> 3, (outLayer.a >>> 3) + n * outputs), start * outputs);
    }
    return new Matrix(rows, outputs, out);
  }

  // ——— training runs ———

  /**
   * Runs a training generator (fit and fitAsync alike) under the one guard: refused on a disposed
   * network or while another run is on; `training` is cleared at the end whatever happens. The
   * training loop forgets the last batch once its options are accepted, and sets `training` once
   * the memory layout must stay put.
   */
  *guard<T>(run: Generator<void, T>): Generator<void, T> {
    this.live();
    if (this.training) throw new StateError("fit() is already running on this network");
    try {
      return yield* run;
    } finally {
      this.training = false;
    }
  }
}

function toFlat(input: MatrixInput, cols: number, rows: number): Float64Array {
  if (input instanceof Matrix) return input.data;
  if (input instanceof Float64Array) return input;
  const flat = new Float64Array(rows * cols);
  copyBatch(input, cols, flat, 0, "inputs");
  return flat;
}

// The façade → engine link. Optimizers are constructed with a Network (the public API) and find
// its engine here, so nothing below the façade imports it.
const engines = new WeakMap<object, Engine>();

export function bindEngine(owner: object, engine: Engine): void {
  engines.set(owner, engine);
}

/** Forgets the link (on dispose): engineOf(owner) then says the network is gone. */
export function unbindEngine(owner: object): void {
  engines.delete(owner);
}

export function engineOf(owner: object): Engine {
  const engine = engines.get(owner);
  if (!engine) throw new StateError("this network has been disposed");
  return engine;
}
