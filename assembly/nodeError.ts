// Node errors travel backwards: deltas of a layer from its node errors, d = e ⊙ f'(z), and the
// previous layer's node errors from these deltas, E_{l−1} = D_l · W_l (row-major, per sample).
import { derivative, LEAKY_RELU, LEAKY_SLOPE, RELU, SOFTMAX } from "./activation";
import { scratch, SCRATCH_BYTES, packColumns4 } from "./scratch";
import { block1x4, block4x4, copyBlockRow } from "./microkernel";

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
  let i: usize = 0;
  if (ASC_FEATURE_SIMD && (act == RELU || act == LEAKY_RELU)) { // f' is 1 or the slope, chosen by z > 0: two lanes at a time
    const one = f64x2.splat(1), zero = f64x2.splat(0);
    const slope = f64x2.splat(act == RELU ? 0 : LEAKY_SLOPE);
    for (; i + 2 <= count; i += 2) {
      const o = i << 3;
      const slopeOrOne = v128.bitselect(one, slope, f64x2.gt(v128.load(z + o), zero));
      v128.store(d + o, f64x2.mul(v128.load(e + o), slopeOrOne));
    }
  }
  for (; i < count; i++) {
    const o = i << 3;
    store<f64>(d + o, load<f64>(e + o) * derivative(act, load<f64>(z + o), load<f64>(a + o)));
  }
}

/** d = e ⊙ f'(z) for units [c0, c1) of every row (not softmax): a thread's share of the columns it just propagated. */
export function hiddenDeltasUnits(e: usize, z: usize, a: usize, d: usize, rows: i32, n: i32, act: i32, c0: i32, c1: i32): void {
  if (c0 == 0 && c1 == n) { hiddenDeltas(e, z, a, d, rows, n, act); return; }
  for (let s = 0; s < rows; s++) {
    const o = (<usize>s * <usize>n + <usize>c0) << 3;
    hiddenDeltas(e + o, z + o, a + o, d + o, 1, c1 - c0, act);
  }
}

// ePrev[s,i] = Σ_j d[s,j]·w[j,i]. A 4-sample × 4-input block (8 f64x2 accumulators) walks down
// the rows of W. For batches worth it, each panel of W's columns is first packed (scratch.ts) so
// the walk is sequential and stays in L2 while every block of samples passes over it.
const PANEL_BYTES: i32 = 512 * 1024;
const PACK_MIN_ROWS: i32 = 8;

export function propagateErrors(d: usize, w: usize, ePrev: usize, rows: i32, nIn: i32, nOut: i32): void {
  propagateErrorsInputs(d, w, ePrev, rows, nIn, nOut, 0, nIn);
}

/** Columns [c0, c1) of E only (a thread's share, network.ts; c0 and c1 multiples of 4 or nIn). */
export function propagateErrorsInputs(d: usize, w: usize, ePrev: usize, rows: i32, nIn: i32, nOut: i32, c0: i32, c1: i32): void {
  const wRow = <usize>nIn << 3;
  const inBlocks = nIn & ~3;
  const panel = max<i32>(4, (PANEL_BYTES / (max(nOut, 1) << 3)) & ~3);
  const packed = rows >= PACK_MIN_ROWS && <usize>panel * (<usize>nOut << 3) <= SCRATCH_BYTES;
  const blockEnd = min(c1, inBlocks);
  const packedW = scratch();
  for (let i0 = c0; i0 < blockEnd; i0 += panel) {
    const i1 = min(blockEnd, i0 + panel);
    if (packed) {
      const blockBytes = <usize>nOut << 5; // one 4-column block: nOut rows × 32 bytes
      for (let i = i0; i < i1; i += 4) packColumns4(packedW + <usize>((i - i0) >> 2) * blockBytes, w + (<usize>i << 3), wRow, nOut);
      errorPanel(d, packedW, ePrev, rows, nIn, nOut, i0, i1, blockBytes, 32, true);
    } else {
      errorPanel(d, w, ePrev, rows, nIn, nOut, i0, i1, 0, wRow, false);
    }
  }
  for (let i = max(c0, inBlocks); i < c1; i++) propagateColumn(d, w, ePrev, 0, rows, i, nIn, nOut);
}

// The columns [i0, i1) of E. Column block i's W values for unit j are at
//   packed:   base + ((i − i0)/4)·blockStep + j·32
//   unpacked: base + i·8 + j·jStep   (base = W)
function errorPanel(
  d: usize, base: usize, ePrev: usize, rows: i32, nIn: i32, nOut: i32, i0: i32, i1: i32,
  blockStep: usize, jStep: usize, packed: bool,
): void {
  if (ASC_FEATURE_SIMD) {
    const wRow = <usize>nIn << 3;
    const dRow = <usize>nOut << 3;
    let s = 0;
    for (; s + 4 <= rows; s += 4) {
      const d0 = d + <usize>s * dRow;
      const e0 = ePrev + <usize>s * wRow, e1 = e0 + wRow, e2 = e1 + wRow, e3 = e2 + wRow;
      for (let i = i0; i < i1; i += 4) {
        const pw = packed ? base + <usize>((i - i0) >> 2) * blockStep : base + (<usize>i << 3);
        block4x4(pw, jStep, d0, dRow, 8, nOut); // row k: sample s + k, inputs i..i+3
        const io = <usize>i << 3;
        copyBlockRow(0, e0 + io); copyBlockRow(1, e1 + io); copyBlockRow(2, e2 + io); copyBlockRow(3, e3 + io);
      }
    }
    for (; s < rows; s++) { // the last rows % 4 samples: one sample × 4 inputs
      const dr = d + <usize>s * dRow;
      for (let i = i0; i < i1; i += 4) {
        block1x4(packed ? base + <usize>((i - i0) >> 2) * blockStep : base + (<usize>i << 3), jStep, dr, 8, nOut);
        copyBlockRow(0, ePrev + <usize>s * wRow + (<usize>i << 3));
      }
    }
  } else {
    const wRow = <usize>nIn << 3;
    const dRow = <usize>nOut << 3;
    for (let s = 0; s < rows; s++) {
      const dr = d + <usize>s * dRow;
      for (let i = i0; i < i1; i++) {
        // W[j, i] is at pw + j·jStep (the addressing above, plus i's place in its block of 4)
        const block = packed ? base + <usize>((i - i0) >> 2) * blockStep : base + (<usize>(i & ~3) << 3);
        const pw = block + (<usize>(i & 3) << 3);
        let sum = 0.0;
        for (let j = 0; j < nOut; j++) sum += load<f64>(dr + (<usize>j << 3)) * load<f64>(pw + <usize>j * jStep);
        store<f64>(ePrev + <usize>s * wRow + (<usize>i << 3), sum);
      }
    }
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
