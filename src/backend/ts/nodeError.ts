// Twin of assembly/nodeError.ts: d = e ⊙ f'(z), and E_{l−1} = D_l·W_l.
import { derivative, SOFTMAX } from "./activation.js";

/** d = J_softmaxᵀ e for one sample; e, a, d are element indices. */
export function softmaxJacobianRow(m: Float64Array, e: number, a: number, d: number, n: number): void {
  let dotEA = 0;
  for (let k = 0; k < n; k++) dotEA += m[e + k]! * m[a + k]!;
  for (let k = 0; k < n; k++) m[d + k] = m[a + k]! * (m[e + k]! - dotEA);
}

export function hiddenDeltas(m: Float64Array, e: number, z: number, a: number, d: number, rows: number, n: number, act: number): void {
  const e0 = e >>> 3, z0 = z >>> 3, a0 = a >>> 3, d0 = d >>> 3;
  if (act === SOFTMAX) {
    for (let s = 0; s < rows; s++) softmaxJacobianRow(m, e0 + s * n, a0 + s * n, d0 + s * n, n);
    return;
  }
  for (let i = 0; i < rows * n; i++) m[d0 + i] = m[e0 + i]! * derivative(act, m[z0 + i]!, m[a0 + i]!);
}

export function propagateErrors(m: Float64Array, d: number, w: number, ePrev: number, rows: number, nIn: number, nOut: number): void {
  const d0 = d >>> 3, w0 = w >>> 3, e0 = ePrev >>> 3;
  for (let s = 0; s < rows; s++) {
    for (let i = 0; i < nIn; i++) {
      let sum = 0;
      for (let j = 0; j < nOut; j++) sum += m[d0 + s * nOut + j]! * m[w0 + j * nIn + i]!;
      m[e0 + s * nIn + i] = sum;
    }
  }
}
