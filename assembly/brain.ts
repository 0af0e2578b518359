// brain.js's NeuralNetwork arithmetic, for the wasmlp/brain drop-in (src/brain/): one sample at a
// time, in data order, with brain.js's rules rather than wasmlp's, so a brain.js script gets the
// run it would get from brain.js (in float64 where brain.js keeps float32):
//   - node error of the outputs e = y − a (the negative of wasmlp's a − y, so its updates add);
//     hidden node errors e = Wᵀ·δ of the layer above; δ = e ⊙ f′, with f′ from the output a;
//   - one activation for every layer, the output layer too;
//   - momentum moves the weights only: change = lr·δ·a + μ·change, w += change; b += lr·δ;
//   - its "adam" praxis, whose bias update reads the moments from before this sample's update
//     (brain.js 2.0 does so; the weights' update reads the new ones);
//   - its error measure: the mean over samples of the mean squared output error, taken before each
//     sample's update, and the errorThresh check before every iteration.
// Memory is wasmlp's plan (descriptor, training block, parameters, optimizer state, one row of
// activations, node errors and deltas); the data set is rows × n₀ inputs at xAll, rows × n_L targets at yAll.
import {
  headerWord, layerWord, getT, setT, H_LAYER_COUNT, H_INPUT_SIZE, H_PARAMS, H_STATE1, H_STATE2,
  L_IN, L_OUT, L_ACT, L_W, L_B, L_A, L_E, L_D,
  T_OPTIMIZER, T_LR, T_MOMENTUM, T_BETA1, T_BETA2, T_EPS, T_STEP, T_STATUS, T_BATCH_LOSS, T_SEEN,
} from "./layout";
import { SIGMOID, TANH, RELU, LEAKY_RELU } from "./activation";

const PRAXIS_ADAM: i32 = 1;
const STATUS_BAD_LOSS: f64 = 1;
const STATUS_BAD_GRADIENT: f64 = 2;

// brain.js's activations, each beside its derivative in brain's form (from the output a).
@inline function activate(act: i32, z: f64, alpha: f64): f64 {
  if (act == SIGMOID) return 1.0 / (1.0 + Math.exp(-z));
  if (act == TANH) return Math.tanh(z);
  if (act == RELU) return z < 0 ? 0.0 : z;
  return max(z, alpha * z); // leaky relu
}
@inline function delta(act: i32, error: f64, a: f64, alpha: f64): f64 {
  if (act == SIGMOID) return error * a * (1.0 - a);
  if (act == TANH) return (1.0 - a * a) * error;
  if (act == RELU) return a > 0 ? error : 0.0;
  return a > 0 ? error : alpha * error; // leaky relu
}

/**
 * Σ x[i]·y[i]: four independent two-lane sums (so the adds do not wait on each other), then the
 * tail. Not forward.ts's dot(), whose order the core kernels' bits rest on: with two sums it
 * trained 64-32-10 4–8 % slower here.
 */
@inline function dot(x: usize, y: usize, n: i32): f64 {
  let i = 0, sum = 0.0;
  if (ASC_FEATURE_SIMD) {
    let acc0 = f64x2.splat(0), acc1 = f64x2.splat(0), acc2 = f64x2.splat(0), acc3 = f64x2.splat(0);
    for (; i + 8 <= n; i += 8) {
      const o = <usize>i << 3;
      acc0 = f64x2.add(acc0, f64x2.mul(v128.load(x + o), v128.load(y + o)));
      acc1 = f64x2.add(acc1, f64x2.mul(v128.load(x + o, 16), v128.load(y + o, 16)));
      acc2 = f64x2.add(acc2, f64x2.mul(v128.load(x + o, 32), v128.load(y + o, 32)));
      acc3 = f64x2.add(acc3, f64x2.mul(v128.load(x + o, 48), v128.load(y + o, 48)));
    }
    for (; i + 2 <= n; i += 2) {
      const o = <usize>i << 3;
      acc0 = f64x2.add(acc0, f64x2.mul(v128.load(x + o), v128.load(y + o)));
    }
    const acc = f64x2.add(f64x2.add(acc0, acc1), f64x2.add(acc2, acc3));
    sum = f64x2.extract_lane(acc, 0) + f64x2.extract_lane(acc, 1);
  }
  for (; i < n; i++) {
    const o = <usize>i << 3;
    sum += load<f64>(x + o) * load<f64>(y + o);
  }
  return sum;
}

