// Whole training and evaluation loops inside the module: the data set lives in linear memory, an
// epoch's shuffle is a permutation of row indices, and one call runs any number of mini-batches
// (gather → forward → backward → check → clip → step) without coming back to the host. In the
// threads build a team runs them together (team.ts): the serial parts (loss sums, checks,
// metrics, clipping) are thread 0's, and everyone learns their verdict at the next barrier.
import {
  headerWord, layerWord, getT, setT, H_INPUT_SIZE, H_LAYER_COUNT, H_X, H_Y, H_PARAMS, H_PARAM_COUNT, H_GRADS,
  H_STATE1, H_STATE2, L_OUT, L_A, L_ACT, H_LOSS, L_Z, L_E, L_D, H_SAMPLE_LOSS,
  T_OPTIMIZER, T_LR, T_MOMENTUM, T_NESTEROV, T_WEIGHT_DECAY, T_BETA1, T_BETA2, T_EPS, T_CLIP_NORM, T_STEP,
  T_METRIC, T_LOSS_SUM, T_CORRECT, T_SEEN, T_STATUS, T_BATCH_LOSS, T_GRAD_NORM, T_BETA1_POWER, T_BETA2_POWER, T_INPUT_BOUND,
} from "./layout";
import { backpropagateLayers, forwardLayers, layerGradients, lossSum } from "./network";
import { APPLY_SGD, STORE } from "./gradient";
import { outputErrors } from "./loss";
import { sgdStep, adamStep, largestMagnitude } from "./optimizer";
import { barrier, leader, share, shareBegin, shareEnd, teamSize } from "./team";
import { trainOnline } from "./online";

// Values of training-block words (layout.ts); src/abi.ts has the same table (test/abi.test.ts).
export const OPTIMIZER_SGD: i32 = 0; //  T_OPTIMIZER
export const OPTIMIZER_ADAM: i32 = 1;
export const STATUS_OK: i32 = 0; //      T_STATUS
export const STATUS_BAD_LOSS: i32 = 1;
export const STATUS_BAD_GRADIENT: i32 = 2;
export const METRIC_NONE: i32 = 0; //    T_METRIC
export const METRIC_ARGMAX: i32 = 1;
export const METRIC_THRESHOLD: i32 = 2;

/**
 * Trains on rows order[first .. first+count) of the data set (xAll: N × inputSize, yAll: N ×
 * outputSize, order: N i32 row indices), batchSize rows at a time; the last batch may be smaller.
 * Returns the number of batches completed. Stops before any update from a batch whose loss or
 * gradient is not finite (T_STATUS says which), so the parameters stay the last good ones.
 */
export function trainBatches(net: usize, xAll: usize, yAll: usize, order: usize, first: i32, count: i32, batchSize: i32): i32 {
  const inputSize = <i32>headerWord(net, H_INPUT_SIZE);
  const last = <i32>headerWord(net, H_LAYER_COUNT) - 1;
  const outputSize = <i32>layerWord(net, last, L_OUT);
  const x = headerWord(net, H_X), y = headerWord(net, H_Y);
  const grads = headerWord(net, H_GRADS), n = <i32>headerWord(net, H_PARAM_COUNT);
  // Plain SGD without clipping needs no gradient buffer: each layer's update is applied as its
  // gradient is formed (gradient.ts APPLY_SGD).
  const clip = getT(net, T_CLIP_NORM);
  const fusedSgd = <i32>getT(net, T_OPTIMIZER) == OPTIMIZER_SGD && getT(net, T_MOMENTUM) == 0 && clip == 0;
  // One sample per update with plain SGD: the fused per-sample loop (online.ts), the same bits.
  // (Not in the size-tuned embed build, which keeps to the general loop.)
  if (ASC_SHRINK_LEVEL == 0 && batchSize == 1 && fusedSgd && teamSize() == 1) return trainOnline(net, xAll, yAll, order, first, count);
  let done = 0;
  for (let start = 0; start < count; start += batchSize) {
    const rows = min(batchSize, count - start);
    const gather = share(rows, <f64>(inputSize + outputSize));
    for (let r = shareBegin(gather); r < shareEnd(gather); r++) {
      const row = <usize>load<i32>(order + (<usize>(first + start + r) << 2));
      copyF64(x + ((<usize>r * <usize>inputSize) << 3), xAll + ((row * <usize>inputSize) << 3), inputSize);
      copyF64(y + ((<usize>r * <usize>outputSize) << 3), yAll + ((row * <usize>outputSize) << 3), outputSize);
    }
    if (!barrier() || !forwardLayers(net, rows) || !backpropagateLayers(net, rows)) return done;
    if (leader()) {
      const loss = lossSum / <f64>rows;
      setT(net, T_BATCH_LOSS, loss);
      if (!isFinite(loss)) setT(net, T_STATUS, <f64>STATUS_BAD_LOSS);
      else if (!gradientsBounded(net, rows)) setT(net, T_STATUS, <f64>STATUS_BAD_GRADIENT);
      else {
        accumulateMetrics(net, rows, loss);
        if (fusedSgd) setT(net, T_STEP, getT(net, T_STEP) + 1);
      }
    }
    if (!barrier() || getT(net, T_STATUS) != <f64>STATUS_OK) return done;
    if (fusedSgd) {
      layerGradients(net, rows, APPLY_SGD, getT(net, T_LR), getT(net, T_WEIGHT_DECAY));
    } else {
      layerGradients(net, rows, STORE, 0, 0);
      if (!barrier()) return done;
      if (leader()) {
        if (clip > 0) clipGradients(net, grads, n, clip);
        advanceStep(net);
      }
      if (!barrier()) return done;
      applyStep(net);
    }
    if (!barrier()) return done;
    done++;
  }
  return done;
}

