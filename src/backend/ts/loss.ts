// Twin of assembly/loss.ts: per-sample losses and the output layer's node errors and deltas.
import { derivative, SOFTMAX } from "./activation.js";
import { softmaxJacobianRow } from "./nodeError.js";
import { LossId } from "../../abi.js";

export const { squaredError: SQUARED_ERROR, crossEntropy: CROSS_ENTROPY, binaryCrossEntropy: BINARY_CROSS_ENTROPY } = LossId;

export function outputErrors(
  m: Float64Array, loss: number, act: number, z: number, a: number, y: number, e: number, d: number,
  sampleLoss: number, rows: number, n: number,
): number {
  let total = 0;
  for (let s = 0; s < rows; s++) {
    const o = s * n;
    const zr = (z >>> 3) + o, ar = (a >>> 3) + o, yr = (y >>> 3) + o, er = (e >>> 3) + o, dr = (d >>> 3) + o;
    let sampleTotal = 0;
    if (loss === CROSS_ENTROPY) {
      // log a_k = z_k − logΣexp(z): the loss never takes log(0)
      let max = -Infinity;
      for (let k = 0; k < n; k++) max = Math.max(max, m[zr + k]!);
      let sumExp = 0, sumY = 0;
      for (let k = 0; k < n; k++) {
        sumExp += Math.exp(m[zr + k]! - max);
        sumY += m[yr + k]!;
      }
      const logSum = Math.log(sumExp) + max;
      for (let k = 0; k < n; k++) {
        const yk = m[yr + k]!, ak = m[ar + k]!;
        if (yk !== 0) sampleTotal -= yk * (m[zr + k]! - logSum);
        m[er + k] = yk !== 0 ? -yk / ak : 0;
        m[dr + k] = ak * sumY - yk;
      }
    } else if (loss === BINARY_CROSS_ENTROPY) {
      for (let k = 0; k < n; k++) {
        const zk = m[zr + k]!, yk = m[yr + k]!, ak = m[ar + k]!;
        sampleTotal += Math.max(zk, 0) - yk * zk + Math.log1p(Math.exp(-Math.abs(zk)));
        m[er + k] = (yk !== 0 ? -yk / ak : 0) + (yk !== 1 ? (1 - yk) / (1 - ak) : 0);
        m[dr + k] = ak - yk;
      }
    } else {
      for (let k = 0; k < n; k++) {
        const diff = m[ar + k]! - m[yr + k]!;
        sampleTotal += 0.5 * diff * diff;
        m[er + k] = diff;
        if (act !== SOFTMAX) m[dr + k] = diff * derivative(act, m[zr + k]!, m[ar + k]!);
      }
      if (act === SOFTMAX) softmaxJacobianRow(m, er, ar, dr, n);
    }
    m[(sampleLoss >>> 3) + s] = sampleTotal;
    total += sampleTotal;
  }
  return total;
}