/** a = f(W·aPrev + b) for one layer of one sample; returns Σ a, which is finite only if every a is. */
@inline function layerForward(aPrev: usize, w: usize, b: usize, a: usize, nIn: i32, nOut: i32, act: i32, alpha: f64): f64 {
  const rowBytes = <usize>nIn << 3;
  let probe = 0.0;
  for (let j = 0; j < nOut; j++) {
    const o = <usize>j << 3;
    const aj = activate(act, load<f64>(b + o) + dot(w + <usize>j * rowBytes, aPrev, nIn), alpha);
    store<f64>(a + o, aj);
    probe += aj;
  }
  return probe;
}

/**
 * The node errors of the layer below, e = Wᵀ·δ (one row of W per unit of this layer, added in
 * turn), then its deltas; returns Σ δ, which is finite only if every δ is.
 */
@inline function errorsBelow(d: usize, w: usize, e: usize, dBelow: usize, aBelow: usize, nIn: i32, nOut: i32, act: i32, alpha: f64): f64 {
  // e starts as the first row's share, so it needs no clearing (memory.fill is a call in V8)
  const rowBytes = <usize>nIn << 3;
  const d0 = load<f64>(d);
  for (let i = 0; i < nIn; i++) {
    const o = <usize>i << 3;
    store<f64>(e + o, d0 * load<f64>(w + o));
  }
  for (let j = 1; j < nOut; j++) {
    const dj = load<f64>(d + (<usize>j << 3));
    const row = w + <usize>j * rowBytes;
    let i = 0;
    if (ASC_FEATURE_SIMD) {
      const dj2 = f64x2.splat(dj);
      for (; i + 2 <= nIn; i += 2) {
        const o = <usize>i << 3;
        v128.store(e + o, f64x2.add(v128.load(e + o), f64x2.mul(dj2, v128.load(row + o))));
      }
    }
    for (; i < nIn; i++) {
      const o = <usize>i << 3;
      store<f64>(e + o, load<f64>(e + o) + dj * load<f64>(row + o));
    }
  }
  let probe = 0.0;
  for (let i = 0; i < nIn; i++) {
    const o = <usize>i << 3;
    const di = delta(act, load<f64>(e + o), load<f64>(aBelow + o), alpha);
    store<f64>(dBelow + o, di);
    probe += di;
  }
  return probe;
}

/** brain.js's adjustWeights for one layer: change = (lr·δ)·a + μ·change; w += change; b += lr·δ. */
@inline function momentumStep(d: usize, aIn: usize, w: usize, change: usize, b: usize, nIn: i32, nOut: i32, lr: f64, mu: f64): void {
  const rowBytes = <usize>nIn << 3;
  for (let j = 0; j < nOut; j++) {
    const jo = <usize>j << 3;
    const step = lr * load<f64>(d + jo);
    const row = w + <usize>j * rowBytes, rowChange = change + <usize>j * rowBytes;
    let i = 0;
    if (ASC_FEATURE_SIMD) {
      const step2 = f64x2.splat(step), mu2 = f64x2.splat(mu);
      for (; i + 2 <= nIn; i += 2) {
        const o = <usize>i << 3;
        const c = f64x2.add(f64x2.mul(step2, v128.load(aIn + o)), f64x2.mul(mu2, v128.load(rowChange + o)));
        v128.store(rowChange + o, c);
        v128.store(row + o, f64x2.add(v128.load(row + o), c));
      }
    }
    for (; i < nIn; i++) {
      const o = <usize>i << 3;
      const c = step * load<f64>(aIn + o) + mu * load<f64>(rowChange + o);
      store<f64>(rowChange + o, c);
      store<f64>(row + o, load<f64>(row + o) + c);
    }
    store<f64>(b + jo, load<f64>(b + jo) + step);
  }
}

