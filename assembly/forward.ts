// Dense forward pass over a batch, row-major:  Z = A_prev·Wᵀ + b,  A = f(Z).
// Batches of 8 rows or more pack four rows of A at a time and run the shared micro-kernel
// (packedForward, microkernel.ts). Smaller batches compute each Z[s,j] as the dot product of two
// contiguous rows (sample s of A_prev, row j of W) in 4-sample × 2-output blocks (block4x2) or
// one dot() at a time. The activation is one pass afterwards.
import { activateRange, SOFTMAX } from "./activation";
import { SCRATCH, SCRATCH_BYTES } from "./scratch";
import { BLOCK, block4x4 } from "./microkernel";

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
      acc0 = f64x2.add(acc0, f64x2.mul(v128.load(x + o), v128.load(y + o)));
      acc1 = f64x2.add(acc1, f64x2.mul(v128.load(x + o, 16), v128.load(y + o, 16)));
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

// Rows of W kept hot in L2 while every block of 4 samples passes over them (2 MiB L2 here; half
// of it leaves room for the samples and the outputs).
const PANEL_BYTES: usize = 512 * 1024;

export function denseForward(
  aPrev: usize, w: usize, b: usize, z: usize, a: usize,
  rows: i32, nIn: i32, nOut: i32, act: i32,
): void {
  const rowBytes = <usize>nIn << 3;
  if (ASC_FEATURE_SIMD && rows >= PACK_MIN_ROWS && nOut >= 4 && <usize>(rows & ~3) * rowBytes <= SCRATCH_BYTES) {
    packedForward(aPrev, w, b, z, rows, nIn, nOut);
    if (act == SOFTMAX) softmaxRows(z, a, rows, nOut);
    else activateRange(z, a, rows * nOut, act);
    return;
  }
  const panel = max<i32>(2, <i32>(PANEL_BYTES / max<usize>(rowBytes, 8)) & ~1);
  for (let j0 = 0; j0 < nOut; j0 += panel) {
    const j1 = min(nOut, j0 + panel);
    let s = 0;
    for (; s + 4 <= rows; s += 4) {
      const x0 = aPrev + <usize>s * rowBytes;
      let j = j0;
      for (; j + 2 <= j1; j += 2) block4x2(x0, w + <usize>j * rowBytes, b, z, s, j, nIn, nOut);
      if (j < j1) { // odd panel width: the last output for these four samples
        const wj = w + <usize>j * rowBytes;
        const bj = load<f64>(b + (<usize>j << 3));
        for (let k = 0; k < 4; k++) {
          emit(z, <usize>(s + k) * <usize>nOut + <usize>j, dot(x0 + <usize>k * rowBytes, wj, nIn) + bj);
        }
      }
    }
    for (; s < rows; s++) { // the last rows % 4 samples
      const x = aPrev + <usize>s * rowBytes;
      for (let j = j0; j < j1; j++) {
        emit(z, <usize>s * <usize>nOut + <usize>j, dot(x, w + <usize>j * rowBytes, nIn) + load<f64>(b + (<usize>j << 3)));
      }
    }
  }
  // One pass for the activation: it costs rows·nOut next to the rows·nIn·nOut above, and keeps a
  // single copy of each activation function in the module.
  if (act == SOFTMAX) softmaxRows(z, a, rows, nOut);
  else activateRange(z, a, rows * nOut, act);
}

// Batches: the rows of A are first packed four at a time, transposed ([i][4 samples], scratch.ts),
// so that the micro-kernel is the gradient's: per input i one vector pair of four samples times
// four broadcast weights, 8 f64x2 accumulators, every stream sequential. Each (sample, unit) sum
// runs over i in order, in one lane. The last rows % 4 samples and nOut % 4 units use dot().
const PACK_MIN_ROWS: i32 = 8;

