// ONE memory plan for both backends. Every array of a network lives in one flat buffer, at byte
// offsets computed here, and a descriptor of i32 words (the tables of abi.ts) tells the kernels
// where. The layout of the network's arrays and of the scratch regions where fit() and evaluate()
// place data sets, row orders and snapshots is decided here, and only here. The order is chosen so that growing the batch capacity only moves the tail:
//
//   base → descriptor | training block | parameters (W¹ b¹ W² b² …) | gradients (same layout) | optimizer state 1 |
//          optimizer state 2 | X | Y | per-sample loss | E⁰ | per layer: Z A E D
//
// Parameters, gradients and optimizer state are each one contiguous range, so an optimizer step
// is one call over a flat range.

import { Header, HEADER_WORDS, LAYER_WORDS, LayerWord, TRAIN_WORDS } from "./abi.js";

/** The most bytes a plan (with its data sets) may reach: a wasm32 memory addresses 4 GiB, offsets are i32. */
export const MAX_PLAN_BYTES = 2 ** 31;

export interface LayerSpec {
  size: number;
  activationId: number;
}

export interface LayerPlan {
  nIn: number;
  nOut: number;
  activationId: number;
  /** byte offsets */
  w: number; b: number; dW: number; dB: number; z: number; a: number; e: number; d: number;
}

export interface MemoryPlan {
  inputSize: number;
  outputSize: number;
  lossId: number;
  /** Rows the workspaces hold. */
  capacity: number;
  /** Byte offset of the descriptor. */
  net: number;
  /** Byte offset of the training block (TRAIN_WORDS f64). */
  train: number;
  /** Parameters: byte offset and count (f64 values); gradients and the two state ranges have the same count. */
  params: number;
  paramCount: number;
  grads: number;
  state1: number;
  state2: number;
  x: number;
  y: number;
  sampleLoss: number;
  inputErrors: number;
  layers: LayerPlan[];
  /** One past the last byte used. */
  end: number;
}

/** Rounds a byte offset up to the next multiple of 16. */
// Exact for any size (bit operations would wrap at 2^31 and let an oversized plan pass its check).
const align16 = (n: number) => Math.ceil(n / 16) * 16;

export function planMemory(base: number, inputSize: number, layers: readonly LayerSpec[], lossId: number, capacity: number): MemoryPlan {
  let at = align16(base);
  const take = (doubles: number) => {
    const offset = at;
    at = align16(at + doubles * 8);
    return offset;
  };
  const net = take((HEADER_WORDS + LAYER_WORDS * layers.length) / 2);
  const train = take(TRAIN_WORDS);

  // Parameters back to back, unaligned between layers so the range stays contiguous.
  const params = at;
  let paramCount = 0;
  const paramOffsets: { w: number; b: number }[] = [];
  let nIn = inputSize;
  for (const layer of layers) {
    const w = params + paramCount * 8;
    paramCount += layer.size * nIn;
    paramOffsets.push({ w, b: params + paramCount * 8 });
    paramCount += layer.size;
    nIn = layer.size;
  }
  at = align16(params + paramCount * 8);
  const grads = take(paramCount);
  const gradShift = grads - params;
  // Both state ranges in one piece: attaching an optimizer or rolling back an epoch clears or copies
  // [state1, state1 + 2P) at once.
  const state1 = take(2 * paramCount);
  const state2 = state1 + 8 * paramCount;

  const outputSize = layers[layers.length - 1]!.size;
  const x = take(capacity * inputSize);
  const y = take(capacity * outputSize);
  const sampleLoss = take(capacity);
  const inputErrors = take(capacity * inputSize);
  nIn = inputSize;
  const layerPlans = layers.map((layer, l): LayerPlan => {
    const { w, b } = paramOffsets[l]!;
    const n = capacity * layer.size;
    const plan: LayerPlan = {
      nIn, nOut: layer.size, activationId: layer.activationId,
      w, b, dW: w + gradShift, dB: b + gradShift,
      z: take(n), a: take(n), e: take(n), d: take(n),
    };
    nIn = layer.size;
    return plan;
  });
  return {
    inputSize, outputSize, lossId, capacity, net, train, params, paramCount, grads, state1, state2,
    x, y, sampleLoss, inputErrors, layers: layerPlans, end: at,
  };
}