/**
 * brain.js's _adjustWeightsAdam for one layer (m at `m`, v at `v`, laid out like the parameters);
 * c1 = 1 − β1^t, c2 = 1 − β2^t.
 */
function adamStep(
  d: usize, aIn: usize, w: usize, mw: usize, vw: usize, b: usize, mb: usize, vb: usize, nIn: i32, nOut: i32,
  lr: f64, beta1: f64, beta2: f64, eps: f64, c1: f64, c2: f64,
): void {
  const rowBytes = <usize>nIn << 3;
  for (let j = 0; j < nOut; j++) {
    const jo = <usize>j << 3;
    const dj = load<f64>(d + jo);
    const base = <usize>j * rowBytes;
    for (let i = 0; i < nIn; i++) {
      const o = base + (<usize>i << 3);
      const g = dj * load<f64>(aIn + (<usize>i << 3));
      const m = load<f64>(mw + o) * beta1 + (1 - beta1) * g;
      const v = load<f64>(vw + o) * beta2 + (1 - beta2) * g * g;
      store<f64>(mw + o, m);
      store<f64>(vw + o, v);
      store<f64>(w + o, load<f64>(w + o) + (lr * (m / c1)) / (Math.sqrt(v / c2) + eps));
    }
    const mOld = load<f64>(mb + jo), vOld = load<f64>(vb + jo);
    store<f64>(mb + jo, mOld * beta1 + (1 - beta1) * dj);
    store<f64>(vb + jo, vOld * beta2 + (1 - beta2) * dj * dj);
    store<f64>(b + jo, load<f64>(b + jo) + (lr * (mOld / c1)) / (Math.sqrt(vOld / c2) + eps));
  }
}

@inline function stop(net: usize, status: f64, samplesDone: i32): void {
  setT(net, T_STATUS, status);
  setT(net, T_SEEN, samplesDone);
}

/**
 * x^n for a whole n ≥ 0 by squaring, in ~log2(n) multiplies and without AssemblyScript's Math.pow
 * (~5 KB of tables in every build). Its relative error grows like n ulps (each squaring doubles the
 * base's): ≤ 1e-12 while β^t still matters to Adam's correction (t ≲ 10⁴ at β = 0.999).
 */
function powCount(x: f64, n: f64): f64 {
  let result = 1.0, base = x, k = n;
  while (k > 0) {
    const half = Math.floor(k / 2);
    if (k - 2 * half == 1) result *= base;
    base *= base;
    k = half;
  }
  return result;
}

/**
 * Up to `iterations` passes over the data set as brain.js's train() makes them, each begun only
 * while the error (T_BATCH_LOSS, brain's status.error: in and out) is above errorThresh. Settings in
 * the training block: T_OPTIMIZER 0 momentum, 1 adam; T_LR, T_MOMENTUM, T_BETA1, T_BETA2, T_EPS;
 * adam's sample count T_STEP carries over between calls (β^t from it, by powCount).
 * Stops before the update of a sample whose activations, error or deltas are not finite: T_STATUS 1 or 2, and
 * T_SEEN = the samples of that pass already trained. Returns the passes completed.
 */
