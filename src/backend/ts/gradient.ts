// Twin of assembly/gradient.ts: dW = (1/B)·Dᵀ·A_prev, db = (1/B)·Σ_s D[s,:], each value g then
// stored (STORE), added (ACCUMULATE) or applied as a plain SGD step W −= lr·(g + wd·W) (APPLY_SGD).
import { GradientMode } from "../../abi.js";

export const { store: STORE, accumulate: ACCUMULATE, applySgd: APPLY_SGD } = GradientMode;

function finish(m: Float64Array, at: number, sum: number, scale: number, mode: number, lr: number, wd: number): void {
  const g = sum * scale;
  if (mode === STORE) m[at] = g;
  else if (mode === ACCUMULATE) m[at] = m[at]! + g;
  else m[at] = m[at]! - lr * (g + wd * m[at]!);
}

export function weightGradients(
  m: Float64Array, d: number, aPrev: number, dW: number, db: number,
  rows: number, nIn: number, nOut: number, mode: number, lr: number, weightDecay: number,
): void {
  const d0 = d >>> 3, x0 = aPrev >>> 3, g0 = dW >>> 3, b0 = db >>> 3;
  const scale = 1 / rows;
  for (let j = 0; j < nOut; j++) {
    for (let i = 0; i < nIn; i++) {
      let sum = 0;
      for (let s = 0; s < rows; s++) sum += m[d0 + s * nOut + j]! * m[x0 + s * nIn + i]!;
      finish(m, g0 + j * nIn + i, sum, scale, mode, lr, weightDecay);
    }
    let sum = 0;
    for (let s = 0; s < rows; s++) sum += m[d0 + s * nOut + j]!;
    finish(m, b0 + j, sum, scale, mode, lr, weightDecay);
  }
}
