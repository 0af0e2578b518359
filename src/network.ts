// Network: the typed façade. It checks what users pass, then hands the work to its Engine
// (engine.ts), which owns the state: forward() then backward() (≙ loss.backward()) leaves every
// layer's node errors, deltas and gradients readable; an optimizer's step() (≙ optimizer.step())
// then updates the parameters in one call over a flat range.
import { MetricMode } from "./abi.js";
import type { Activation } from "./activation.js";
import { checkArchitecture, type Architecture, type LayerShape } from "./architecture.js";
import { checkBackendChoice, checkThreads, createBackend, type Backend, type BackendChoice, type BackendName, type ThreadsOption } from "./backend/index.js";
import { bindEngine, Engine, unbindEngine } from "./engine.js";
import { checkKeys, checkOptions, ConfigError, ModelFormatError, optionNames, ShapeError, StateError, show } from "./errors.js";
import type { Loss } from "./loss.js";
import { batchRows, checkFiniteRows, type Matrix, type MatrixInput } from "./matrix.js";
import { jsonFromSaved, savedFromJSON, type ModelJSON } from "./io/modelJson.js";
import { decodeBinary, encodeBinary } from "./io/binary.js";
import type { SavedNetwork } from "./io/saved.js";
import { modelText } from "./io/jsonText.js";
import { copyMetadata } from "./io/metadata.js";
import type { OnnxExportOptions } from "./interop/onnx.js";
import { createOptimizer, registerNetwork, type Optimizer } from "./optimizer.js";
import { Random, randomSeed } from "./random.js";
import { evaluate } from "./training/data.js";
import { trainLoop } from "./training/fit.js";
import { accuracyMode } from "./training/metrics.js";
import { runAsync, runSync } from "./training/run.js";
import type { Evaluation, FitOptions, History, Metric } from "./training/types.js";

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
  /**
   * Threads fit() and predict() run on (wasm backends): a count, or "auto" for every hardware
   * thread (up to 8). Default 1. The results are the same bits for every count. Needs
   * SharedArrayBuffer: in a browser, a cross-origin-isolated page; `net.threads` says how many
   * are in use and `net.threadsReason` why fewer, if so.
   */
  threads?: ThreadsOption;
}