function packedForward(aPrev: usize, w: usize, b: usize, z: usize, rows: i32, nIn: i32, nOut: i32): void {
  const rowBytes = <usize>nIn << 3, zRow = <usize>nOut << 3;
  const blocks = rows >> 2, blockBytes = <usize>nIn << 5;
  for (let sb = 0; sb < blocks; sb++) {
    const src = aPrev + <usize>(sb << 2) * rowBytes;
    let dst = SCRATCH + <usize>sb * blockBytes;
    for (let i: usize = 0; i < rowBytes; i += 8) {
      v128.store(dst, f64x2.replace_lane(v128.load64_splat(src + i), 1, load<f64>(src + rowBytes + i)));
      v128.store(dst, f64x2.replace_lane(v128.load64_splat(src + 2 * rowBytes + i), 1, load<f64>(src + 3 * rowBytes + i)), 16);
      dst += 32;
    }
  }
  const outBlocks = nOut & ~3;
  const panel = max<i32>(4, <i32>(PANEL_BYTES / max<usize>(rowBytes, 8)) & ~3);
  for (let j0 = 0; j0 < outBlocks; j0 += panel) {
    const j1 = min(outBlocks, j0 + panel);
    for (let sb = 0; sb < blocks; sb++) {
      for (let j = j0; j < j1; j += 4) {
        block4x4(SCRATCH + <usize>sb * blockBytes, 32, w + <usize>j * rowBytes, rowBytes, 8, nIn); // row k: unit j + k, four samples
        const zs = z + <usize>(sb << 2) * zRow + (<usize>j << 3);
        for (let k: usize = 0; k < 4; k++) storeColumn(zs + (k << 3), zRow, k, load<f64>(b + ((<usize>j + k) << 3)));
      }
    }
  }
  for (let s = 0; s < rows; s++) { // what the blocks leave: the last nOut % 4 units, the last rows % 4 samples
    const x = aPrev + <usize>s * rowBytes;
    for (let j = s < (blocks << 2) ? outBlocks : 0; j < nOut; j++) {
      emit(z, <usize>s * <usize>nOut + <usize>j, dot(x, w + <usize>j * rowBytes, nIn) + load<f64>(b + (<usize>j << 3)));
    }
  }
}

// One unit's sums for four samples (BLOCK row k) plus its bias, down a column of Z.
@inline function storeColumn(at: usize, zRow: usize, k: usize, bias: f64): void {
  const row = BLOCK + (k << 5);
  store<f64>(at, load<f64>(row) + bias);
  store<f64>(at + zRow, load<f64>(row, 8) + bias);
  store<f64>(at + 2 * zRow, load<f64>(row, 16) + bias);
  store<f64>(at + 3 * zRow, load<f64>(row, 24) + bias);
}