/** Writes the descriptor the kernels read (assembly/layout.ts) into `words`, an Int32Array over the whole memory. */
export function writeDescriptor(plan: MemoryPlan, words: Int32Array): void {
  const h = plan.net >>> 2; // unsigned: a plan may sit above 2 GiB of a shared memory (wasmlp/brain's arena)
  words.fill(0, h, h + HEADER_WORDS + LAYER_WORDS * plan.layers.length);
  words[h + Header.layerCount] = plan.layers.length;
  words[h + Header.inputSize] = plan.inputSize;
  words[h + Header.loss] = plan.lossId;
  words[h + Header.x] = plan.x;
  words[h + Header.y] = plan.y;
  words[h + Header.sampleLoss] = plan.sampleLoss;
  words[h + Header.inputErrors] = plan.inputErrors;
  words[h + Header.train] = plan.train;
  words[h + Header.params] = plan.params;
  words[h + Header.paramCount] = plan.paramCount;
  words[h + Header.grads] = plan.grads;
  words[h + Header.state1] = plan.state1;
  words[h + Header.state2] = plan.state2;
  plan.layers.forEach((layer, l) => {
    const r = h + HEADER_WORDS + l * LAYER_WORDS;
    words[r + LayerWord.in] = layer.nIn;
    words[r + LayerWord.out] = layer.nOut;
    words[r + LayerWord.act] = layer.activationId;
    words[r + LayerWord.w] = layer.w;
    words[r + LayerWord.b] = layer.b;
    words[r + LayerWord.dW] = layer.dW;
    words[r + LayerWord.dB] = layer.dB;
    words[r + LayerWord.z] = layer.z;
    words[r + LayerWord.a] = layer.a;
    words[r + LayerWord.e] = layer.e;
    words[r + LayerWord.d] = layer.d;
  });
}

/** First byte after the plan: where scratch regions (data sets, orders, snapshots) may start. */
export const scratchStart = (plan: MemoryPlan) => align16(plan.end);

/** A data set in memory: rows × inputSize inputs at `x`, rows × outputSize targets at `y`. */
export interface DataRegion {
  x: number;
  y: number;
  rows: number;
  /** First free byte after it. */
  end: number;
}

export function planDataSet(at: number, rows: number, inputSize: number, outputSize: number): DataRegion {
  const x = align16(at), y = x + align16(rows * inputSize * 8);
  return { x, y, rows, end: y + align16(rows * outputSize * 8) };
}

/** The last `rows` rows of a data set, as a data set of its own (a validation split). */
export function tailOf(data: DataRegion, rows: number, inputSize: number, outputSize: number): DataRegion {
  const first = data.rows - rows;
  return { x: data.x + first * inputSize * 8, y: data.y + first * outputSize * 8, rows, end: data.end };
}

/** fit()'s own scratch after its data sets: the row order (i32), the best epoch's parameters, the rollback snapshot. */
export interface FitScratch {
  order: number;
  /** paramCount f64: parameters of the best epoch (early stopping). */
  best: number;
  /** 3·paramCount f64: parameters, then both optimizer-state ranges, as an epoch began. */
  snapshot: number;
  end: number;
}

export function planFitScratch(at: number, trainRows: number, paramCount: number): FitScratch {
  const order = align16(at);
  const best = align16(order + trainRows * 4);
  const snapshot = best + paramCount * 8;
  return { order, best, snapshot, end: snapshot + 3 * paramCount * 8 + 16 };
}