export function brainTrain(net: usize, xAll: usize, yAll: usize, rows: i32, iterations: i32, errorThresh: f64, alpha: f64): i32 {
  const layers = <i32>headerWord(net, H_LAYER_COUNT);
  const last = layers - 1;
  const inputBytes = <usize>headerWord(net, H_INPUT_SIZE) << 3;
  const outputSize = <i32>layerWord(net, last, L_OUT);
  const act = <i32>layerWord(net, 0, L_ACT);
  const adam = <i32>getT(net, T_OPTIMIZER) == PRAXIS_ADAM;
  const lr = getT(net, T_LR), mu = getT(net, T_MOMENTUM);
  const beta1 = getT(net, T_BETA1), beta2 = getT(net, T_BETA2), eps = getT(net, T_EPS);
  // optimizer state sits at the same offset from its parameter in every layer
  const toState1 = headerWord(net, H_STATE1) - headerWord(net, H_PARAMS);
  const toState2 = headerWord(net, H_STATE2) - headerWord(net, H_PARAMS);
  let t = getT(net, T_STEP);
  let error = getT(net, T_BATCH_LOSS);
  let done = 0, stopped = false;
  setT(net, T_STATUS, 0);
  for (; done < iterations; done++) {
    if (error <= errorThresh) break;
    let sum = 0.0;
    for (let s = 0; s < rows; s++) {
      const x = xAll + <usize>s * inputBytes;
      const y = yAll + ((<usize>s * <usize>outputSize) << 3);
      // an infinite activation can meet a zero delta (relu) and make a NaN update: check them all
      let aPrev = x, probeA = 0.0;
      for (let l = 0; l < layers; l++) {
        const a = layerWord(net, l, L_A);
        probeA += layerForward(aPrev, layerWord(net, l, L_W), layerWord(net, l, L_B), a, <i32>layerWord(net, l, L_IN), <i32>layerWord(net, l, L_OUT), act, alpha);
        aPrev = a;
      }
      const aOut = aPrev, eOut = layerWord(net, last, L_E), dOut = layerWord(net, last, L_D);
      let squares = 0.0;
      for (let k = 0; k < outputSize; k++) {
        const o = <usize>k << 3;
        const ak = load<f64>(aOut + o), ek = load<f64>(y + o) - ak;
        squares += ek * ek;
        store<f64>(eOut + o, ek);
        store<f64>(dOut + o, delta(act, ek, ak, alpha));
      }
      const mse = squares / <f64>outputSize;
      if (!isFinite(mse + probeA)) { stop(net, STATUS_BAD_LOSS, s); stopped = true; break; }
      let probe = 0.0;
      for (let l = last; l > 0; l--) {
        probe += errorsBelow(
          layerWord(net, l, L_D), layerWord(net, l, L_W), layerWord(net, l - 1, L_E), layerWord(net, l - 1, L_D),
          layerWord(net, l - 1, L_A), <i32>layerWord(net, l, L_IN), <i32>layerWord(net, l, L_OUT), act, alpha,
        );
      }
      if (!isFinite(probe)) { stop(net, STATUS_BAD_GRADIENT, s); stopped = true; break; }
      let c1 = 1.0, c2 = 1.0;
      if (adam) {
        t += 1;
        c1 = 1 - powCount(beta1, t);
        c2 = 1 - powCount(beta2, t);
      }
      for (let l = 0; l < layers; l++) {
        const w = layerWord(net, l, L_W), b = layerWord(net, l, L_B), aIn = l == 0 ? x : layerWord(net, l - 1, L_A);
        const nIn = <i32>layerWord(net, l, L_IN), nOut = <i32>layerWord(net, l, L_OUT), d = layerWord(net, l, L_D);
        if (adam) adamStep(d, aIn, w, w + toState1, w + toState2, b, b + toState1, b + toState2, nIn, nOut, lr, beta1, beta2, eps, c1, c2);
        else momentumStep(d, aIn, w, w + toState1, b, nIn, nOut, lr, mu);
      }
      sum += mse;
    }
    if (stopped) break;
    error = sum / <f64>rows;
  }
  setT(net, T_BATCH_LOSS, error);
  setT(net, T_STEP, t);
  return done;
}
