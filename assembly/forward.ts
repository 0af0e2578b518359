// Dense forward pass over a batch, row-major:  Z = A_prev·Wᵀ + b,  A = f(Z).
// Batches of 4 rows or more pack four rows of A at a time and run the shared micro-kernel
// (packedForward, microkernel.ts); what is left (single samples, the last rows % 4, the last
// nOut % 4 units, and everything in the portable build) is one dot() of two contiguous rows per
// Z[s,j]. The activation is one pass afterwards.
import { activateRange, SOFTMAX } from "./activation";
import { results, scratch, SCRATCH_BYTES } from "./scratch";
import { block4x4, madd } from "./microkernel";

@inline function hsum(v: v128): f64 {
  return f64x2.extract_lane(v, 0) + f64x2.extract_lane(v, 1);
}

@inline function emit(z: usize, at: usize, value: f64): void {
  store<f64>(z + (at << 3), value);
}

// Σ_i x[i]·y[i] with two vector accumulators.
@inline export function dot(x: usize, y: usize, n: i32): f64 {
  if (ASC_FEATURE_SIMD) {
    let acc0 = f64x2.splat(0);
    let acc1 = f64x2.splat(0);
    let i = 0;
    for (; i + 4 <= n; i += 4) {
      const o = <usize>i << 3;
      acc0 = madd(acc0, v128.load(x + o), v128.load(y + o));
      acc1 = madd(acc1, v128.load(x + o, 16), v128.load(y + o, 16));
    }
    let sum = hsum(f64x2.add(acc0, acc1));
    for (; i < n; i++) {
      const o = <usize>i << 3;
      sum += load<f64>(x + o) * load<f64>(y + o);
    }
    return sum;
  } else {
    let sum = 0.0;
    for (let i = 0; i < n; i++) {
      const o = <usize>i << 3;
      sum += load<f64>(x + o) * load<f64>(y + o);
    }
    return sum;
  }
}

// Rows of W kept hot in L2 while every block of 4 samples passes over them (2 MiB L2 here; a
// quarter of it leaves room for the packed samples and the outputs).
const PANEL_BYTES: usize = 512 * 1024;

export function denseForward(
  aPrev: usize, w: usize, b: usize, z: usize, a: usize,
  rows: i32, nIn: i32, nOut: i32, act: i32,
): void {
  denseForwardUnits(aPrev, w, b, z, rows, nIn, nOut, 0, nOut);
  // One pass for the activation: it costs rows·nOut next to the rows·nIn·nOut above, and keeps a
  // single copy of each activation function in the module.
  if (act == SOFTMAX) softmaxRows(z, a, rows, nOut);
  else activateRange(z, a, rows * nOut, act);
}

/** Z[:, j0..j1) only (a thread's share, network.ts; j0 and j1 multiples of 4 or nOut): no activation. */
export function denseForwardUnits(
  aPrev: usize, w: usize, b: usize, z: usize, rows: i32, nIn: i32, nOut: i32, j0: i32, j1: i32,
): void {
  const rowBytes = <usize>nIn << 3;
  let blockRows = 0; // the rows done by the micro-kernel; the rest are dot products
  const outBlocks = nOut & ~3; // units [0, outBlocks) of those rows use the micro-kernel
  if (ASC_FEATURE_SIMD && rows >= 4 && nOut >= 4 && <usize>nIn << 5 <= SCRATCH_BYTES) {
    blockRows = rows & ~3;
    if (j0 < outBlocks) packedForward(aPrev, w, b, z, rows, nIn, nOut, j0, min(j1, outBlocks));
  }
  const blockEnd = blockRows > 0 ? max(j0, outBlocks) : j0;
  for (let s = 0; s < rows; s++) {
    const x = aPrev + <usize>s * rowBytes;
    for (let j = s < blockRows ? blockEnd : j0; j < j1; j++) {
      emit(z, <usize>s * <usize>nOut + <usize>j, dot(x, w + <usize>j * rowBytes, nIn) + load<f64>(b + (<usize>j << 3)));
    }
  }
}

