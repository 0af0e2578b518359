// Twin of assembly/brain.ts: brain.js's per-sample arithmetic (the wasmlp/brain drop-in), written
// out plainly. The wasm kernel sums its dot products in two lanes, this one in order, so the two
// agree to rounding, not bit for bit.
import { ActivationId, Header, LayerWord as W, OptimizerId, Status, TrainWord as T } from "../../abi.js";
import { word, type Heap } from "./heap.js";
import { layerWord } from "./network.js";

/** brain.js's activation by wasmlp id (leaky relu with slope `alpha`). */
function brainActivate(act: number, z: number, alpha: number): number {
  switch (act) {
    case ActivationId.sigmoid: return 1 / (1 + Math.exp(-z));
    case ActivationId.tanh: return Math.tanh(z);
    case ActivationId.relu: return z < 0 ? 0 : z;
    default: return Math.max(z, alpha * z); // leaky relu
  }
}

/** δ from the node error and the output a, as brain.js writes each derivative. */
function delta(act: number, error: number, a: number, alpha: number): number {
  switch (act) {
    case ActivationId.sigmoid: return error * a * (1 - a);
    case ActivationId.tanh: return (1 - a * a) * error;
    case ActivationId.relu: return a > 0 ? error : 0;
    default: return a > 0 ? error : alpha * error;
  }
}

/** x^n for a whole n ≥ 0 by squaring, as assembly/brain.ts computes Adam's β^t. */
function powCount(x: number, n: number): number {
  let result = 1, base = x, k = n;
  while (k > 0) {
    const half = Math.floor(k / 2);
    if (k - 2 * half === 1) result *= base;
    base *= base;
    k = half;
  }
  return result;
}

/** One layer of a plan, as f64 indexes (byte offset / 8). */
export interface BrainLayer {
  nIn: number; nOut: number;
  w: number; b: number; a: number; e: number; d: number;
}

/**
 * brain.js's runInput: every layer's a = f(b + W·a_prev), summed in order, from the input at
 * f64 index x; the output is at the last layer's `a`. Returns Σ a, finite only if every a is.
 */
export function brainForward(m: Float64Array, layers: readonly BrainLayer[], x: number, act: number, alpha: number): number {
  let aPrev = x, probe = 0;
  for (const { nIn, nOut, w, b, a } of layers) {
    for (let j = 0; j < nOut; j++) {
      let z = m[b + j]!;
      for (let i = 0; i < nIn; i++) z += m[w + j * nIn + i]! * m[aPrev + i]!;
      m[a + j] = brainActivate(act, z, alpha);
      probe += m[a + j]!;
    }
    aPrev = a;
  }
  return probe;
}

