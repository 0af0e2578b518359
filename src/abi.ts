// The WebAssembly module's ABI as the host sees it, written once: the descriptor and training-block
// word tables, every numeric id the kernels know (activations, losses, optimizers, gradient modes,
// statuses, metric modes) and the signature of every kernel export. assembly/ (layout.ts,
// activation.ts, loss.ts, gradient.ts, train.ts) and docs/abi.md hold the same numbers;
// test/abi.test.ts compares them word by word with this file, and the module's exports with
// KERNEL_ARITY. The host and the TS backend read the descriptor through these tables.

export const ABI_VERSION = 1;
export const HEADER_WORDS = 16;
export const LAYER_WORDS = 12;
export const TRAIN_WORDS = 24;

/** i32 words of the descriptor header (assembly/layout.ts H_*). Offsets are bytes. */
export const Header = {
  layerCount: 0, inputSize: 1, loss: 2, x: 3, y: 4, sampleLoss: 5, inputErrors: 6,
  train: 7, params: 8, paramCount: 9, grads: 10, state1: 11, state2: 12,
} as const;

/** i32 words of each layer's record, after the header (assembly/layout.ts L_*). */
export const LayerWord = { in: 0, out: 1, act: 2, w: 3, b: 4, dW: 5, dB: 6, z: 7, a: 8, e: 9, d: 10 } as const;

/** f64 words of the training block (assembly/layout.ts T_*): settings in, results out. */
export const TrainWord = {
  optimizer: 0, lr: 1, momentum: 2, nesterov: 3, weightDecay: 4, beta1: 5, beta2: 6, eps: 7, clipNorm: 8,
  step: 9, metric: 10, lossSum: 11, correct: 12, seen: 13, status: 14, batchLoss: 15, gradNorm: 16,
  beta1Power: 17, beta2Power: 18, inputBound: 19,
} as const;
export type TrainWordName = keyof typeof TrainWord;

/**
 * Activation ids (assembly/activation.ts). Explicit, never a list position: they are in every
 * descriptor and every binary model file, so they must not move when a name is added.
 */
export const ActivationId = { identity: 0, sigmoid: 1, tanh: 2, relu: 3, leakyRelu: 4, softmax: 5 } as const;
/** Loss ids (assembly/loss.ts); in descriptors and binary model files. */
export const LossId = { squaredError: 0, crossEntropy: 1, binaryCrossEntropy: 2 } as const;
/** T_OPTIMIZER values (assembly/train.ts); in binary checkpoints too. */
export const OptimizerId = { sgd: 0, adam: 1 } as const;
/** What weightGradients/layerGradients do with each gradient value (assembly/gradient.ts). */
export const GradientMode = { store: 0, accumulate: 1, applySgd: 2 } as const;
/** T_STATUS after trainBatches (assembly/train.ts STATUS_*). */
export const Status = { ok: 0, badLoss: 1, badGradient: 2 } as const;
/** T_METRIC: how accuracy is counted (assembly/train.ts METRIC_*). */
export const MetricMode = { none: 0, argmax: 1, threshold: 2 } as const;
export type MetricModeId = (typeof MetricMode)[keyof typeof MetricMode];

