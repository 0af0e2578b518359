// Gradients as the batch mean:  dW = (1/B)·Dᵀ·A_prev,  db = (1/B)·Σ_s D[s,:].
// What happens to each gradient value g is the `mode`:
//   STORE       dW = g                      (fit(): spares the zeroing sweep)
//   ACCUMULATE  dW += g                     (the loss.backward() convention: zeroGrad between steps)
//   APPLY_SGD   W −= lr·(g + wd·W)          (fit() with plain SGD: the gradient is never written,
//                                            which saves two sweeps over the parameters per batch;
//                                            the same arithmetic as sgdStep, so the same bits)
//
// dW[j, i..i+3] for four outputs j is a sum over samples of D[s,j]·A[s, i..i+3]: a 4 × 4 block of
// 8 f64x2 accumulators walks down the samples. For batches worth it, A's and D's 4-column blocks
// are first packed contiguously (scratch.ts), so that walk is sequential whatever the row strides.
// A panel of D's columns narrow enough to stay in L1 meets every block of A in turn; for each
// block of A the whole panel runs, so the panel's rows of W (read and written by APPLY_SGD) advance
// together along their length and stream through the cache in order.

const PANEL_BYTES: i32 = 32 * 1024;
const PACK_MIN_ROWS: i32 = 8;

import { results, scratch, SCRATCH_BYTES, packColumns4 } from "./scratch";
import { block1x4, block4x4, madd } from "./microkernel";

export const STORE: i32 = 0;
export const ACCUMULATE: i32 = 1;
export const APPLY_SGD: i32 = 2;

// finishBlock, finishPair and finish serve the SIMD branches only (the scalar branches use finishScalar).
// Not inlined on purpose: one copy of the three modes serves every block (the call is paid once
// per 16 gradient values, each of which took `rows` multiply-adds).
function finishBlock(block: usize, dW: usize, rowBytes: usize, scale: v128, mode: i32, lr: v128, wd: v128): void {
  for (let k: usize = 0; k < 4; k++) {
    finish(dW, v128.load(block + (k << 5)), scale, mode, lr, wd);
    finish(dW + 16, v128.load(block + (k << 5), 16), scale, mode, lr, wd);
    dW += rowBytes;
  }
}

// block4x4's loop over packed blocks (both streams step 32 bytes; same sums in the same order),
// with the finish applied to the accumulators where they are. A batch of 32 walks only 32 steps
// per block, and the round trip through BLOCK plus finishBlock's call cost a fifth of that.
function gradientBlock(pa: usize, pd: usize, count: i32, dW: usize, rowBytes: usize, scale: v128, mode: i32, lr: v128, wd: v128): void {
  let c00 = f64x2.splat(0), c01 = f64x2.splat(0);
  let c10 = f64x2.splat(0), c11 = f64x2.splat(0);
  let c20 = f64x2.splat(0), c21 = f64x2.splat(0);
  let c30 = f64x2.splat(0), c31 = f64x2.splat(0);
  for (let t = 0; t < count; t++) {
    const xa = v128.load(pa), xb = v128.load(pa, 16);
    let v = v128.load64_splat(pd);
    c00 = madd(c00, v, xa); c01 = madd(c01, v, xb);
    v = v128.load64_splat(pd, 8);
    c10 = madd(c10, v, xa); c11 = madd(c11, v, xb);
    v = v128.load64_splat(pd, 16);
    c20 = madd(c20, v, xa); c21 = madd(c21, v, xb);
    v = v128.load64_splat(pd, 24);
    c30 = madd(c30, v, xa); c31 = madd(c31, v, xb);
    pa += 32; pd += 32;
  }
  finish(dW, c00, scale, mode, lr, wd); finish(dW + 16, c01, scale, mode, lr, wd);
  dW += rowBytes;
  finish(dW, c10, scale, mode, lr, wd); finish(dW + 16, c11, scale, mode, lr, wd);
  dW += rowBytes;
  finish(dW, c20, scale, mode, lr, wd); finish(dW + 16, c21, scale, mode, lr, wd);
  dW += rowBytes;
  finish(dW, c30, scale, mode, lr, wd); finish(dW + 16, c31, scale, mode, lr, wd);
}