/** a = f(z) for units [j0, j1) of every row (not softmax). */
export function activateUnits(z: usize, a: usize, rows: i32, n: i32, act: i32, j0: i32, j1: i32): void {
  if (j0 == 0 && j1 == n) { activateRange(z, a, rows * n, act); return; }
  for (let s = 0; s < rows; s++) {
    const o = (<usize>s * <usize>n + <usize>j0) << 3;
    activateRange(z + o, a + o, j1 - j0, act);
  }
}

// Rows of A are packed four at a time, transposed ([i][4 samples], scratch.ts), as many blocks as
// the scratch region holds; then for each panel of W's rows [j0, j1) every packed block runs the
// shared micro-kernel: per input i one vector pair of four samples times four broadcast weights.
// Each (sample, unit) sum runs over i in order, in one lane. denseForwardUnits does the last
// rows % 4 samples and nOut % 4 units with dot().
function packedForward(aPrev: usize, w: usize, b: usize, z: usize, rows: i32, nIn: i32, nOut: i32, j0: i32, j1: i32): void {
  const rowBytes = <usize>nIn << 3, zRow = <usize>nOut << 3;
  const blocks = rows >> 2, blockBytes = <usize>nIn << 5;
  const chunk = <i32>min<usize>(<usize>blocks, SCRATCH_BYTES / blockBytes);
  const panel = max<i32>(4, <i32>(PANEL_BYTES / max<usize>(rowBytes, 8)) & ~3);
  const packed = scratch(), block = results();
  for (let sb0 = 0; sb0 < blocks; sb0 += chunk) {
    const sb1 = min(blocks, sb0 + chunk);
    for (let sb = sb0; sb < sb1; sb++) {
      const src = aPrev + <usize>(sb << 2) * rowBytes;
      let dst = packed + <usize>(sb - sb0) * blockBytes;
      for (let i: usize = 0; i < rowBytes; i += 8) {
        v128.store(dst, f64x2.replace_lane(v128.load64_splat(src + i), 1, load<f64>(src + rowBytes + i)));
        v128.store(dst, f64x2.replace_lane(v128.load64_splat(src + 2 * rowBytes + i), 1, load<f64>(src + 3 * rowBytes + i)), 16);
        dst += 32;
      }
    }
    for (let p0 = j0; p0 < j1; p0 += panel) {
      const p1 = min(j1, p0 + panel);
      for (let sb = sb0; sb < sb1; sb++) {
        for (let j = p0; j < p1; j += 4) {
          block4x4(packed + <usize>(sb - sb0) * blockBytes, 32, w + <usize>j * rowBytes, rowBytes, 8, nIn); // row k: unit j + k, four samples
          const zs = z + <usize>(sb << 2) * zRow + (<usize>j << 3);
          for (let k: usize = 0; k < 4; k++) storeColumn(block, zs + (k << 3), zRow, k, load<f64>(b + ((<usize>j + k) << 3)));
        }
      }
    }
  }
}

// One unit's sums for four samples (results() row k) plus its bias, down a column of Z.
@inline function storeColumn(block: usize, at: usize, zRow: usize, k: usize, bias: f64): void {
  const row = block + (k << 5);
  store<f64>(at, load<f64>(row) + bias);
  store<f64>(at + zRow, load<f64>(row, 8) + bias);
  store<f64>(at + 2 * zRow, load<f64>(row, 16) + bias);
  store<f64>(at + 3 * zRow, load<f64>(row, 24) + bias);
}

// a = exp(z − max z) / Σ exp(z − max z), row by row: never overflows, and the largest term is 1.
export function softmaxRows(z: usize, a: usize, rows: i32, n: i32): void {
  for (let s = 0; s < rows; s++) {
    const zr = z + ((<usize>s * <usize>n) << 3);
    const ar = a + ((<usize>s * <usize>n) << 3);
    let max = -Infinity;
    for (let k = 0; k < n; k++) max = Math.max(max, load<f64>(zr + (<usize>k << 3)));
    let sum = 0.0;
    for (let k = 0; k < n; k++) {
      const e = Math.exp(load<f64>(zr + (<usize>k << 3)) - max);
      store<f64>(ar + (<usize>k << 3), e);
      sum += e;
    }
    for (let k = 0; k < n; k++) store<f64>(ar + (<usize>k << 3), load<f64>(ar + (<usize>k << 3)) / sum);
  }
}
