// Losses, per sample, and the output layer's node errors e = ∂E_s/∂a and deltas d = ∂E_s/∂z.
// Loss ids are shared with src/loss.ts.
//   squaredError       E = ½ Σ (a − y)²            e = a − y            d = e ⊙ f'(z) (any output)
//   crossEntropy       E = −Σ y log a   (softmax)   e = −y / a           d = a·Σy − y
//   binaryCrossEntropy E = −Σ y log a + (1−y) log(1−a) (sigmoid)
//                                                   e = −y/a + (1−y)/(1−a) d = a − y
// For the two matched pairs the delta is formed directly (never through e, which is infinite when
// an output saturates) and the loss comes from z through log-sum-exp / softplus, so neither
// log(0) nor exp overflow can occur.
import { derivative, SOFTMAX } from "./activation";
import { softmaxJacobianRow } from "./nodeError";

export const SQUARED_ERROR: i32 = 0;
export const CROSS_ENTROPY: i32 = 1;
export const BINARY_CROSS_ENTROPY: i32 = 2;

// Fills e and d of the output layer and the per-sample losses; returns the summed loss.
export function outputErrors(
  loss: i32, act: i32, z: usize, a: usize, y: usize, e: usize, d: usize, sampleLoss: usize,
  rows: i32, n: i32,
): f64 {
  let total = 0.0;
  for (let s = 0; s < rows; s++) {
    const base = (<usize>s * <usize>n) << 3;
    let sampleTotal = 0.0;
    if (loss == CROSS_ENTROPY) {
      let max = -Infinity;
      for (let k = 0; k < n; k++) max = Math.max(max, load<f64>(z + base + (<usize>k << 3)));
      let sumExp = 0.0;
      let sumY = 0.0;
      for (let k = 0; k < n; k++) {
        sumExp += Math.exp(load<f64>(z + base + (<usize>k << 3)) - max);
        sumY += load<f64>(y + base + (<usize>k << 3));
      }
      const logSum = Math.log(sumExp) + max;
      for (let k = 0; k < n; k++) {
        const o = base + (<usize>k << 3);
        const yk = load<f64>(y + o), ak = load<f64>(a + o);
        if (yk != 0) sampleTotal -= yk * (load<f64>(z + o) - logSum);
        store<f64>(e + o, yk != 0 ? -yk / ak : 0.0);
        store<f64>(d + o, ak * sumY - yk);
      }
    } else if (loss == BINARY_CROSS_ENTROPY) {
      for (let k = 0; k < n; k++) {
        const o = base + (<usize>k << 3);
        const zk = load<f64>(z + o), yk = load<f64>(y + o), ak = load<f64>(a + o);
        // −[y log σ(z) + (1−y) log(1−σ(z))] = max(z, 0) − y·z + log(1 + e^{−|z|})
        sampleTotal += Math.max(zk, 0) - yk * zk + Math.log1p(Math.exp(-Math.abs(zk)));
        const ek = (yk != 0 ? -yk / ak : 0.0) + (yk != 1 ? (1 - yk) / (1 - ak) : 0.0);
        store<f64>(e + o, ek);
        store<f64>(d + o, ak - yk);
      }
    } else {
      for (let k = 0; k < n; k++) {
        const o = base + (<usize>k << 3);
        const diff = load<f64>(a + o) - load<f64>(y + o);
        sampleTotal += 0.5 * diff * diff;
        store<f64>(e + o, diff);
        if (act != SOFTMAX) store<f64>(d + o, diff * derivative(act, load<f64>(z + o), load<f64>(a + o)));
      }
      if (act == SOFTMAX) softmaxJacobianRow(e + base, a + base, d + base, n);
    }
    store<f64>(sampleLoss + (<usize>s << 3), sampleTotal);
    total += sampleTotal;
  }
  return total;
}
