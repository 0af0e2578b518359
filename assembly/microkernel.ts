// The register-blocked micro-kernel behind the batched products (forward pass, node errors, and
// the gradient of small batches): a 4 × 4 block of results held in 8 f64x2 accumulators,
//
//   C[k][0..3] = Σ_t  s_k(t) · v(t)          k = 0..3, t = 0..count−1
//
// where v(t) is a vector of 4 contiguous values at pv + t·vStep and s_k(t) the scalar at
// ps + k·sStride + t·sStep. Per step: two vector loads, four broadcast loads, 8 multiply-adds;
// each result is summed in order over t in one lane. The callers differ only in what the
// streams are (see forward.ts, gradient.ts, nodeError.ts) and where the block goes. The packed
// gradient runs the same loop in gradient.ts (gradientBlock), to finish its block in registers.
// Results land in results() (per thread, scratch.ts): row k, 32 bytes, holds C[k][0..3].
import { results } from "./scratch";

/** acc + a·b: one fused multiply-add in the relaxed-SIMD build (rounded once), else a multiply and an add. */
@inline export function madd(acc: v128, a: v128, b: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f64x2.relaxed_madd(a, b, acc);
  return f64x2.add(acc, f64x2.mul(a, b));
}

export function block4x4(pv: usize, vStep: usize, ps: usize, sStride: usize, sStep: usize, count: i32): void {
  let c00 = f64x2.splat(0), c01 = f64x2.splat(0);
  let c10 = f64x2.splat(0), c11 = f64x2.splat(0);
  let c20 = f64x2.splat(0), c21 = f64x2.splat(0);
  let c30 = f64x2.splat(0), c31 = f64x2.splat(0);
  const s1 = sStride, s2 = sStride << 1, s3 = sStride * <usize>3;
  for (let t = 0; t < count; t++) {
    const xa = v128.load(pv), xb = v128.load(pv, 16);
    let v = v128.load64_splat(ps);
    c00 = madd(c00, v, xa); c01 = madd(c01, v, xb);
    v = v128.load64_splat(ps + s1);
    c10 = madd(c10, v, xa); c11 = madd(c11, v, xb);
    v = v128.load64_splat(ps + s2);
    c20 = madd(c20, v, xa); c21 = madd(c21, v, xb);
    v = v128.load64_splat(ps + s3);
    c30 = madd(c30, v, xa); c31 = madd(c31, v, xb);
    pv += vStep; ps += sStep;
  }
  v128.store(results(), c00); v128.store(results(), c01, 16);
  v128.store(results(), c10, 32); v128.store(results(), c11, 48);
  v128.store(results(), c20, 64); v128.store(results(), c21, 80);
  v128.store(results(), c30, 96); v128.store(results(), c31, 112);
}

/** One row of it, for the edges: results() row 0 = Σ_t s(t)·v(t). */
export function block1x4(pv: usize, vStep: usize, ps: usize, sStep: usize, count: i32): void {
  let c0 = f64x2.splat(0), c1 = f64x2.splat(0);
  for (let t = 0; t < count; t++) {
    const v = v128.load64_splat(ps);
    c0 = madd(c0, v, v128.load(pv));
    c1 = madd(c1, v, v128.load(pv, 16));
    pv += vStep; ps += sStep;
  }
  v128.store(results(), c0); v128.store(results(), c1, 16);
}

/** Copies results() row k (4 values) to dst. */
@inline export function copyBlockRow(k: usize, dst: usize): void {
  v128.store(dst, v128.load(results() + (k << 5)));
  v128.store(dst, v128.load(results() + (k << 5), 16), 16);
}