export interface BackendOptions {
  backend?: BackendChoice;
  batchCapacity?: number;
  /** As in Network.create's options. */
  threads?: ThreadsOption;
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

const NETWORK_OPTIONS = optionNames<NetworkOptions>({ inputSize: true, layers: true, loss: true, seed: true, init: true, backend: true, batchCapacity: true, threads: true });
const LAYER_OPTIONS = optionNames<LayerOptions>({ size: true, activation: true, init: true });
const BACKEND_OPTIONS = optionNames<BackendOptions>({ backend: true, batchCapacity: true, threads: true });
const SAVE_OPTIONS = optionNames<SaveOptions>({ optimizer: true });

const backendOptions = (options: BackendOptions | undefined, where: string) => checkOptions(options, BACKEND_OPTIONS, `${where} options`);
const saveOptions = (options: SaveOptions | undefined, where: string) => checkOptions(options, SAVE_OPTIONS, `${where} options`);

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
   * The application's own JSON object, saved and loaded with the model (the CLI keeps its feature
   * scaling and class names here). Empty by default. Plain JSON only, nested at most
   * MAX_METADATA_DEPTH levels, numbers finite: anything else is refused here and when saved.
   */
  get metadata(): Record<string, unknown> {
    return this.metadataObject;
  }
  set metadata(value: Record<string, unknown>) {
    copyMetadata(value, "metadata", refuseMetadata);
    this.metadataObject = value;
  }
  private metadataObject: Record<string, unknown> = {};

  private readonly engine: Engine;

  private constructor(engine: Engine) {
    this.engine = engine;
    this.inputSize = engine.arch.inputSize;
    this.outputSize = engine.outputSize;
    this.loss = engine.arch.loss;
    this.layers = engine.arch.layers.map((l) => Object.freeze({ ...l }));
    this.seed = engine.seed;
    this.backendName = engine.backend.name;
    bindEngine(this, engine);
    registerNetwork(this);
  }

  /** Creates a network with freshly initialised weights. */
  static async create(options: NetworkOptions): Promise<Network> {
    if (typeof options !== "object" || options === null) throw new ConfigError("Network.create: expected an options object");
    checkKeys(options, NETWORK_OPTIONS, "Network.create options");
    if (Array.isArray(options.layers)) {
      options.layers.forEach((layer, l) => { if (typeof layer === "object" && layer !== null) checkKeys(layer, LAYER_OPTIONS, `options.layers[${l}]`); });
    }
    const arch = checkArchitecture(options, "options");
    const seed = options.seed ?? randomSeed();
    if (typeof seed !== "number" || !Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
      throw new ConfigError(`options.seed must be an integer in [0, 2^32), got ${show(options.seed)}`);
    }
    const inits = options.layers.map((layer, l) => {
      const init = layer.init ?? options.init ?? (RELU_LIKE.has(arch.layers[l]!.activation) ? "he" : "xavier");
      if (!INITS.includes(init)) throw new ConfigError(`options.layers[${l}].init: unknown init ${show(init)}; expected 'xavier' or 'he'`);
      return init;
    });
    const engine = await startEngine(options, "Network.create", arch, (backend, capacity) => new Engine(arch, backend, capacity, seed));
    engine.initialise(new Random(seed), inits.map((init) => init === "he"));
    return new Network(engine);
  }

  /** Loads a model in the format of toJSON() (an object or its JSON text); validates everything first. */
  static async fromJSON(model: unknown, options?: BackendOptions): Promise<Network> {
    const checked = backendOptions(options, "Network.fromJSON");
    return (await Network.restore(savedFromJSON(model), checked)).network;
  }

  /** Loads a model from the binary format of toBinary(); validates everything first. */
  static async fromBinary(bytes: Uint8Array | ArrayBuffer, options?: BackendOptions): Promise<Network> {
    const checked = backendOptions(options, "Network.fromBinary");
    return (await Network.restore(decodeBinary(bytes), checked)).network;
  }

  /**
   * Reads an MLP from ONNX (as PyTorch's torch.onnx.export writes it, or as toONNX() does): Gemm or
   * MatMul + Add layers with Relu, Tanh, Sigmoid, LeakyRelu, Softmax or no activation, float64 or
   * float32 weights. Anything else is a ModelFormatError naming the node. The loss is the file's
   * (wasmlp exports), `options.loss`, or crossEntropy after softmax and squaredError otherwise.
   */
  static async fromONNX(bytes: Uint8Array | ArrayBuffer, options?: BackendOptions & { loss?: Loss }): Promise<Network> {
    const checked = interopOptions(options, ["backend", "batchCapacity", "threads", "loss"], "Network.fromONNX");
    const { decodeONNX } = await import("./interop/onnx.js");
    return (await Network.restore(decodeONNX(bytes, checked.loss), checked)).network;
  }

  /**
   * Reads an nn.Sequential-style state_dict from safetensors ("0.weight", "0.bias", "2.weight", …;
   * float64 or float32). It holds no activations: give them (`activations: ["relu", "softmax"]`),
   * or read a file toSafetensors() wrote, which records them.
   */
  static async fromSafetensors(bytes: Uint8Array | ArrayBuffer, options?: BackendOptions & { activations?: readonly Activation[]; loss?: Loss }): Promise<Network> {
    const checked = interopOptions(options, ["backend", "batchCapacity", "threads", "activations", "loss"], "Network.fromSafetensors");
    const { decodeSafetensors } = await import("./interop/safetensors.js");
    const saved = decodeSafetensors(bytes, checked.activations);
    return (await Network.restore(withLoss(saved, checked.loss), checked)).network;
  }

  /** Loads a model from a Blob holding the binary format (browser downloads, file inputs). */
  static async fromBlob(blob: Blob, options?: BackendOptions): Promise<Network> {
    const checked = backendOptions(options, "Network.fromBlob");
    if (typeof (blob as Partial<Blob> | null)?.arrayBuffer !== "function") throw new ConfigError(`Network.fromBlob: expected a Blob, got ${show(blob)}`);
    return Network.fromBinary(new Uint8Array(await blob.arrayBuffer()), checked);
  }

  /**
   * Loads a checkpoint (binary bytes, a Blob, or JSON text/object saved with `{ optimizer }`) and
   * returns the network with its optimizer, state and step count restored: fit() with that
   * optimizer continues exactly as if training had never stopped.
   */
  static async loadCheckpoint(data: Uint8Array | ArrayBuffer | Blob | string | object, options?: BackendOptions): Promise<{ network: Network; optimizer: Optimizer }> {
    const checked = backendOptions(options, "Network.loadCheckpoint");
    const bytes = typeof Blob !== "undefined" && data instanceof Blob ? new Uint8Array(await data.arrayBuffer()) : data;
    const saved = bytes instanceof Uint8Array || bytes instanceof ArrayBuffer ? decodeBinary(bytes) : savedFromJSON(bytes);
    if (!saved.training?.optimizer) throw new ModelFormatError("this file is a model without optimizer state, not a checkpoint: save checkpoints with { optimizer }");
    const { network, optimizer } = await Network.restore(saved, checked);
    return { network, optimizer: optimizer! };
  }

  private static async restore(saved: SavedNetwork, options: BackendOptions): Promise<{ network: Network; optimizer?: Optimizer }> {
    const engine = await startEngine(options, "options", saved.arch, (backend, capacity) => new Engine(saved.arch, backend, capacity, saved.training?.seed));
    engine.setParameters(saved.params);
    engine.epochs = saved.training?.epochs ?? 0;
    const network = new Network(engine);
    if (saved.metadata) network.metadata = saved.metadata;
    const o = saved.training?.optimizer;
    if (!o) return { network };
    const optimizer = createOptimizer(network, { ...o.config, lr: o.baseLr });
    optimizer.restoreState(o.step, o.config.lr ?? o.baseLr, o.state1, o.state2, o.betaPowers);
    return { network, optimizer };
  }

  /** Threads fit(), evaluate() and predict() run on (1 unless asked for with `threads`; may drop to 1 if a thread fails). */
  get threads(): number {
    return this.engine.backend.threads.count;
  }

  /** Why fewer threads run than were asked for (the page is not cross-origin-isolated, backend 'ts', a thread failed…), if so. */
  get threadsReason(): string | undefined {
    return this.engine.backend.threads.reason;
  }

  /** Number of trainable parameters (all weights and biases). */
  get parameterCount(): number {
    return this.engine.plan.paramCount;
  }

  /** Runs the batch through the network; returns the output activations (a copy). */
  forward(inputs: MatrixInput): Matrix {
    return this.engine.forward(inputs);
  }

  /**
   * Back-propagates node errors for the targets of the last forward() batch and adds the batch-mean
   * gradients to the gradient buffers (call zeroGrad() or optimizer.zeroGrad() between steps).
   * Returns the batch-mean loss.
   */
  backward(targets: MatrixInput): number {
    return this.engine.backward(targets);
  }

  /** Sets every gradient to zero. */
  zeroGrad(): void {
    this.engine.live();
    this.engine.zero(this.engine.plan.grads, this.engine.plan.paramCount);
  }

  /**
   * Node errors ∂E_s/∂a of layer `layer` (1..L; 0 is the input layer) for every sample of the last
   * backward(), per sample (no 1/B), one row per sample.
   */
  nodeErrors(layer: number): Matrix {
    return this.engine.readLayer("nodeErrors", layerNumber(layer, this.layers.length));
  }

  /** Deltas ∂E_s/∂z = nodeErrors ⊙ f'(z) of layer 1..L, one row per sample. */
  deltas(layer: number): Matrix {
    return this.engine.readLayer("deltas", layerNumber(layer, this.layers.length));
  }

  /** The accumulated gradients of layer 1..L. */
  gradients(layer: number): LayerGradients {
    return { weights: this.engine.readLayer("weightGradients", layerNumber(layer, this.layers.length)), biases: this.engine.readLayer("biasGradients", layerNumber(layer, this.layers.length)).data };
  }

  /** Pre-activations z of layer 1..L from the last forward(). */
  preActivations(layer: number): Matrix {
    return this.engine.readLayer("preActivations", layerNumber(layer, this.layers.length));
  }

  /** Activations a of layer 0..L from the last forward() (0 gives the inputs). */
  activations(layer: number): Matrix {
    return this.engine.readLayer("activations", layerNumber(layer, this.layers.length));
  }

  /** Per-sample losses of the last backward(). */
  sampleLosses(): Float64Array {
    return this.engine.sampleLosses();
  }

  /** Weights of layer 1..L, size × fan-in (a copy). */
  weights(layer: number): Matrix {
    return this.engine.readLayer("weights", layerNumber(layer, this.layers.length));
  }

  /** Biases of layer 1..L (a copy). */
  biases(layer: number): Float64Array {
    return this.engine.readLayer("biases", layerNumber(layer, this.layers.length)).data;
  }

  /**
   * Replaces the weights (size × fan-in, row-major) and/or biases of layer 1..L. Everything is
   * checked before anything is written, so a rejected call changes nothing.
   */
  setParameters(layer: number, values: { weights?: MatrixInput; biases?: ArrayLike<number> }): void {
    this.engine.live();
    if (typeof values !== "object" || values === null) throw new ConfigError(`setParameters(${show(layer)}, …): expected { weights?, biases? }`);
    checkKeys(values, ["weights", "biases"], `setParameters(${show(layer)}, …)`);
    if (values.biases !== undefined && !isShortArrayLike(values.biases)) {
      throw new ShapeError(`layer ${show(layer)} biases: expected an array of numbers or a Float64Array, got ${show(values.biases)}`);
    }
    this.engine.setLayer(layerNumber(layer, this.layers.length), values);
  }

  /**
   * Outputs for any number of rows, computed in chunks so that the workspaces stay small. Leaves no
   * forward state behind: backward() needs its own forward().
   */
  predict(inputs: MatrixInput): Matrix {
    this.engine.live();
    // the engine copies typed input chunk by chunk: a bad value is named here by its row in the whole input
    batchRows(inputs, this.inputSize, "inputs");
    checkFiniteRows(inputs, this.inputSize, "inputs");
    return this.engine.predict(inputs);
  }

  /**
   * Trains on the whole data set with mini-batches; see FitOptions. Returns the per-epoch history.
   * Throws a DivergenceError (keeping the last good weights) if a loss or gradient stops being finite.
   */
  fit(inputs: MatrixInput, targets: MatrixInput, options: FitOptions = {}): History {
    return runSync(this.trainingRun(inputs, targets, options, false));
  }

  /** fit() that yields to the event loop every `yieldEveryMs` (default 10 ms), so a page stays responsive. */
  async fitAsync(inputs: MatrixInput, targets: MatrixInput, options: FitOptions = {}): Promise<History> {
    return runAsync(this.trainingRun(inputs, targets, options, true), options?.yieldEveryMs);
  }

  private trainingRun(inputs: MatrixInput, targets: MatrixInput, options: FitOptions, asynchronous: boolean): Generator<void, History> {
    return this.engine.guard(trainLoop(this.engine, inputs, targets, options, asynchronous, (config) => createOptimizer(this, config)));
  }

  /** Mean loss (and accuracy, for classifiers) over a data set, in chunks; no gradients, no weight change. */
  evaluate(inputs: MatrixInput, targets: MatrixInput, options: { metrics?: readonly Metric[] } = {}): Evaluation {
    this.engine.live();
    checkOptions(options, ["metrics"], "evaluate options");
    if (this.engine.training) throw new StateError("evaluate() cannot run while fit() runs; use the validation options of fit()");
    const metrics = options.metrics ?? (accuracyMode(this.engine.arch) !== MetricMode.none ? ["accuracy" as const] : []);
    return evaluate(this.engine, inputs, targets, metrics);
  }

  /** Epochs trained by fit() over the network's life (a checkpoint carries it). */
  get epochsTrained(): number {
    return this.engine.epochs;
  }

  /**
   * The model in the golden format (flat row-major weights). With `{ optimizer }` it is a
   * checkpoint: it also carries the optimizer's settings, state and step count, and the epoch count.
   */
  toJSON(options?: SaveOptions | string): ModelJSON {
    // JSON.stringify calls toJSON(key) with a string: that is no options object
    return jsonFromSaved(this.snapshot(typeof options === "string" ? undefined : saveOptions(options, "toJSON")));
  }

  /** toJSON() as JSON text that reads back bit-exact (JSON.stringify would write −0 as 0). */
  toJSONText(options?: SaveOptions): string {
    return modelText(this.toJSON(saveOptions(options, "toJSONText")));
  }

  /** The compact binary format (see src/io/binary.ts); with `{ optimizer }` a checkpoint. */
  toBinary(options?: SaveOptions): Uint8Array {
    return encodeBinary(this.snapshot(saveOptions(options, "toBinary")));
  }

  /**
   * The model as ONNX (opset 13, a symbolic batch dimension, input "input", output "output", the
   * metadata in metadata_props), float64 unless `precision: "float32"`; `inputScaling` and
   * `outputScaling` put a standardisation of raw inputs and of a regression output into the graph.
   * The encoder is loaded on first use.
   */
  async toONNX(options: OnnxExportOptions = {}): Promise<Uint8Array> {
    interopOptions(options, ["precision", "inputScaling", "outputScaling"], "toONNX");
    if (options.precision !== undefined && options.precision !== "float64" && options.precision !== "float32") {
      throw new ConfigError(`toONNX: precision must be 'float64' or 'float32', got ${show(options.precision)}`);
    }
    checkScaling(options, this.inputSize);
    const saved = this.snapshot(undefined);
    const { encodeONNX } = await import("./interop/onnx.js");
    return encodeONNX(saved, options);
  }

  /** The parameters as an nn.Sequential-style state_dict in safetensors (float64), the architecture in __metadata__. */
  async toSafetensors(): Promise<Uint8Array> {
    const saved = this.snapshot(undefined);
    const { encodeSafetensors } = await import("./interop/safetensors.js");
    return encodeSafetensors(saved);
  }

  /** toBinary() as a Blob, for downloads in a browser. */
  toBlob(options?: SaveOptions): Blob {
    return new Blob([this.toBinary(options) as BlobPart], { type: "application/octet-stream" });
  }

  /** What a model file holds, gathered from the engine, the metadata and (for a checkpoint) the optimizer. */
  private snapshot(options: SaveOptions | undefined): SavedNetwork {
    const engine = this.engine;
    engine.live();
    const saved: SavedNetwork = {
      arch: { inputSize: this.inputSize, layers: this.layers.map((l) => ({ ...l })), loss: this.loss },
      params: engine.parameters(),
    };
    // checked again (the object may have changed since it was set) and copied: what is saved is exactly what loads back
    const metadata = copyMetadata(this.metadataObject, "metadata", refuseMetadata);
    if (Object.keys(metadata).length > 0) saved.metadata = metadata;
    const seed = this.seed === undefined ? {} : { seed: this.seed };
    const optimizer = options?.optimizer;
    if (optimizer !== undefined) {
      if (optimizer.engine !== engine) throw new ConfigError("optimizer: this optimizer belongs to another network");
      const state = optimizer.saveState();
      saved.training = { epochs: engine.epochs, ...seed, optimizer: { config: optimizer.toConfig(), baseLr: optimizer.baseLr, ...state } };
    } else if (engine.epochs > 0 || this.seed !== undefined) {
      saved.training = { epochs: engine.epochs, ...seed };
    }
    return saved;
  }

  /** Releases the backend's memory; any later call throws a StateError. */
  dispose(): void {
    this.engine.dispose();
    unbindEngine(this);
  }
}