function finishPair(dW: usize, c0: v128, c1: v128, scale: v128, mode: i32, lr: v128, wd: v128): void {
  finish(dW, c0, scale, mode, lr, wd); finish(dW + 16, c1, scale, mode, lr, wd);
}

@inline function finish(dW: usize, sum: v128, scale: v128, mode: i32, lr: v128, wd: v128): void {
  const g = f64x2.mul(sum, scale);
  if (mode == STORE) v128.store(dW, g);
  else if (mode == ACCUMULATE) v128.store(dW, f64x2.add(v128.load(dW), g));
  else {
    const p = v128.load(dW);
    v128.store(dW, f64x2.sub(p, f64x2.mul(lr, f64x2.add(g, f64x2.mul(wd, p)))));
  }
}

function finishScalar(dW: usize, sum: f64, scale: f64, mode: i32, lr: f64, wd: f64): void {
  const g = sum * scale;
  if (mode == STORE) store<f64>(dW, g);
  else if (mode == ACCUMULATE) store<f64>(dW, load<f64>(dW) + g);
  else {
    const p = load<f64>(dW);
    store<f64>(dW, p - lr * (g + wd * p));
  }
}

/** dW, db from D and A_prev, treated per `mode` (lr and weightDecay matter only for APPLY_SGD). */
export function weightGradients(
  d: usize, aPrev: usize, dW: usize, db: usize, rows: i32, nIn: i32, nOut: i32, mode: i32, lr: f64, weightDecay: f64,
): void {
  weightGradientsUnits(d, aPrev, dW, db, rows, nIn, nOut, mode, lr, weightDecay, 0, nOut);
}

