// Online training (batches of one sample) with plain SGD: the workloads of small networks, where
// the general loop's set-up per batch — gathering the row, a call per layer and kernel, the
// bookkeeping — costs more than the arithmetic. One fused loop per sample: forward, output node
// errors, node errors back, the checks, the update; the sample is read where it lies, and the
// step count, loss and metric sums are kept in locals and written once. Every value is computed
// by the same functions, in the same order, as trainBatches' general path with rows = 1, so the
// results are the same bits (test/online.test.ts compares the two paths).
import {
  headerWord, layerWord, getT, setT, H_INPUT_SIZE, H_LAYER_COUNT, H_LOSS, H_SAMPLE_LOSS,
  L_IN, L_OUT, L_ACT, L_W, L_B, L_Z, L_A, L_E, L_D,
  T_LR, T_WEIGHT_DECAY, T_STEP, T_METRIC, T_LOSS_SUM, T_CORRECT, T_SEEN, T_STATUS, T_BATCH_LOSS, T_INPUT_BOUND,
} from "./layout";
import { activate, activateRange, derivative, SIGMOID, SOFTMAX } from "./activation";
import { denseForwardUnits, dot, softmaxRows } from "./forward";
import { outputErrors } from "./loss";
import { hiddenDeltas, propagateErrors } from "./nodeError";
import { weightGradients, APPLY_SGD } from "./gradient";
import { largestMagnitude } from "./optimizer";
import { exp_lut } from "~lib/util/math";

// Statuses and metric modes: train.ts's (kept apart to avoid an import circle).
const STATUS_BAD_LOSS: f64 = 1;
const STATUS_BAD_GRADIENT: f64 = 2;
const METRIC_ARGMAX: i32 = 1;
const METRIC_THRESHOLD: i32 = 2;
const GRADIENT_BOUND: f64 = 1e300;

/** accumulateMetrics' count for one row: 1 if the argmax is right (argmax), or the outputs on the right side of 0.5 (threshold). */
@inline function correctOutputs(metric: i32, a: usize, y: usize, n: i32): f64 {
  let correct = 0.0;
  if (metric == METRIC_ARGMAX) {
    let bestA = 0, bestY = 0;
    for (let k = 1; k < n; k++) {
      const ko = <usize>k << 3;
      if (load<f64>(a + ko) > load<f64>(a + (<usize>bestA << 3))) bestA = k;
      if (load<f64>(y + ko) > load<f64>(y + (<usize>bestY << 3))) bestY = k;
    }
    if (bestA == bestY) correct = 1;
  } else if (metric == METRIC_THRESHOLD) {
    for (let k = 0; k < n; k++) {
      const ko = <usize>k << 3;
      if ((load<f64>(a + ko) >= 0.5) == (load<f64>(y + ko) >= 0.5)) correct += 1;
    }
  }
  return correct;
}

/**
 * trainBatches with batchSize 1 and plain SGD (no momentum, no clipping): rows
 * order[first .. first+count). Returns the samples trained; stops before any update from a sample
 * whose loss or gradient is not finite (T_STATUS says which).
 */
