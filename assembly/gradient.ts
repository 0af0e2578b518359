// Gradients as the batch mean:  dW = (1/B)·Dᵀ·A_prev,  db = (1/B)·Σ_s D[s,:].
// With `accumulate` the result is added to what is there (the loss.backward() convention: call
// zeroGrad between steps); without it the gradient is overwritten, which spares fit() a sweep.
// dW[j,:] is a sum over samples of rows of A_prev, so a 4-output × 4-input block (8 f64x2
// accumulators) walks down the samples.

@inline function finish(dW: usize, at: usize, sum: v128, scale: v128, accumulate: bool): void {
  let v = f64x2.mul(sum, scale);
  if (accumulate) v = f64x2.add(v128.load(dW + at), v);
  v128.store(dW + at, v);
}

export function weightGradients(
  d: usize, aPrev: usize, dW: usize, db: usize, rows: i32, nIn: i32, nOut: i32, accumulate: bool,
): void {
  const scale = 1.0 / <f64>rows;
  const scale2 = f64x2.splat(scale);
  const aRow = <usize>nIn << 3;
  const dRow = <usize>nOut << 3;
  let j = 0;
  for (; j + 4 <= nOut; j += 4) {
    const jo = <usize>j << 3;
    let i = 0;
    for (; i + 4 <= nIn; i += 4) {
      const io = <usize>i << 3;
      let c00 = f64x2.splat(0), c01 = f64x2.splat(0);
      let c10 = f64x2.splat(0), c11 = f64x2.splat(0);
      let c20 = f64x2.splat(0), c21 = f64x2.splat(0);
      let c30 = f64x2.splat(0), c31 = f64x2.splat(0);
      for (let s = 0; s < rows; s++) {
        const ap = aPrev + <usize>s * aRow + io;
        const xa = v128.load(ap), xb = v128.load(ap, 16);
        const dp = d + <usize>s * dRow + jo;
        let v = f64x2.splat(load<f64>(dp));
        c00 = f64x2.add(c00, f64x2.mul(v, xa)); c01 = f64x2.add(c01, f64x2.mul(v, xb));
        v = f64x2.splat(load<f64>(dp, 8));
        c10 = f64x2.add(c10, f64x2.mul(v, xa)); c11 = f64x2.add(c11, f64x2.mul(v, xb));
        v = f64x2.splat(load<f64>(dp, 16));
        c20 = f64x2.add(c20, f64x2.mul(v, xa)); c21 = f64x2.add(c21, f64x2.mul(v, xb));
        v = f64x2.splat(load<f64>(dp, 24));
        c30 = f64x2.add(c30, f64x2.mul(v, xa)); c31 = f64x2.add(c31, f64x2.mul(v, xb));
      }
      const r0 = <usize>j * aRow + io;
      finish(dW, r0, c00, scale2, accumulate); finish(dW, r0 + 16, c01, scale2, accumulate);
      finish(dW, r0 + aRow, c10, scale2, accumulate); finish(dW, r0 + aRow + 16, c11, scale2, accumulate);
      finish(dW, r0 + 2 * aRow, c20, scale2, accumulate); finish(dW, r0 + 2 * aRow + 16, c21, scale2, accumulate);
      finish(dW, r0 + 3 * aRow, c30, scale2, accumulate); finish(dW, r0 + 3 * aRow + 16, c31, scale2, accumulate);
    }
    for (; i < nIn; i++) {
      for (let k = j; k < j + 4; k++) gradientEntry(d, aPrev, dW, rows, nIn, nOut, k, i, scale, accumulate);
    }
  }
  for (; j < nOut; j++) {
    for (let i = 0; i < nIn; i++) gradientEntry(d, aPrev, dW, rows, nIn, nOut, j, i, scale, accumulate);
  }
  for (let k = 0; k < nOut; k++) {
    let sum = 0.0;
    for (let s = 0; s < rows; s++) sum += load<f64>(d + ((<usize>s * <usize>nOut + <usize>k) << 3));
    const o = <usize>k << 3;
    store<f64>(db + o, accumulate ? load<f64>(db + o) + sum * scale : sum * scale);
  }
}

function gradientEntry(
  d: usize, aPrev: usize, dW: usize, rows: i32, nIn: i32, nOut: i32, j: i32, i: i32, scale: f64, accumulate: bool,
): void {
  let sum = 0.0;
  for (let s = 0; s < rows; s++) {
    sum += load<f64>(d + ((<usize>s * <usize>nOut + <usize>j) << 3)) * load<f64>(aPrev + ((<usize>s * <usize>nIn + <usize>i) << 3));
  }
  const o = (<usize>j * <usize>nIn + <usize>i) << 3;
  store<f64>(dW + o, accumulate ? load<f64>(dW + o) + sum * scale : sum * scale);
}