// Z[s..s+3, j..j+1]: 8 f64x2 accumulators; the loop is unrolled twice and walks its six streams
// with immediate offsets, which keeps address arithmetic out of most loads.
@inline function block4x2(x0: usize, w0: usize, b: usize, z: usize, s: i32, j: i32, nIn: i32, nOut: i32): void {
  if (ASC_FEATURE_SIMD) {
    const rowBytes = <usize>nIn << 3;
    let p0 = x0, p1 = x0 + rowBytes, p2 = x0 + 2 * rowBytes, p3 = x0 + 3 * rowBytes;
    let q0 = w0, q1 = w0 + rowBytes;
    let c00 = f64x2.splat(0), c01 = f64x2.splat(0);
    let c10 = f64x2.splat(0), c11 = f64x2.splat(0);
    let c20 = f64x2.splat(0), c21 = f64x2.splat(0);
    let c30 = f64x2.splat(0), c31 = f64x2.splat(0);
    const end4 = q0 + ((<usize>nIn & ~3) << 3);
    while (q0 < end4) {
      let wa = v128.load(q0), wb = v128.load(q1);
      let v = v128.load(p0);
      c00 = f64x2.add(c00, f64x2.mul(v, wa)); c01 = f64x2.add(c01, f64x2.mul(v, wb));
      v = v128.load(p1);
      c10 = f64x2.add(c10, f64x2.mul(v, wa)); c11 = f64x2.add(c11, f64x2.mul(v, wb));
      v = v128.load(p2);
      c20 = f64x2.add(c20, f64x2.mul(v, wa)); c21 = f64x2.add(c21, f64x2.mul(v, wb));
      v = v128.load(p3);
      c30 = f64x2.add(c30, f64x2.mul(v, wa)); c31 = f64x2.add(c31, f64x2.mul(v, wb));
      wa = v128.load(q0, 16); wb = v128.load(q1, 16);
      v = v128.load(p0, 16);
      c00 = f64x2.add(c00, f64x2.mul(v, wa)); c01 = f64x2.add(c01, f64x2.mul(v, wb));
      v = v128.load(p1, 16);
      c10 = f64x2.add(c10, f64x2.mul(v, wa)); c11 = f64x2.add(c11, f64x2.mul(v, wb));
      v = v128.load(p2, 16);
      c20 = f64x2.add(c20, f64x2.mul(v, wa)); c21 = f64x2.add(c21, f64x2.mul(v, wb));
      v = v128.load(p3, 16);
      c30 = f64x2.add(c30, f64x2.mul(v, wa)); c31 = f64x2.add(c31, f64x2.mul(v, wb));
      p0 += 32; p1 += 32; p2 += 32; p3 += 32; q0 += 32; q1 += 32;
    }
    if (nIn & 2) {
      const wa = v128.load(q0), wb = v128.load(q1);
      let v = v128.load(p0);
      c00 = f64x2.add(c00, f64x2.mul(v, wa)); c01 = f64x2.add(c01, f64x2.mul(v, wb));
      v = v128.load(p1);
      c10 = f64x2.add(c10, f64x2.mul(v, wa)); c11 = f64x2.add(c11, f64x2.mul(v, wb));
      v = v128.load(p2);
      c20 = f64x2.add(c20, f64x2.mul(v, wa)); c21 = f64x2.add(c21, f64x2.mul(v, wb));
      v = v128.load(p3);
      c30 = f64x2.add(c30, f64x2.mul(v, wa)); c31 = f64x2.add(c31, f64x2.mul(v, wb));
      p0 += 16; p1 += 16; p2 += 16; p3 += 16; q0 += 16; q1 += 16;
    }
    let s00 = hsum(c00), s01 = hsum(c01), s10 = hsum(c10), s11 = hsum(c11);
    let s20 = hsum(c20), s21 = hsum(c21), s30 = hsum(c30), s31 = hsum(c31);
    if (nIn & 1) { // odd fan-in: the last column
      const wa = load<f64>(q0), wb = load<f64>(q1);
      let v = load<f64>(p0); s00 += v * wa; s01 += v * wb;
      v = load<f64>(p1); s10 += v * wa; s11 += v * wb;
      v = load<f64>(p2); s20 += v * wa; s21 += v * wb;
      v = load<f64>(p3); s30 += v * wa; s31 += v * wb;
    }
    const ba = load<f64>(b + (<usize>j << 3));
    const bb = load<f64>(b + (<usize>(j + 1) << 3));
    const r = <usize>s * <usize>nOut + <usize>j;
    const n = <usize>nOut;
    emit(z, r, s00 + ba); emit(z, r + 1, s01 + bb);
    emit(z, r + n, s10 + ba); emit(z, r + n + 1, s11 + bb);
    emit(z, r + 2 * n, s20 + ba); emit(z, r + 2 * n + 1, s21 + bb);
    emit(z, r + 3 * n, s30 + ba); emit(z, r + 3 * n + 1, s31 + bb);
  } else {
    const rowBytes = <usize>nIn << 3;
    const ba = load<f64>(b + (<usize>j << 3));
    const bb = load<f64>(b + (<usize>(j + 1) << 3));
    const r = <usize>s * <usize>nOut + <usize>j;
    for (let k = 0; k < 4; k++) {
      const x = x0 + <usize>k * rowBytes;
      const at = r + <usize>k * <usize>nOut;
      emit(z, at, dot(x, w0, nIn) + ba);
      emit(z, at + 1, dot(x, w0 + rowBytes, nIn) + bb);
    }
  }
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