/** Checks the options first, then makes the backend and the engine (ending the backend's workers if the engine cannot be made). */
async function startEngine(options: BackendOptions, where: string, arch: Architecture, make: (backend: Backend, capacity: number) => Engine): Promise<Engine> {
  const choice = checkBackendChoice(options.backend);
  const capacity = checkCapacity(options.batchCapacity);
  const threads = checkThreads(options.threads, where);
  let fanIn = arch.inputSize, largestLayer = 0;
  for (const layer of arch.layers) {
    largestLayer = Math.max(largestLayer, fanIn * layer.size);
    fanIn = layer.size;
  }
  const backend = await createBackend(choice, threads, largestLayer);
  try {
    return make(backend, capacity);
  } catch (error) {
    backend.dispose();
    throw error;
  }
}

const interopOptions = <T extends object>(options: T | undefined, known: readonly string[], where: string): T => checkOptions(options, known, `${where} options`);

/** The same network under another loss (checked as Network.create checks it). */
function withLoss(saved: SavedNetwork, loss: Loss | undefined): SavedNetwork {
  return loss === undefined ? saved : { ...saved, arch: checkArchitecture({ ...saved.arch, loss }, "options") };
}

function checkScaling(options: OnnxExportOptions, inputSize: number): void {
  const finite = (v: unknown) => typeof v === "number" && Number.isFinite(v);
  const s = options.inputScaling;
  if (s !== undefined && !(typeof s === "object" && s !== null && Array.isArray(s.mean) && Array.isArray(s.std) && s.mean.length === inputSize && s.std.length === inputSize
    && s.mean.every(finite) && s.std.every((v) => finite(v) && v !== 0))) {
    throw new ConfigError(`toONNX: inputScaling must be { mean, std } with ${inputSize} finite numbers each (std not 0)`);
  }
  const o = options.outputScaling;
  if (o !== undefined && !(typeof o === "object" && o !== null && finite(o.mean) && finite(o.std) && o.std !== 0)) throw new ConfigError("toONNX: outputScaling must be { mean, std }, finite numbers, std not 0");
}

/** A backend name checked here: createBackend echoes a bad one with JSON.stringify, which throws on a BigInt. */
const refuseMetadata = (why: string): never => { throw new ConfigError(why); };

/** An array, typed array or array-like no longer than a layer can be wide (2^24): what the engine may copy with Array.from. */
function isShortArrayLike(value: unknown): boolean {
  const length: unknown = typeof value === "object" && value !== null ? (value as { length?: unknown }).length : undefined;
  return typeof length === "number" && Number.isInteger(length) && length >= 0 && length <= 2 ** 24;
}

/** A layer number as the engine takes it: anything but a number (a Symbol, say) is named here, typed. */
function layerNumber(layer: unknown, layers: number): number {
  if (typeof layer !== "number") throw new ShapeError(`layer ${show(layer)} does not exist: layers are numbered 1..${layers} (0 is the input)`);
  return layer;
}

function checkCapacity(value: number | undefined): number {
  if (value === undefined) return 1;
  if (!Number.isInteger(value) || value < 1) throw new ConfigError(`batchCapacity must be a positive integer, got ${show(value)}`);
  return value;
}