export function brainTrain(h: Heap, net: number, xAll: number, yAll: number, rows: number, iterations: number, errorThresh: number, alpha: number): number {
  const m = h.f64, tb = word(h, net, Header.train) >>> 3;
  const layers = word(h, net, Header.layerCount), last = layers - 1;
  const nIn0 = word(h, net, Header.inputSize), nOutL = layerWord(h, net, last, W.out);
  const act = layerWord(h, net, 0, W.act);
  const adam = m[tb + T.optimizer] === OptimizerId.adam;
  const lr = m[tb + T.lr]!, mu = m[tb + T.momentum]!;
  const beta1 = m[tb + T.beta1]!, beta2 = m[tb + T.beta2]!, eps = m[tb + T.eps]!;
  const toState1 = (word(h, net, Header.state1) - word(h, net, Header.params)) >>> 3;
  const toState2 = (word(h, net, Header.state2) - word(h, net, Header.params)) >>> 3;
  const L = Array.from({ length: layers }, (_, l): BrainLayer => ({
    nIn: layerWord(h, net, l, W.in), nOut: layerWord(h, net, l, W.out),
    w: layerWord(h, net, l, W.w) >>> 3, b: layerWord(h, net, l, W.b) >>> 3,
    a: layerWord(h, net, l, W.a) >>> 3, e: layerWord(h, net, l, W.e) >>> 3, d: layerWord(h, net, l, W.d) >>> 3,
  }));
  let t = m[tb + T.step]!;
  let error = m[tb + T.batchLoss]!;
  let done = 0;
  m[tb + T.status] = Status.ok;
  const stop = (status: number, samples: number) => { m[tb + T.status] = status; m[tb + T.seen] = samples; };
  passes: for (; done < iterations; done++) {
    if (error <= errorThresh) break;
    let sum = 0;
    for (let s = 0; s < rows; s++) {
      const x = (xAll >>> 3) + s * nIn0, y = (yAll >>> 3) + s * nOutL;
      const probeA = brainForward(m, L, x, act, alpha);
      const out = L[last]!;
      let squares = 0;
      for (let k = 0; k < nOutL; k++) {
        const ak = m[out.a + k]!, ek = m[y + k]! - ak;
        squares += ek * ek;
        m[out.e + k] = ek;
        m[out.d + k] = delta(act, ek, ak, alpha);
      }
      const mse = squares / nOutL;
      if (!Number.isFinite(mse + probeA)) { stop(Status.badLoss, s); break passes; }
      // node errors back: e_{l−1}[i] = Σ_j δ_l[j]·W_l[j][i], in j order; then δ_{l−1}
      let probe = 0;
      for (let l = last; l > 0; l--) {
        const { nIn, nOut, w, d } = L[l]!, below = L[l - 1]!;
        for (let i = 0; i < nIn; i++) {
          let e = 0;
          for (let j = 0; j < nOut; j++) e += m[d + j]! * m[w + j * nIn + i]!;
          m[below.e + i] = e;
          const di = delta(act, e, m[below.a + i]!, alpha);
          m[below.d + i] = di;
          probe += di;
        }
      }
      if (!Number.isFinite(probe)) { stop(Status.badGradient, s); break passes; }
      let c1 = 1, c2 = 1;
      if (adam) {
        t += 1;
        c1 = 1 - powCount(beta1, t);
        c2 = 1 - powCount(beta2, t);
      }
      for (let l = 0; l < layers; l++) {
        const { nIn, nOut, w, b, d } = L[l]!;
        const aIn = l === 0 ? x : L[l - 1]!.a;
        for (let j = 0; j < nOut; j++) {
          const dj = m[d + j]!;
          if (adam) {
            for (let i = 0; i < nIn; i++) {
              const p = w + j * nIn + i, g = dj * m[aIn + i]!;
              const mi = m[p + toState1]! * beta1 + (1 - beta1) * g;
              const vi = m[p + toState2]! * beta2 + (1 - beta2) * g * g;
              m[p + toState1] = mi;
              m[p + toState2] = vi;
              m[p] = m[p]! + (lr * (mi / c1)) / (Math.sqrt(vi / c2) + eps);
            }
            // brain.js corrects the bias with the moments from before this update
            const p = b + j, mOld = m[p + toState1]!, vOld = m[p + toState2]!;
            m[p + toState1] = mOld * beta1 + (1 - beta1) * dj;
            m[p + toState2] = vOld * beta2 + (1 - beta2) * dj * dj;
            m[p] = m[p]! + (lr * (mOld / c1)) / (Math.sqrt(vOld / c2) + eps);
          } else {
            const step = lr * dj;
            for (let i = 0; i < nIn; i++) {
              const p = w + j * nIn + i;
              const change = step * m[aIn + i]! + mu * m[p + toState1]!;
              m[p + toState1] = change;
              m[p] = m[p]! + change;
            }
            m[b + j] = m[b + j]! + step;
          }
        }
      }
      sum += mse;
    }
    error = sum / rows;
  }
  m[tb + T.batchLoss] = error;
  m[tb + T.step] = t;
  return done;
}