// Every gradient entry is a batch mean of products D[s,j]·A[s,i], so |g| ≤ max|D|·max|A|: when
// that bound is finite (and below 1e300), every gradient is finite, which is known before any
// gradient is formed and costs a pass over the activations, not over the parameters.
const GRADIENT_BOUND: f64 = 1e300;

function gradientsBounded(net: usize, rows: i32): bool {
  const count = <i32>headerWord(net, H_LAYER_COUNT);
  // The inputs are known once per data set (fit() sets T_INPUT_BOUND); scanning them per batch
  // would be the largest part of this check.
  const inputBound = getT(net, T_INPUT_BOUND);
  let maxA = inputBound > 0 ? inputBound : largestMagnitude(headerWord(net, H_X), rows * <i32>headerWord(net, H_INPUT_SIZE));
  for (let l = 0; l < count; l++) {
    const n = rows * <i32>layerWord(net, l, L_OUT);
    const maxD = largestMagnitude(layerWord(net, l, L_D), n);
    if (!(maxD * maxA <= GRADIENT_BOUND)) return false; // also catches NaN
    if (l < count - 1) maxA = largestMagnitude(layerWord(net, l, L_A), n);
  }
  return true;
}

@inline function copyF64(dst: usize, src: usize, n: i32): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) for (; i + 2 <= n; i += 2) v128.store(dst + (<usize>i << 3), v128.load(src + (<usize>i << 3)));
  for (; i < n; i++) store<f64>(dst + (<usize>i << 3), load<f64>(src + (<usize>i << 3)));
}

/** Adds loss and metric sums for rows [first, first+count) of the data set, in chunks of `chunk` rows; no gradients. */
export function evaluateRows(net: usize, xAll: usize, yAll: usize, first: i32, count: i32, chunk: i32): void {
  const inputBytes = <usize>headerWord(net, H_INPUT_SIZE) << 3;
  const last = <i32>headerWord(net, H_LAYER_COUNT) - 1;
  const n = <i32>layerWord(net, last, L_OUT);
  const outputBytes = <usize>n << 3;
  const sampleLoss = headerWord(net, H_SAMPLE_LOSS);
  for (let start = 0; start < count; start += chunk) {
    const rows = min(chunk, count - start);
    const r = share(rows, <f64>n * 8);
    const r0 = shareBegin(r), r1 = shareEnd(r);
    memory.copy(headerWord(net, H_X) + <usize>r0 * inputBytes, xAll + <usize>(first + start + r0) * inputBytes, <usize>(r1 - r0) * inputBytes);
    memory.copy(headerWord(net, H_Y) + <usize>r0 * outputBytes, yAll + <usize>(first + start + r0) * outputBytes, <usize>(r1 - r0) * outputBytes);
    if (!barrier() || !forwardLayers(net, rows)) return;
    let total = 0.0;
    if (r0 < r1) {
      const o = <usize>r0 * outputBytes;
      total = outputErrors(
        <i32>headerWord(net, H_LOSS), <i32>layerWord(net, last, L_ACT), layerWord(net, last, L_Z) + o, layerWord(net, last, L_A) + o,
        headerWord(net, H_Y) + o, layerWord(net, last, L_E) + o, layerWord(net, last, L_D) + o, sampleLoss + (<usize>r0 << 3),
        r1 - r0, n,
      );
    }
    if (!barrier()) return;
    if (leader()) {
      if (teamSize() > 1) { // the same sum, in the same order, as outputErrors forms over all rows
        total = 0.0;
        for (let s = 0; s < rows; s++) total += load<f64>(sampleLoss + (<usize>s << 3));
      }
      accumulateMetrics(net, rows, total / <f64>rows);
    }
    if (!barrier()) return; // the next chunk overwrites what the metrics read
  }
}

