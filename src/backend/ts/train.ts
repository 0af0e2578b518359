// Twin of assembly/train.ts: the training and evaluation loops over a data set in memory.
import { Header, LayerWord as W, TrainWord as T } from "../../memoryPlan.js";
import { word, type Heap } from "./heap.js";
import { backward, forward, layerWord, outputLoss } from "./network.js";
import { adamStep, allFinite, sgdStep } from "./optimizer.js";

export const STATUS_BAD_LOSS = 1;
export const STATUS_BAD_GRADIENT = 2;
export const METRIC_ARGMAX = 1;

const t = (h: Heap, net: number) => word(h, net, Header.train) >>> 3;

export function trainBatches(h: Heap, net: number, xAll: number, yAll: number, order: number, first: number, count: number, batchSize: number): number {
  const m = h.f64, tb = t(h, net);
  const nIn = word(h, net, Header.inputSize);
  const last = word(h, net, Header.layerCount) - 1;
  const nOut = layerWord(h, net, last, W.nOut);
  const x = word(h, net, Header.x) >>> 3, y = word(h, net, Header.y) >>> 3;
  const x0 = xAll >>> 3, y0 = yAll >>> 3, o0 = order >>> 2;
  let done = 0;
  for (let start = 0; start < count; start += batchSize) {
    const rows = Math.min(batchSize, count - start);
    for (let r = 0; r < rows; r++) {
      const row = h.i32[o0 + first + start + r]!;
      m.copyWithin(x + r * nIn, x0 + row * nIn, x0 + (row + 1) * nIn);
      m.copyWithin(y + r * nOut, y0 + row * nOut, y0 + (row + 1) * nOut);
    }
    forward(h, net, rows);
    const loss = backward(h, net, rows, false);
    m[tb + T.batchLoss] = loss;
    if (!Number.isFinite(loss)) { m[tb + T.status] = STATUS_BAD_LOSS; return done; }
    const g = word(h, net, Header.grads), n = word(h, net, Header.paramCount);
    if (!allFinite(m, g, n)) { m[tb + T.status] = STATUS_BAD_GRADIENT; return done; }
    if (m[tb + T.clipNorm]! > 0) clipGradients(m, tb, g >>> 3, n, m[tb + T.clipNorm]!);
    accumulateMetrics(h, net, rows, loss);
    optimizerStep(h, net);
    done++;
  }
  return done;
}

export function evaluateRows(h: Heap, net: number, xAll: number, yAll: number, first: number, count: number, chunk: number): void {
  const m = h.f64;
  const nIn = word(h, net, Header.inputSize);
  const nOut = layerWord(h, net, word(h, net, Header.layerCount) - 1, W.nOut);
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
  if (metric === 0) return;
  const last = word(h, net, Header.layerCount) - 1;
  const a = layerWord(h, net, last, W.a) >>> 3, y = word(h, net, Header.y) >>> 3;
  const n = layerWord(h, net, last, W.nOut);
  let correct = 0;
  for (let s = 0; s < rows; s++) {
    if (metric === METRIC_ARGMAX) {
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
  if (m[tb + T.optimizer] === 1) {
    const b1 = m[tb + T.beta1]!, b2 = m[tb + T.beta2]!;
    adamStep(m, p, g, word(h, net, Header.state1), word(h, net, Header.state2), n, lr, b1, b2, m[tb + T.eps]!, wd,
      1 - Math.pow(b1, step), 1 - Math.pow(b2, step));
  } else {
    sgdStep(m, p, g, word(h, net, Header.state1), n, lr, m[tb + T.momentum]!, m[tb + T.nesterov] !== 0, wd);
  }
}
