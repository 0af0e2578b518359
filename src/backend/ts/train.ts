// Twin of assembly/train.ts: the training and evaluation loops over a data set in memory.
import { Header, LayerWord as W, MetricMode, OptimizerId, Status, TrainWord as T } from "../../abi.js";
import { word, type Heap } from "./heap.js";
import { backpropagate, forward, layerGradients, layerWord, outputLoss } from "./network.js";
import { APPLY_SGD, STORE } from "./gradient.js";
import { adamStep, sgdStep } from "./optimizer.js";

const t = (h: Heap, net: number) => word(h, net, Header.train) >>> 3;

export function trainBatches(h: Heap, net: number, xAll: number, yAll: number, order: number, first: number, count: number, batchSize: number): number {
  const m = h.f64, tb = t(h, net);
  const nIn = word(h, net, Header.inputSize);
  const last = word(h, net, Header.layerCount) - 1;
  const nOut = layerWord(h, net, last, W.out);
  const x = word(h, net, Header.x) >>> 3, y = word(h, net, Header.y) >>> 3;
  const x0 = xAll >>> 3, y0 = yAll >>> 3, o0 = order >>> 2;
  const clip = m[tb + T.clipNorm]!;
  const fusedSgd = m[tb + T.optimizer] === OptimizerId.sgd && m[tb + T.momentum] === 0 && clip === 0;
  let done = 0;
  for (let start = 0; start < count; start += batchSize) {
    const rows = Math.min(batchSize, count - start);
    for (let r = 0; r < rows; r++) {
      const row = h.i32[o0 + first + start + r]!;
      m.copyWithin(x + r * nIn, x0 + row * nIn, x0 + (row + 1) * nIn);
      m.copyWithin(y + r * nOut, y0 + row * nOut, y0 + (row + 1) * nOut);
    }
    forward(h, net, rows);
    const loss = backpropagate(h, net, rows) / rows;
    m[tb + T.batchLoss] = loss;
    if (!Number.isFinite(loss)) { m[tb + T.status] = Status.badLoss; return done; }
    if (!gradientsBounded(h, net, rows)) { m[tb + T.status] = Status.badGradient; return done; }
    accumulateMetrics(h, net, rows, loss);
    if (fusedSgd) {
      m[tb + T.step] = m[tb + T.step]! + 1;
      layerGradients(h, net, rows, APPLY_SGD, m[tb + T.lr]!, m[tb + T.weightDecay]!);
    } else {
      layerGradients(h, net, rows, STORE, 0, 0);
      const g = word(h, net, Header.grads), n = word(h, net, Header.paramCount);
      if (clip > 0) clipGradients(m, tb, g >>> 3, n, clip);
      optimizerStep(h, net);
    }
    done++;
  }
  return done;
}

/** |g| ≤ max|D|·max|A| for every gradient entry: when that bound is below 1e300 all gradients are finite. */
function gradientsBounded(h: Heap, net: number, rows: number): boolean {
  const count = word(h, net, Header.layerCount);
  const inputBound = h.f64[t(h, net) + T.inputBound]!;
  let maxA = inputBound > 0 ? inputBound : largestMagnitude(h.f64, word(h, net, Header.x), rows * word(h, net, Header.inputSize));
  for (let l = 0; l < count; l++) {
    const n = rows * layerWord(h, net, l, W.out);
    const maxD = largestMagnitude(h.f64, layerWord(h, net, l, W.d), n);
    if (!(maxD * maxA <= 1e300)) return false;
    if (l < count - 1) maxA = largestMagnitude(h.f64, layerWord(h, net, l, W.a), n);
  }
  return true;
}

function largestMagnitude(m: Float64Array, at: number, n: number): number {
  let largest = 0;
  for (let i = at >>> 3, end = (at >>> 3) + n; i < end; i++) {
    const v = Math.abs(m[i]!);
    if (!(v <= largest)) largest = v; // NaN sticks: nothing compares ≤ NaN
    if (Number.isNaN(largest)) return NaN;
  }
  return largest;
}