function accumulateMetrics(net: usize, rows: i32, meanLoss: f64): void {
  setT(net, T_LOSS_SUM, getT(net, T_LOSS_SUM) + meanLoss * <f64>rows);
  setT(net, T_SEEN, getT(net, T_SEEN) + <f64>rows);
  const metric = <i32>getT(net, T_METRIC);
  if (metric == METRIC_NONE) return;
  const last = <i32>headerWord(net, H_LAYER_COUNT) - 1;
  const a = layerWord(net, last, L_A), y = headerWord(net, H_Y);
  const n = <i32>layerWord(net, last, L_OUT);
  let correct = 0;
  for (let s = 0; s < rows; s++) {
    const o = (<usize>s * <usize>n) << 3;
    if (metric == METRIC_ARGMAX) {
      let bestA = 0, bestY = 0;
      for (let k = 1; k < n; k++) {
        const ko = <usize>k << 3;
        if (load<f64>(a + o + ko) > load<f64>(a + o + (<usize>bestA << 3))) bestA = k;
        if (load<f64>(y + o + ko) > load<f64>(y + o + (<usize>bestY << 3))) bestY = k;
      }
      if (bestA == bestY) correct++;
    } else {
      for (let k = 0; k < n; k++) {
        const ko = <usize>k << 3;
        if ((load<f64>(a + o + ko) >= 0.5) == (load<f64>(y + o + ko) >= 0.5)) correct++;
      }
    }
  }
  setT(net, T_CORRECT, getT(net, T_CORRECT) + <f64>correct);
}

// Scales the whole gradient down to L2 norm `maxNorm` when it is longer. The norm is taken with
// the largest magnitude factored out, so huge but finite gradients do not overflow to ∞.
function clipGradients(net: usize, g: usize, n: i32, maxNorm: f64): void {
  let largest = 0.0;
  for (let i = 0; i < n; i++) largest = max(largest, abs(load<f64>(g + (<usize>i << 3))));
  if (largest == 0) { setT(net, T_GRAD_NORM, 0); return; }
  let sum = 0.0;
  for (let i = 0; i < n; i++) {
    const v = load<f64>(g + (<usize>i << 3)) / largest;
    sum += v * v;
  }
  const norm = largest * Math.sqrt(sum);
  setT(net, T_GRAD_NORM, norm);
  if (norm <= maxNorm) return;
  const scale = maxNorm / norm;
  for (let i = 0; i < n; i++) store<f64>(g + (<usize>i << 3), load<f64>(g + (<usize>i << 3)) * scale);
}

/** One optimizer step with the settings of the training block (also what Optimizer.step() runs). */
export function optimizerStep(net: usize): void {
  advanceStep(net);
  applyStep(net);
}

// The step count and Adam's β^t: thread 0's, before the team applies the step.
function advanceStep(net: usize): void {
  setT(net, T_STEP, getT(net, T_STEP) + 1);
  if (<i32>getT(net, T_OPTIMIZER) == OPTIMIZER_ADAM) {
    setT(net, T_BETA1_POWER, getT(net, T_BETA1_POWER) * getT(net, T_BETA1));
    setT(net, T_BETA2_POWER, getT(net, T_BETA2_POWER) * getT(net, T_BETA2));
  }
}

// The update itself, elementwise, each thread over its share of the parameters.
function applyStep(net: usize): void {
  const n = <i32>headerWord(net, H_PARAM_COUNT);
  const adam = <i32>getT(net, T_OPTIMIZER) == OPTIMIZER_ADAM;
  const range = share(n, adam ? 16 : 4);
  const i0 = shareBegin(range), count = shareEnd(range) - i0;
  if (count <= 0) return;
  const o = <usize>i0 << 3;
  const p = headerWord(net, H_PARAMS) + o, g = headerWord(net, H_GRADS) + o;
  const lr = getT(net, T_LR), wd = getT(net, T_WEIGHT_DECAY);
  if (adam) {
    const b1t = getT(net, T_BETA1_POWER), b2t = getT(net, T_BETA2_POWER);
    adamStep(p, g, headerWord(net, H_STATE1) + o, headerWord(net, H_STATE2) + o, count, lr, getT(net, T_BETA1), getT(net, T_BETA2), getT(net, T_EPS), wd, 1 - b1t, 1 - b2t);
  } else {
    sgdStep(p, g, headerWord(net, H_STATE1) + o, count, lr, getT(net, T_MOMENTUM), getT(net, T_NESTEROV) != 0, wd);
  }
}