export function trainOnline(net: usize, xAll: usize, yAll: usize, order: usize, first: i32, count: i32): i32 {
  if (tinyEligible(net)) return trainTiny(net, xAll, yAll, order, first, count);
  const inputSize = <usize>headerWord(net, H_INPUT_SIZE);
  const layers = <i32>headerWord(net, H_LAYER_COUNT);
  const last = layers - 1;
  const outputSize = <i32>layerWord(net, last, L_OUT);
  const loss = <i32>headerWord(net, H_LOSS), outAct = <i32>layerWord(net, last, L_ACT);
  const sampleLoss = headerWord(net, H_SAMPLE_LOSS);
  const lr = getT(net, T_LR), wd = getT(net, T_WEIGHT_DECAY);
  const metric = <i32>getT(net, T_METRIC);
  const inputBound = getT(net, T_INPUT_BOUND);
  let lossSum = getT(net, T_LOSS_SUM), correct = getT(net, T_CORRECT), seen = getT(net, T_SEEN);
  let done = 0, lastLoss = getT(net, T_BATCH_LOSS);
  for (; done < count; done++) {
    const row = <usize>load<i32>(order + (<usize>(first + done) << 2));
    const x = xAll + ((row * inputSize) << 3);
    const y = yAll + ((row * <usize>outputSize) << 3);
    // forward: z = W·a + b, then f(z)
    let aPrev = x;
    for (let l = 0; l < layers; l++) {
      const nIn = <i32>layerWord(net, l, L_IN), nOut = <i32>layerWord(net, l, L_OUT), act = <i32>layerWord(net, l, L_ACT);
      const w = layerWord(net, l, L_W), b = layerWord(net, l, L_B), z = layerWord(net, l, L_Z), a = layerWord(net, l, L_A);
      denseForwardUnits(aPrev, w, b, z, 1, nIn, nOut, 0, nOut);
      if (act == SOFTMAX) softmaxRows(z, a, 1, nOut);
      else activateRange(z, a, nOut, act);
      aPrev = a;
    }
    // output node errors and the loss
    const sampleTotal = outputErrors(
      loss, outAct, layerWord(net, last, L_Z), layerWord(net, last, L_A), y,
      layerWord(net, last, L_E), layerWord(net, last, L_D), sampleLoss, 1, outputSize,
    );
    lastLoss = sampleTotal / 1.0;
    if (!isFinite(lastLoss)) { setT(net, T_STATUS, STATUS_BAD_LOSS); break; }
    // node errors back, each layer's deltas beside them; the gradient bound of every layer
    let bounded = true;
    for (let l = last; l >= 0; l--) {
      const nOut = <i32>layerWord(net, l, L_OUT), d = layerWord(net, l, L_D);
      if (l != last) hiddenDeltas(layerWord(net, l, L_E), layerWord(net, l, L_Z), layerWord(net, l, L_A), d, 1, nOut, <i32>layerWord(net, l, L_ACT));
      const nIn = <i32>layerWord(net, l, L_IN);
      const maxA = l == 0 ? (inputBound > 0 ? inputBound : largestMagnitude(x, nIn)) : largestMagnitude(layerWord(net, l - 1, L_A), nIn);
      if (!(largestMagnitude(d, nOut) * maxA <= GRADIENT_BOUND)) bounded = false;
      if (l > 0) propagateErrors(d, layerWord(net, l, L_W), layerWord(net, l - 1, L_E), 1, nIn, nOut);
    }
    if (!bounded) { setT(net, T_STATUS, STATUS_BAD_GRADIENT); break; }
    // metrics (accumulateMetrics for one row), then the update (layerGradients APPLY_SGD)
    lossSum += lastLoss * 1.0;
    seen += 1;
    if (metric != 0) correct += correctOutputs(metric, layerWord(net, last, L_A), y, outputSize);
    for (let l = last; l >= 0; l--) {
      weightGradients(
        layerWord(net, l, L_D), l == 0 ? x : layerWord(net, l - 1, L_A), layerWord(net, l, L_W), layerWord(net, l, L_B),
        1, <i32>layerWord(net, l, L_IN), <i32>layerWord(net, l, L_OUT), APPLY_SGD, lr, wd,
      );
    }
  }
  keepSums(net, lastLoss, lossSum, correct, seen, done);
  return done;
}

/** What trainBatches writes per batch, written once at the end of a per-sample loop. */
@inline function keepSums(net: usize, lastLoss: f64, lossSum: f64, correct: f64, seen: f64, done: i32): void {
  setT(net, T_BATCH_LOSS, lastLoss);
  setT(net, T_LOSS_SUM, lossSum);
  setT(net, T_CORRECT, correct);
  setT(net, T_SEEN, seen);
  setT(net, T_STEP, getT(net, T_STEP) + <f64>done);
}

// Networks of small layers (every width ≤ TINY_WIDTH) with squared error and no softmax: the same
// per-sample arithmetic written as plain scalar loops, no call per layer and kernel. Each value is
// the same expression, in the same order, as the general kernels compute for one row — dot() for
// the forward sums (n < 4: a scalar sum from 0), node errors summed over the next layer's units in
// order (block1x4's lanes and propagateColumn), SGD's g = 0 + d·a (outerProduct, finishScalar) —
// so the bits are the same. Not in the FMA build, whose block1x4 fuses those multiply-adds.
export const TINY_WIDTH: i32 = 16;

