// Twin of assembly/forward.ts: Z = A_prev·Wᵀ + b, A = f(Z), written plainly.
import { activate, SOFTMAX } from "./activation.js";

export function denseForward(
  m: Float64Array, aPrev: number, w: number, b: number, z: number, a: number,
  rows: number, nIn: number, nOut: number, act: number,
): void {
  const x0 = aPrev >>> 3, w0 = w >>> 3, b0 = b >>> 3, z0 = z >>> 3, a0 = a >>> 3;
  for (let s = 0; s < rows; s++) {
    const xs = x0 + s * nIn;
    for (let j = 0; j < nOut; j++) {
      const wj = w0 + j * nIn;
      let sum = 0;
      for (let i = 0; i < nIn; i++) sum += m[xs + i]! * m[wj + i]!;
      const value = sum + m[b0 + j]!;
      const at = s * nOut + j;
      m[z0 + at] = value;
      if (act !== SOFTMAX) m[a0 + at] = activate(act, value);
    }
  }
  if (act === SOFTMAX) softmaxRows(m, z, a, rows, nOut);
}

export function softmaxRows(m: Float64Array, z: number, a: number, rows: number, n: number): void {
  for (let s = 0; s < rows; s++) {
    const zr = (z >>> 3) + s * n, ar = (a >>> 3) + s * n;
    let max = -Infinity;
    for (let k = 0; k < n; k++) max = Math.max(max, m[zr + k]!);
    let sum = 0;
    for (let k = 0; k < n; k++) {
      const e = Math.exp(m[zr + k]! - max);
      m[ar + k] = e;
      sum += e;
    }
    for (let k = 0; k < n; k++) m[ar + k] = m[ar + k]! / sum;
  }
}