/** Every export of the module (assembly/index.ts). Pointers are byte offsets; bool is i32 0/1. */
export interface WasmExports {
  memory: WebAssembly.Memory;
  ABI_VERSION: WebAssembly.Global;
  HEADER_WORDS: WebAssembly.Global;
  LAYER_WORDS: WebAssembly.Global;
  TRAIN_WORDS: WebAssembly.Global;
  STORE: WebAssembly.Global;
  ACCUMULATE: WebAssembly.Global;
  APPLY_SGD: WebAssembly.Global;
  heapBase(): number;
  // whole networks, through the descriptor at `net`
  /** Z = A_prev·Wᵀ + b, A = f(Z), for every layer. */
  forward(net: number, rows: number): void;
  /** Output node errors from the loss, then deltas, gradients and node errors layer by layer back; returns the batch-mean loss. */
  backward(net: number, rows: number, accumulate: number): number;
  /** backward() without the gradients; returns the summed loss. */
  backpropagate(net: number, rows: number): number;
  /** The gradients of every layer from the deltas, stored, added or applied as SGD (GradientMode). */
  layerGradients(net: number, rows: number, mode: number, lr: number, weightDecay: number): void;
  /** E⁰ = D¹·W¹, the node errors of the inputs. */
  inputErrors(net: number, rows: number): void;
  /** One optimizer step with the settings in the training block; increments its step count. */
  optimizerStep(net: number): void;
  /**
   * Mini-batches over rows order[first..first+count) of a data set in memory; stops before stepping
   * on a non-finite loss or gradient. Returns the batches completed; results in the training block.
   */
  trainBatches(net: number, xAll: number, yAll: number, order: number, first: number, count: number, batchSize: number): number;
  /** Adds loss and metric sums of rows [first, first+count) to the training block, `chunk` rows at a time. */
  evaluateRows(net: number, xAll: number, yAll: number, first: number, count: number, chunk: number): void;
  // single kernels over explicit arrays
  denseForward(a: number, w: number, b: number, z: number, out: number, rows: number, nIn: number, nOut: number, act: number): void;
  softmaxRows(z: number, a: number, rows: number, n: number): void;
  outputErrors(loss: number, act: number, z: number, a: number, y: number, e: number, d: number, sampleLoss: number, rows: number, n: number): number;
  hiddenDeltas(e: number, z: number, a: number, d: number, rows: number, n: number, act: number): void;
  propagateErrors(d: number, w: number, ePrev: number, rows: number, nIn: number, nOut: number): void;
  weightGradients(d: number, aPrev: number, dW: number, db: number, rows: number, nIn: number, nOut: number, mode: number, lr: number, weightDecay: number): void;
  sgdStep(p: number, g: number, buf: number, n: number, lr: number, momentum: number, nesterov: number, weightDecay: number): void;
  adamStep(p: number, g: number, m: number, v: number, n: number, lr: number, beta1: number, beta2: number, eps: number, weightDecay: number, bc1: number, bc2: number): void;
  allFinite(x: number, n: number): number;
  // brain.js's arithmetic (not in the embed build)
  /**
   * Up to `iterations` per-sample passes over rows × n₀ inputs at xAll and rows × n_L targets at
   * yAll with brain.js's rules (assembly/brain.ts), each begun while T_BATCH_LOSS > errorThresh;
   * `alpha`: leaky relu's slope. Returns the passes completed.
   */
  brainTrain(net: number, xAll: number, yAll: number, rows: number, iterations: number, errorThresh: number, alpha: number): number;
}

type FunctionNames<T> = { [K in keyof T]: T[K] extends (...args: never[]) => unknown ? K : never }[keyof T];
export type KernelName = FunctionNames<WasmExports>;

/**
 * Parameter counts of the function exports, checked against WasmExports by the compiler (each
 * entry must equal its signature's length) and against the module by test/abi.test.ts.
 */
export const KERNEL_ARITY: { [K in KernelName]: Parameters<WasmExports[K]>["length"] } = {
  heapBase: 0, forward: 2, backward: 3, backpropagate: 2, layerGradients: 5, inputErrors: 2, optimizerStep: 1,
  trainBatches: 7, evaluateRows: 6, denseForward: 9, softmaxRows: 4, outputErrors: 10, hiddenDeltas: 7,
  propagateErrors: 6, weightGradients: 10, sgdStep: 8, adamStep: 12, allFinite: 2, brainTrain: 7,
};

/** Exports of index.ts the embed build (core.ts) leaves out to keep within its size budget. */
export const NOT_IN_EMBED: readonly KernelName[] = ["brainTrain"];
