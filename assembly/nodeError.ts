// Node errors travel backwards: deltas of a layer from its node errors, d = e ⊙ f'(z), and the
// previous layer's node errors from these deltas, E_{l−1} = D_l · W_l (row-major, per sample).
import { derivative, SOFTMAX } from "./activation";

// d = J_softmaxᵀ e for one sample: d_k = a_k (e_k − Σ_m e_m a_m).
export function softmaxJacobianRow(e: usize, a: usize, d: usize, n: i32): void {
  let dotEA = 0.0;
  for (let k = 0; k < n; k++) dotEA += load<f64>(e + (<usize>k << 3)) * load<f64>(a + (<usize>k << 3));
  for (let k = 0; k < n; k++) {
    const o = <usize>k << 3;
    store<f64>(d + o, load<f64>(a + o) * (load<f64>(e + o) - dotEA));
  }
}

export function hiddenDeltas(e: usize, z: usize, a: usize, d: usize, rows: i32, n: i32, act: i32): void {
  if (act == SOFTMAX) {
    for (let s = 0; s < rows; s++) {
      const o = (<usize>s * <usize>n) << 3;
      softmaxJacobianRow(e + o, a + o, d + o, n);
    }
    return;
  }
  const count = <usize>rows * <usize>n;
  for (let i: usize = 0; i < count; i++) {
    const o = i << 3;
    store<f64>(d + o, load<f64>(e + o) * derivative(act, load<f64>(z + o), load<f64>(a + o)));
  }
}

// ePrev[s,i] = Σ_j d[s,j]·w[j,i]. A 4-sample × 4-input block (8 f64x2 accumulators) walks down
// the rows of W, which are contiguous in i; the edges fall back to scalar loops.
export function propagateErrors(d: usize, w: usize, ePrev: usize, rows: i32, nIn: i32, nOut: i32): void {
  const wRow = <usize>nIn << 3;
  const dRow = <usize>nOut << 3;
  let s = 0;
  for (; s + 4 <= rows; s += 4) {
    const d0 = d + <usize>s * dRow, d1 = d0 + dRow, d2 = d1 + dRow, d3 = d2 + dRow;
    const e0 = ePrev + <usize>s * wRow, e1 = e0 + wRow, e2 = e1 + wRow, e3 = e2 + wRow;
    let i = 0;
    for (; i + 4 <= nIn; i += 4) {
      const io = <usize>i << 3;
      let c00 = f64x2.splat(0), c01 = f64x2.splat(0);
      let c10 = f64x2.splat(0), c11 = f64x2.splat(0);
      let c20 = f64x2.splat(0), c21 = f64x2.splat(0);
      let c30 = f64x2.splat(0), c31 = f64x2.splat(0);
      for (let j = 0; j < nOut; j++) {
        const wp = w + <usize>j * wRow + io;
        const wa = v128.load(wp), wb = v128.load(wp, 16);
        const jo = <usize>j << 3;
        let v = f64x2.splat(load<f64>(d0 + jo));
        c00 = f64x2.add(c00, f64x2.mul(v, wa)); c01 = f64x2.add(c01, f64x2.mul(v, wb));
        v = f64x2.splat(load<f64>(d1 + jo));
        c10 = f64x2.add(c10, f64x2.mul(v, wa)); c11 = f64x2.add(c11, f64x2.mul(v, wb));
        v = f64x2.splat(load<f64>(d2 + jo));
        c20 = f64x2.add(c20, f64x2.mul(v, wa)); c21 = f64x2.add(c21, f64x2.mul(v, wb));
        v = f64x2.splat(load<f64>(d3 + jo));
        c30 = f64x2.add(c30, f64x2.mul(v, wa)); c31 = f64x2.add(c31, f64x2.mul(v, wb));
      }
      v128.store(e0 + io, c00); v128.store(e0 + io, c01, 16);
      v128.store(e1 + io, c10); v128.store(e1 + io, c11, 16);
      v128.store(e2 + io, c20); v128.store(e2 + io, c21, 16);
      v128.store(e3 + io, c30); v128.store(e3 + io, c31, 16);
    }
    for (; i < nIn; i++) propagateColumn(d0, w, ePrev, s, 4, i, nIn, nOut);
  }
  if (s < rows) {
    let i = 0;
    for (; i + 2 <= nIn; i += 2) { // remaining samples, two inputs at a time
      for (let r = s; r < rows; r++) {
        const dr = d + <usize>r * dRow;
        let c = f64x2.splat(0);
        for (let j = 0; j < nOut; j++) {
          c = f64x2.add(c, f64x2.mul(f64x2.splat(load<f64>(dr + (<usize>j << 3))), v128.load(w + <usize>j * wRow + (<usize>i << 3))));
        }
        v128.store(ePrev + <usize>r * wRow + (<usize>i << 3), c);
      }
    }
    for (; i < nIn; i++) propagateColumn(d + <usize>s * dRow, w, ePrev, s, rows - s, i, nIn, nOut);
  }
}

// One input column i for `count` samples starting at sample `first` (dFirst points at its deltas).
function propagateColumn(dFirst: usize, w: usize, ePrev: usize, first: i32, count: i32, i: i32, nIn: i32, nOut: i32): void {
  for (let r = 0; r < count; r++) {
    const dr = dFirst + ((<usize>r * <usize>nOut) << 3);
    let sum = 0.0;
    for (let j = 0; j < nOut; j++) {
      sum += load<f64>(dr + (<usize>j << 3)) * load<f64>(w + ((<usize>j * <usize>nIn + <usize>i) << 3));
    }
    store<f64>(ePrev + ((<usize>(first + r) * <usize>nIn + <usize>i) << 3), sum);
  }
}