export function evaluateRows(h: Heap, net: number, xAll: number, yAll: number, first: number, count: number, chunk: number): void {
  const m = h.f64;
  const nIn = word(h, net, Header.inputSize);
  const nOut = layerWord(h, net, word(h, net, Header.layerCount) - 1, W.out);
  for (let start = 0; start < count; start += chunk) {
    const rows = Math.min(chunk, count - start);
    m.copyWithin(word(h, net, Header.x) >>> 3, (xAll >>> 3) + (first + start) * nIn, (xAll >>> 3) + (first + start + rows) * nIn);
    m.copyWithin(word(h, net, Header.y) >>> 3, (yAll >>> 3) + (first + start) * nOut, (yAll >>> 3) + (first + start + rows) * nOut);
    forward(h, net, rows);
    accumulateMetrics(h, net, rows, outputLoss(h, net, rows) / rows);
  }
}

function accumulateMetrics(h: Heap, net: number, rows: number, meanLoss: number): void {
  const m = h.f64, tb = t(h, net);
  m[tb + T.lossSum] = m[tb + T.lossSum]! + meanLoss * rows;
  m[tb + T.seen] = m[tb + T.seen]! + rows;
  const metric = m[tb + T.metric]!;
  if (metric === MetricMode.none) return;
  const last = word(h, net, Header.layerCount) - 1;
  const a = layerWord(h, net, last, W.a) >>> 3, y = word(h, net, Header.y) >>> 3;
  const n = layerWord(h, net, last, W.out);
  let correct = 0;
  for (let s = 0; s < rows; s++) {
    if (metric === MetricMode.argmax) {
      let bestA = 0, bestY = 0;
      for (let k = 1; k < n; k++) {
        if (m[a + s * n + k]! > m[a + s * n + bestA]!) bestA = k;
        if (m[y + s * n + k]! > m[y + s * n + bestY]!) bestY = k;
      }
      if (bestA === bestY) correct++;
    } else {
      for (let k = 0; k < n; k++) if ((m[a + s * n + k]! >= 0.5) === (m[y + s * n + k]! >= 0.5)) correct++;
    }
  }
  m[tb + T.correct] = m[tb + T.correct]! + correct;
}

function clipGradients(m: Float64Array, tb: number, g: number, n: number, maxNorm: number): void {
  let largest = 0;
  for (let i = 0; i < n; i++) largest = Math.max(largest, Math.abs(m[g + i]!));
  if (largest === 0) { m[tb + T.gradNorm] = 0; return; }
  let sum = 0;
  for (let i = 0; i < n; i++) { const v = m[g + i]! / largest; sum += v * v; }
  const norm = largest * Math.sqrt(sum);
  m[tb + T.gradNorm] = norm;
  if (norm <= maxNorm) return;
  const scale = maxNorm / norm;
  for (let i = 0; i < n; i++) m[g + i] = m[g + i]! * scale;
}

export function optimizerStep(h: Heap, net: number): void {
  const m = h.f64, tb = t(h, net);
  const p = word(h, net, Header.params), g = word(h, net, Header.grads), n = word(h, net, Header.paramCount);
  const step = m[tb + T.step]! + 1;
  m[tb + T.step] = step;
  const lr = m[tb + T.lr]!, wd = m[tb + T.weightDecay]!;
  if (m[tb + T.optimizer] === OptimizerId.adam) {
    const b1 = m[tb + T.beta1]!, b2 = m[tb + T.beta2]!;
    const b1t = m[tb + T.beta1Power]! * b1, b2t = m[tb + T.beta2Power]! * b2;
    m[tb + T.beta1Power] = b1t;
    m[tb + T.beta2Power] = b2t;
    adamStep(m, p, g, word(h, net, Header.state1), word(h, net, Header.state2), n, lr, b1, b2, m[tb + T.eps]!, wd, 1 - b1t, 1 - b2t);
  } else {
    sgdStep(m, p, g, word(h, net, Header.state1), n, lr, m[tb + T.momentum]!, m[tb + T.nesterov] !== 0, wd);
  }
}
