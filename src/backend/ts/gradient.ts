// Twin of assembly/gradient.ts: dW = (1/B)·Dᵀ·A_prev, db = (1/B)·Σ_s D[s,:].
export function weightGradients(
  m: Float64Array, d: number, aPrev: number, dW: number, db: number,
  rows: number, nIn: number, nOut: number, accumulate: boolean,
): void {
  const d0 = d >>> 3, x0 = aPrev >>> 3, g0 = dW >>> 3, b0 = db >>> 3;
  const scale = 1 / rows;
  for (let j = 0; j < nOut; j++) {
    for (let i = 0; i < nIn; i++) {
      let sum = 0;
      for (let s = 0; s < rows; s++) sum += m[d0 + s * nOut + j]! * m[x0 + s * nIn + i]!;
      const at = g0 + j * nIn + i;
      m[at] = accumulate ? m[at]! + sum * scale : sum * scale;
    }
    let sum = 0;
    for (let s = 0; s < rows; s++) sum += m[d0 + s * nOut + j]!;
    m[b0 + j] = accumulate ? m[b0 + j]! + sum * scale : sum * scale;
  }
}