/** Whether trainOnline may take the scalar path below. */
function tinyEligible(net: usize): bool {
  if (ASC_FEATURE_RELAXED_SIMD) return false;
  if (<i32>headerWord(net, H_LOSS) != 0) return false; // squared error only
  const layers = <i32>headerWord(net, H_LAYER_COUNT);
  for (let l = 0; l < layers; l++) {
    const nIn = <i32>layerWord(net, l, L_IN), nOut = <i32>layerWord(net, l, L_OUT);
    if (nOut > TINY_WIDTH || nIn > TINY_WIDTH || <i32>layerWord(net, l, L_ACT) == SOFTMAX) return false;
  }
  return true;
}

/** trainOnline's work for tiny networks (tinyEligible): the same contract and the same bits. */
function trainTiny(net: usize, xAll: usize, yAll: usize, order: usize, first: i32, count: i32): i32 {
  const inputSize = <usize>headerWord(net, H_INPUT_SIZE);
  const layers = <i32>headerWord(net, H_LAYER_COUNT);
  const last = layers - 1;
  const outputSize = <i32>layerWord(net, last, L_OUT), outAct = <i32>layerWord(net, last, L_ACT);
  const lr = getT(net, T_LR), wd = getT(net, T_WEIGHT_DECAY);
  const metric = <i32>getT(net, T_METRIC);
  const inputBound = getT(net, T_INPUT_BOUND);
  const sampleLoss = headerWord(net, H_SAMPLE_LOSS);
  let lossSum = getT(net, T_LOSS_SUM), correct = getT(net, T_CORRECT), seen = getT(net, T_SEEN);
  let done = 0, lastLoss = getT(net, T_BATCH_LOSS);
  for (; done < count; done++) {
    const row = <usize>load<i32>(order + (<usize>(first + done) << 2));
    const x = xAll + ((row * inputSize) << 3);
    const y = yAll + ((row * <usize>outputSize) << 3);
    let aPrev = x;
    for (let l = 0; l < layers; l++) {
      const nIn = <i32>layerWord(net, l, L_IN), nOut = <i32>layerWord(net, l, L_OUT), act = <i32>layerWord(net, l, L_ACT);
      const w = layerWord(net, l, L_W), b = layerWord(net, l, L_B), z = layerWord(net, l, L_Z), a = layerWord(net, l, L_A);
      for (let j = 0; j < nOut; j++) {
        const o = <usize>j << 3;
        const zj = tinyDot(aPrev, w + <usize>j * (<usize>nIn << 3), nIn) + load<f64>(b + o);
        store<f64>(z + o, zj);
        store<f64>(a + o, tinyActivate(act, zj));
      }
      aPrev = a;
    }
    // squared error: e = a − y, d = e·f'(z), E = ½ Σ e² (outputErrors' expressions, in its order)
    const aOut = layerWord(net, last, L_A), zOut = layerWord(net, last, L_Z), eOut = layerWord(net, last, L_E), dOut = layerWord(net, last, L_D);
    let total = 0.0;
    for (let k = 0; k < outputSize; k++) {
      const o = <usize>k << 3;
      const diff = load<f64>(aOut + o) - load<f64>(y + o);
      total += 0.5 * diff * diff;
      store<f64>(eOut + o, diff);
      store<f64>(dOut + o, diff * derivative(outAct, load<f64>(zOut + o), load<f64>(aOut + o)));
    }
    store<f64>(sampleLoss, total);
    lastLoss = total / 1.0;
    if (!isFinite(lastLoss)) { setT(net, T_STATUS, STATUS_BAD_LOSS); break; }
    let bounded = true;
    for (let l = last; l >= 0; l--) {
      const nIn = <i32>layerWord(net, l, L_IN), nOut = <i32>layerWord(net, l, L_OUT), d = layerWord(net, l, L_D);
      const aIn = l == 0 ? x : layerWord(net, l - 1, L_A);
      const maxA = l == 0 && inputBound > 0 ? inputBound : smallLargest(aIn, nIn);
      if (!(smallLargest(d, nOut) * maxA <= GRADIENT_BOUND)) { bounded = false; break; }
      if (l == 0) break;
      // node errors of the layer below, each summed over this layer's units in order; then its deltas
      const w = layerWord(net, l, L_W), e = layerWord(net, l - 1, L_E), dBelow = layerWord(net, l - 1, L_D);
      const zBelow = layerWord(net, l - 1, L_Z), actBelow = <i32>layerWord(net, l - 1, L_ACT);
      const rowBytes = <usize>nIn << 3;
      for (let i = 0; i < nIn; i++) {
        const io = <usize>i << 3;
        let sum = 0.0;
        for (let j = 0; j < nOut; j++) sum += load<f64>(d + (<usize>j << 3)) * load<f64>(w + <usize>j * rowBytes + io);
        store<f64>(e + io, sum);
        store<f64>(dBelow + io, sum * derivative(actBelow, load<f64>(zBelow + io), load<f64>(aIn + io)));
      }
    }
    if (!bounded) { setT(net, T_STATUS, STATUS_BAD_GRADIENT); break; }
    lossSum += lastLoss * 1.0;
    seen += 1;
    if (metric != 0) correct += correctOutputs(metric, aOut, y, outputSize);
    // SGD, last layer first: p − lr·(g + wd·p) with g = 0 + d·a (outerProduct, finishScalar)
    for (let l = last; l >= 0; l--) {
      const nIn = <i32>layerWord(net, l, L_IN), nOut = <i32>layerWord(net, l, L_OUT);
      const d = layerWord(net, l, L_D), aIn = l == 0 ? x : layerWord(net, l - 1, L_A);
      let w = layerWord(net, l, L_W);
      const b = layerWord(net, l, L_B);
      for (let j = 0; j < nOut; j++) {
        const dj = load<f64>(d + (<usize>j << 3));
        for (let i = 0; i < nIn; i++) {
          const o = <usize>i << 3;
          const p = load<f64>(w + o);
          store<f64>(w + o, p - lr * ((0.0 + dj * load<f64>(aIn + o)) + wd * p));
        }
        w += <usize>nIn << 3;
        const bo = <usize>j << 3, pb = load<f64>(b + bo);
        store<f64>(b + bo, pb - lr * ((0.0 + dj) * 1.0 + wd * pb));
      }
    }
  }
  keepSums(net, lastLoss, lossSum, correct, seen, done);
  return done;
}