/** Rows [j0, j1) of dW and db only (a thread's share, network.ts; j0 and j1 multiples of 4 or nOut). */
export function weightGradientsUnits(
  d: usize, aPrev: usize, dW: usize, db: usize, rows: i32, nIn: i32, nOut: i32, mode: i32, lr: f64, weightDecay: f64,
  j0: i32, j1: i32,
): void {
  if (j0 >= j1) return;
  const aRow = <usize>nIn << 3;
  if (ASC_FEATURE_SIMD) {
    const scale = 1.0 / <f64>rows;
    const scale2 = f64x2.splat(scale);
    const lr2 = f64x2.splat(lr), wd2 = f64x2.splat(weightDecay);
    if (rows == 1) {
      outerProduct(d + (<usize>j0 << 3), aPrev, dW + <usize>j0 * aRow, nIn, j1 - j0, mode, lr, weightDecay);
      for (let k = j0; k < j1; k++) finishScalar(db + (<usize>k << 3), 0.0 + load<f64>(d + (<usize>k << 3)), 1.0, mode, lr, weightDecay);
      return;
    }
    const dRow = <usize>nOut << 3;
    const inBlocks = nIn & ~3;
    const blockEnd = min(j1, nOut & ~3); // units [j0, blockEnd) go four at a time
    const block = results();
    const blockBytes = <usize>rows << 5; // one packed 4-column block: rows × 32 bytes
    // A panel of D's columns (outputs) small enough to stay in L1 while A's blocks pass by.
    const panel = max<i32>(4, (PANEL_BYTES / (rows << 3)) & ~3);
    const panelBytes = <usize>(panel >> 2) * blockBytes;
    // As many of A's 4-column blocks as scratch holds beside that panel (all of them, usually).
    const chunk = <i32>((SCRATCH_BYTES - min(SCRATCH_BYTES, panelBytes)) / blockBytes) << 2;
    if (rows >= PACK_MIN_ROWS && chunk >= 4) {
      const packedD = scratch(), packedA = packedD + panelBytes;
      for (let c0 = 0; c0 < inBlocks; c0 += chunk) {
        const c1 = min(inBlocks, c0 + chunk);
        for (let i = c0; i < c1; i += 4) packColumns4(packedA + <usize>((i - c0) >> 2) * blockBytes, aPrev + (<usize>i << 3), aRow, rows);
        for (let p0 = j0; p0 < blockEnd; p0 += panel) {
          const p1 = min(blockEnd, p0 + panel);
          for (let j = p0; j < p1; j += 4) packColumns4(packedD + <usize>((j - p0) >> 2) * blockBytes, d + (<usize>j << 3), dRow, rows);
          // For one block of A, every block of the panel: the panel's rows of W advance together
          // along their length, so W streams through the cache in order.
          for (let i = c0; i < c1; i += 4) {
            const pa = packedA + <usize>((i - c0) >> 2) * blockBytes;
            for (let j = p0; j < p1; j += 4) {
              // row k: unit j + k, inputs i..i+3
              gradientBlock(pa, packedD + <usize>((j - p0) >> 2) * blockBytes, rows, dW + <usize>j * aRow + (<usize>i << 3), aRow, scale2, mode, lr2, wd2);
            }
          }
        }
        for (let j = max(j0, blockEnd); j < j1; j++) { // the last nOut % 4 outputs: one output × 4 inputs
          for (let i = c0; i < c1; i += 4) {
            block1x4(packedA + <usize>((i - c0) >> 2) * blockBytes, 32, d + (<usize>j << 3), dRow, rows);
            finishPair(dW + <usize>j * aRow + (<usize>i << 3), v128.load(block), v128.load(block, 16), scale2, mode, lr2, wd2);
          }
        }
      }
    } else {
      for (let j = j0; j < blockEnd; j += 4) {
        for (let i = 0; i < inBlocks; i += 4) {
          block4x4(aPrev + (<usize>i << 3), aRow, d + (<usize>j << 3), 8, dRow, rows);
          finishBlock(block, dW + <usize>j * aRow + (<usize>i << 3), aRow, scale2, mode, lr2, wd2);
        }
      }
      for (let j = max(j0, blockEnd); j < j1; j++) {
        for (let i = 0; i < inBlocks; i += 4) {
          block1x4(aPrev + (<usize>i << 3), aRow, d + (<usize>j << 3), dRow, rows);
          finishPair(dW + <usize>j * aRow + (<usize>i << 3), v128.load(block), v128.load(block, 16), scale2, mode, lr2, wd2);
        }
      }
    }
    for (let i = inBlocks; i < nIn; i++) { // the last nIn % 4 inputs
      for (let j = j0; j < j1; j++) gradientEntry(d, aPrev, dW, rows, nIn, nOut, j, i, scale, mode, lr, weightDecay);
    }
    biasGradients(d, db, rows, nOut, j0, j1, scale, mode, lr, weightDecay);
  } else {
    const scale = 1.0 / <f64>rows;
    if (rows == 1) {
      outerProduct(d + (<usize>j0 << 3), aPrev, dW + <usize>j0 * aRow, nIn, j1 - j0, mode, lr, weightDecay);
    } else {
      for (let j = j0; j < j1; j++) {
        for (let i = 0; i < nIn; i++) gradientEntry(d, aPrev, dW, rows, nIn, nOut, j, i, scale, mode, lr, weightDecay);
      }
    }
    for (let k = j0; k < j1; k++) {
      let sum = 0.0;
      let pd = d + (<usize>k << 3);
      for (let s = 0; s < rows; s++) { sum += load<f64>(pd); pd += <usize>nOut << 3; }
      finishScalar(db + (<usize>k << 3), sum, scale, mode, lr, weightDecay);
    }
  }
}

