// Optimizer updates over one flat range of parameters p, gradients g and state, with exactly the
// semantics of test/golden/README.md (PyTorch's): weight decay is L2 (added to g).
//   sgd:  g += wd·p;  buf = μ·buf + g (buf starts at 0, so the first step gives buf = g);
//         g = nesterov ? g + μ·buf : buf;  p −= lr·g
//   adam: g += wd·p;  m = β1·m + (1−β1)·g;  v = β2·v + (1−β2)·g²;
//         p −= lr · (m / bc1) / (sqrt(v / bc2) + eps)   with bc1 = 1 − β1^t, bc2 = 1 − β2^t

// Each kernel: a two-lane SIMD loop where the build has SIMD, then one scalar loop that is both
// its tail and, in the portable build, the whole kernel.

export function sgdStep(
  p: usize, g: usize, buf: usize, n: i32, lr: f64, momentum: f64, nesterov: bool, weightDecay: f64,
): void {
  const useMomentum = momentum != 0;
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    const lr2 = f64x2.splat(lr), mu2 = f64x2.splat(momentum), wd2 = f64x2.splat(weightDecay);
    for (; i + 2 <= n; i += 2) {
      const o = <usize>i << 3;
      const pv = v128.load(p + o);
      let gv = f64x2.add(v128.load(g + o), f64x2.mul(wd2, pv));
      if (useMomentum) {
        const bv = f64x2.add(f64x2.mul(mu2, v128.load(buf + o)), gv);
        v128.store(buf + o, bv);
        gv = nesterov ? f64x2.add(gv, f64x2.mul(mu2, bv)) : bv;
      }
      v128.store(p + o, f64x2.sub(pv, f64x2.mul(lr2, gv)));
    }
  }
  for (; i < n; i++) {
    const o = <usize>i << 3;
    const pv = load<f64>(p + o);
    let gv = load<f64>(g + o) + weightDecay * pv;
    if (useMomentum) {
      const bv = momentum * load<f64>(buf + o) + gv;
      store<f64>(buf + o, bv);
      gv = nesterov ? gv + momentum * bv : bv;
    }
    store<f64>(p + o, pv - lr * gv);
  }
}

export function adamStep(
  p: usize, g: usize, m: usize, v: usize, n: i32,
  lr: f64, beta1: f64, beta2: f64, eps: f64, weightDecay: f64, bc1: f64, bc2: f64,
): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    const lr2 = f64x2.splat(lr), b12 = f64x2.splat(beta1), b22 = f64x2.splat(beta2);
    const c12 = f64x2.splat(1 - beta1), c22 = f64x2.splat(1 - beta2);
    const eps2 = f64x2.splat(eps), wd2 = f64x2.splat(weightDecay);
    const bc12 = f64x2.splat(bc1), bc22 = f64x2.splat(bc2);
    for (; i + 2 <= n; i += 2) {
      const o = <usize>i << 3;
      const pv = v128.load(p + o);
      const gv = f64x2.add(v128.load(g + o), f64x2.mul(wd2, pv));
      const mv = f64x2.add(f64x2.mul(b12, v128.load(m + o)), f64x2.mul(c12, gv));
      const vv = f64x2.add(f64x2.mul(b22, v128.load(v + o)), f64x2.mul(f64x2.mul(c22, gv), gv));
      v128.store(m + o, mv);
      v128.store(v + o, vv);
      const denom = f64x2.add(f64x2.sqrt(f64x2.div(vv, bc22)), eps2);
      v128.store(p + o, f64x2.sub(pv, f64x2.div(f64x2.mul(lr2, f64x2.div(mv, bc12)), denom)));
    }
  }
  for (; i < n; i++) {
    const o = <usize>i << 3;
    const pv = load<f64>(p + o);
    const gv = load<f64>(g + o) + weightDecay * pv;
    const mv = beta1 * load<f64>(m + o) + (1 - beta1) * gv;
    const vv = beta2 * load<f64>(v + o) + (1 - beta2) * gv * gv;
    store<f64>(m + o, mv);
    store<f64>(v + o, vv);
    store<f64>(p + o, pv - (lr * (mv / bc1)) / (Math.sqrt(vv / bc2) + eps));
  }
}

// 1 when every value in the range is finite: x·0 is 0 for finite x and NaN for ±∞ and NaN.
export function allFinite(x: usize, n: i32): bool {
  let sum = 0.0;
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    let acc = f64x2.splat(0);
    const zero = f64x2.splat(0);
    for (; i + 2 <= n; i += 2) acc = f64x2.add(acc, f64x2.mul(v128.load(x + (<usize>i << 3)), zero));
    sum = f64x2.extract_lane(acc, 0) + f64x2.extract_lane(acc, 1);
  }
  for (; i < n; i++) sum += load<f64>(x + (<usize>i << 3)) * 0;
  return sum == 0;
}

// max |x| over a range; NaN if any value is NaN (NaN propagates through the comparisons below).
export function largestMagnitude(x: usize, n: i32): f64 {
  let largest = 0.0;
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    // Four independent chains of pmax (one instruction; wasm's NaN-propagating max is several and
    // would serialise the loop). pmax drops NaNs, so they are caught apart: x ≠ x only for NaN.
    const zero = f64x2.splat(0);
    let m0 = zero, m1 = zero, m2 = zero, m3 = zero, nan = zero;
    for (; i + 8 <= n; i += 8) {
      const p = x + (<usize>i << 3);
      const v0 = v128.load(p), v1 = v128.load(p, 16), v2 = v128.load(p, 32), v3 = v128.load(p, 48);
      m0 = f64x2.pmax(m0, f64x2.abs(v0)); m1 = f64x2.pmax(m1, f64x2.abs(v1));
      m2 = f64x2.pmax(m2, f64x2.abs(v2)); m3 = f64x2.pmax(m3, f64x2.abs(v3));
      nan = v128.or(nan, v128.or(v128.or(f64x2.ne(v0, v0), f64x2.ne(v1, v1)), v128.or(f64x2.ne(v2, v2), f64x2.ne(v3, v3))));
    }
    if (v128.any_true(nan)) return NaN;
    const m = f64x2.pmax(f64x2.pmax(m0, m1), f64x2.pmax(m2, m3));
    largest = max(f64x2.extract_lane(m, 0), f64x2.extract_lane(m, 1));
  }
  for (; i < n; i++) largest = max(largest, abs(load<f64>(x + (<usize>i << 3))));
  return largest;
}