/**
 * dot(x, y, n) — the same sum in the same order (SIMD build: lanes i % 4 summed apart, then
 * (s0 + s2) + (s1 + s3), then the tail in order) — from 8-byte loads only. The activations were
 * just stored one f64 at a time, and a 16-byte load spanning two such stores cannot take them
 * from the store buffer: it waits until they reach the cache, on the sample's critical path.
 */
@inline function tinyDot(x: usize, y: usize, n: i32): f64 {
  if (!ASC_FEATURE_SIMD) return dot(x, y, n);
  let s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0;
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 3;
    s0 += load<f64>(x + o) * load<f64>(y + o);
    s1 += load<f64>(x + o, 8) * load<f64>(y + o, 8);
    s2 += load<f64>(x + o, 16) * load<f64>(y + o, 16);
    s3 += load<f64>(x + o, 24) * load<f64>(y + o, 24);
  }
  let sum = (s0 + s2) + (s1 + s3);
  for (; i < n; i++) {
    const o = <usize>i << 3;
    sum += load<f64>(x + o) * load<f64>(y + o);
  }
  return sum;
}

/**
 * activate(), with sigmoid's Math.exp inlined (the same expression otherwise). In the builds that
 * run this loop (shrink level 0: see train.ts) NativeMath.exp is just a call of the standard
 * library's @inline exp_lut: the same bits without the call, around which the loop spilled its
 * live values (six calls per sample on the seed network).
 */
@inline function tinyActivate(act: i32, z: f64): f64 {
  if (act == SIGMOID && ASC_SHRINK_LEVEL < 1) return 1.0 / (1.0 + exp_lut(-z));
  return activate(act, z);
}

// max |x| of a few values, NaN if one is NaN (largestMagnitude's answer, without its vector set-up).
// On the bits of |x|, where the order of non-negative doubles is the integer order and every NaN
// lies above +inf: an integer max is a select (a cmov), where comparing doubles would branch on
// the data and mispredict about once per call. With a NaN, the answer is a NaN (not always the
// first), which fails the gradient bound as well.
@inline function smallLargest(x: usize, n: i32): f64 {
  let m: u64 = 0;
  for (let i = 0; i < n; i++) {
    const v = load<u64>(x + (<usize>i << 3)) & 0x7FFF_FFFF_FFFF_FFFF;
    m = select(v, m, v > m);
  }
  return reinterpret<f64>(m);
}