// One sample: dW = d ⊗ a, row by row (the per-sample path of online training), one loop per mode
// so that no branch sits in the inner loop. "0 +" turns −0 into +0 exactly as the summing path
// does, so both give the same bits.
function outerProduct(d: usize, a: usize, dW: usize, nIn: i32, nOut: i32, mode: i32, lr: f64, weightDecay: f64): void {
  if (ASC_FEATURE_SIMD) {
    const zero = f64x2.splat(0), lr2 = f64x2.splat(lr), wd2 = f64x2.splat(weightDecay);
    const pairBytes = <usize>(nIn & ~1) << 3;
    let row = dW;
    for (let j = 0; j < nOut; j++) {
      const dj = load<f64>(d + (<usize>j << 3));
      const dj2 = f64x2.splat(dj);
      if (mode == APPLY_SGD) {
        for (let o: usize = 0; o < pairBytes; o += 16) {
          const g = f64x2.add(zero, f64x2.mul(dj2, v128.load(a + o)));
          const p = v128.load(row + o);
          v128.store(row + o, f64x2.sub(p, f64x2.mul(lr2, f64x2.add(g, f64x2.mul(wd2, p)))));
        }
      } else if (mode == ACCUMULATE) {
        for (let o: usize = 0; o < pairBytes; o += 16) {
          v128.store(row + o, f64x2.add(v128.load(row + o), f64x2.add(zero, f64x2.mul(dj2, v128.load(a + o)))));
        }
      } else {
        for (let o: usize = 0; o < pairBytes; o += 16) v128.store(row + o, f64x2.add(zero, f64x2.mul(dj2, v128.load(a + o))));
      }
      if (nIn & 1) finishScalar(row + pairBytes, 0.0 + dj * load<f64>(a + pairBytes), 1.0, mode, lr, weightDecay);
      row += <usize>nIn << 3;
    }
  } else {
    let row = dW;
    for (let j = 0; j < nOut; j++) {
      const dj = load<f64>(d + (<usize>j << 3));
      for (let i = 0; i < nIn; i++) {
        const o = <usize>i << 3;
        finishScalar(row + o, 0.0 + dj * load<f64>(a + o), 1.0, mode, lr, weightDecay);
      }
      row += <usize>nIn << 3;
    }
  }
}

// db[k] = (1/B)·Σ_s D[s,k] for k in [k0, k1). Summing down a column of D walks a 4 KiB stride for
// 512-wide layers, which thrashes L1, so the sums run row by row (contiguous, two lanes) into
// scratch — each one still over s in order, so the same bits — and are finished afterwards.
function biasGradients(d: usize, db: usize, rows: i32, nOut: i32, k0: i32, k1: i32, scale: f64, mode: i32, lr: f64, weightDecay: f64): void {
  const dRow = <usize>nOut << 3;
  const bytes = <usize>(k1 - k0) << 3;
  if (bytes > SCRATCH_BYTES) {
    for (let k = k0; k < k1; k++) {
      let sum = 0.0;
      let pd = d + (<usize>k << 3);
      for (let s = 0; s < rows; s++) { sum += load<f64>(pd); pd += dRow; }
      finishScalar(db + (<usize>k << 3), sum, scale, mode, lr, weightDecay);
    }
    return;
  }
  const sums = scratch();
  memory.fill(sums, 0, bytes);
  const pairs = bytes & ~15;
  for (let s = 0; s < rows; s++) {
    const row = d + <usize>s * dRow + (<usize>k0 << 3);
    let o: usize = 0;
    for (; o < pairs; o += 16) v128.store(sums + o, f64x2.add(v128.load(sums + o), v128.load(row + o)));
    for (; o < bytes; o += 8) store<f64>(sums + o, load<f64>(sums + o) + load<f64>(row + o));
  }
  for (let k = k0; k < k1; k++) finishScalar(db + (<usize>k << 3), load<f64>(sums + (<usize>(k - k0) << 3)), scale, mode, lr, weightDecay);
}

function gradientEntry(
  d: usize, aPrev: usize, dW: usize, rows: i32, nIn: i32, nOut: i32, j: i32, i: i32, scale: f64, mode: i32, lr: f64, wd: f64,
): void {
  let sum = 0.0;
  for (let s = 0; s < rows; s++) {
    sum += load<f64>(d + ((<usize>s * <usize>nOut + <usize>j) << 3)) * load<f64>(aPrev + ((<usize>s * <usize>nIn + <usize>i) << 3));
  }
  finishScalar(dW + ((<usize>j * <usize>nIn + <usize>i) << 3), sum, scale, mode, lr, wd);
}
