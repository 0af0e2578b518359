// Finite-difference gradient checks: for every hidden activation × (output activation, loss)
// pairing, the analytic gradients of random small networks match central differences of the
// batch loss, and the input node errors match differences of each sample's own loss.
import { describe, expect, it } from "vitest";
import { Network, type Activation, type Loss, type MatrixInput } from "../src/index.js";
import { Random } from "../src/random.js";
import { BACKENDS } from "./helpers.js";

const HIDDEN: Activation[] = ["identity", "sigmoid", "tanh", "relu", "leakyRelu"];
const OUTPUTS: [Activation, Loss][] = [
  ["identity", "squaredError"], ["sigmoid", "squaredError"], ["tanh", "squaredError"], ["relu", "squaredError"],
  ["leakyRelu", "squaredError"], ["softmax", "squaredError"], ["softmax", "crossEntropy"], ["sigmoid", "binaryCrossEntropy"],
];
const H = 1e-6;

function batch(random: Random, rows: number, cols: number, loss: Loss): { inputs: number[][]; targets: number[][] } {
  const inputs = Array.from({ length: rows }, () => Array.from({ length: cols }, () => random.uniform(1.5)));
  const targets = Array.from({ length: rows }, () => {
    if (loss === "crossEntropy") { // a probability vector that is not one-hot, to exercise Σy
      const raw = Array.from({ length: 3 }, () => random.next() + 0.1);
      const sum = raw.reduce((a, b) => a + b);
      return raw.map((v) => v / sum);
    }
    return Array.from({ length: 3 }, () => (loss === "binaryCrossEntropy" ? random.next() : random.uniform(1)));
  });
  return { inputs, targets };
}

function lossAt(net: Network, inputs: MatrixInput, targets: MatrixInput): number {
  net.forward(inputs);
  return net.backward(targets);
}

/** max |a − n| / max(|n|, 1e-3) over all entries. */
function worstRelative(analytic: number[], numeric: number[]): number {
  let worst = 0;
  analytic.forEach((a, i) => { worst = Math.max(worst, Math.abs(a - numeric[i]!) / Math.max(Math.abs(numeric[i]!), 1e-3)); });
  return worst;
}

describe.each(BACKENDS)("finite-difference gradient check on %s", (backend) => {
  for (const hidden of HIDDEN) {
    for (const [output, loss] of OUTPUTS) {
      it(`${hidden} hidden, ${output} output, ${loss}`, async () => {
        const random = new Random(HIDDEN.indexOf(hidden) * 31 + OUTPUTS.findIndex(([o, l]) => o === output && l === loss));
        const net = await Network.create({
          inputSize: 4, loss, seed: 7, backend,
          layers: [{ size: 5, activation: hidden }, { size: 4, activation: hidden }, { size: 3, activation: output }],
        });
        // Lift biases off zero so relu kinks are not sat on.
        for (let l = 1; l <= 3; l++) net.setParameters(l, { biases: net.biases(l).map(() => random.uniform(0.5)) });
        const { inputs, targets } = batch(random, 3, 4, loss);

        net.zeroGrad();
        lossAt(net, inputs, targets);
        const analytic: number[] = [];
        for (let l = 1; l <= 3; l++) {
          const g = net.gradients(l);
          analytic.push(...g.weights.data, ...g.biases);
        }
        const inputErrors = Array.from(net.nodeErrors(0).data);
        const sampleLosses = Array.from(net.sampleLosses());

        const numeric: number[] = [];
        for (let l = 1; l <= 3; l++) {
          for (const part of ["weights", "biases"] as const) {
            const values = part === "weights" ? net.weights(l) : net.biases(l);
            const flat = values instanceof Float64Array ? values : values.data;
            for (let i = 0; i < flat.length; i++) {
              const probe = (delta: number) => {
                const copy = Float64Array.from(flat);
                copy[i] = copy[i]! + delta;
                net.setParameters(l, part === "weights" ? { weights: copy } : { biases: copy });
                const value = lossAt(net, inputs, targets);
                net.setParameters(l, part === "weights" ? { weights: flat } : { biases: flat });
                return value;
              };
              numeric.push((probe(H) - probe(-H)) / (2 * H));
            }
          }
        }
        expect(worstRelative(analytic, numeric)).toBeLessThan(1e-6);

        // Node errors of the inputs are per sample: ∂E_s/∂x_s.
        const numericInputErrors: number[] = [];
        inputs.forEach((row, s) => row.forEach((_, i) => {
          const probe = (delta: number) => {
            const shifted = inputs.map((r) => [...r]);
            shifted[s]![i] = shifted[s]![i]! + delta;
            lossAt(net, shifted, targets);
            return net.sampleLosses()[s]!;
          };
          numericInputErrors.push((probe(H) - probe(-H)) / (2 * H));
        }));
        expect(worstRelative(inputErrors, numericInputErrors)).toBeLessThan(1e-6);
        expect(sampleLosses.reduce((a, b) => a + b) / 3).toBeCloseTo(lossAt(net, inputs, targets), 12);
      });
    }
  }
});
