// Activation functions and their derivatives, by numeric id (ids shared with src/activation.ts).
// The derivative sits beside its function; it may use z or the already computed a = f(z).

export const IDENTITY: i32 = 0;
export const SIGMOID: i32 = 1;
export const TANH: i32 = 2;
export const RELU: i32 = 3;
export const LEAKY_RELU: i32 = 4;
export const SOFTMAX: i32 = 5; // a row operation: see forward.ts (forward) and nodeError.ts (Jacobian)

export const LEAKY_SLOPE: f64 = 0.01;

@inline export function activate(act: i32, z: f64): f64 {
  if (act == SIGMOID) return 1.0 / (1.0 + Math.exp(-z));
  if (act == TANH) return Math.tanh(z);
  if (act == RELU) return z > 0 ? z : 0.0;
  if (act == LEAKY_RELU) return z > 0 ? z : LEAKY_SLOPE * z;
  return z; // identity
}

@inline export function derivative(act: i32, z: f64, a: f64): f64 {
  if (act == SIGMOID) return a * (1.0 - a);
  if (act == TANH) return 1.0 - a * a;
  if (act == RELU) return z > 0 ? 1.0 : 0.0;
  if (act == LEAKY_RELU) return z > 0 ? 1.0 : LEAKY_SLOPE;
  return 1.0; // identity
}

/** a = f(z) over n values (not softmax): one loop per activation, so no branch per value. */
export function activateRange(z: usize, a: usize, n: i32, act: i32): void {
  const end = z + (<usize>n << 3);
  const shift = a - z;
  if (act == RELU || act == LEAKY_RELU) {
    let p = z;
    if (ASC_FEATURE_SIMD) {
      const slope = f64x2.splat(LEAKY_SLOPE), zero = f64x2.splat(0);
      const leaky = act == LEAKY_RELU;
      for (; p + 16 <= end; p += 16) {
        const v = v128.load(p);
        v128.store(p + shift, v128.bitselect(v, leaky ? f64x2.mul(v, slope) : zero, f64x2.gt(v, zero)));
      }
    }
    for (; p < end; p += 8) store<f64>(p + shift, activate(act, load<f64>(p)));
  } else if (act == SIGMOID) {
    for (let p = z; p < end; p += 8) store<f64>(p + shift, activate(SIGMOID, load<f64>(p)));
  } else if (act == TANH) {
    for (let p = z; p < end; p += 8) store<f64>(p + shift, activate(TANH, load<f64>(p)));
  } else {
    memory.copy(a, z, <usize>n << 3);
  }
}
