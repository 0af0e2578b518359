// The wasm kernels (SIMD, register-blocked, different summation order) against the plain TS
// reference, on random architectures, odd widths and batch sizes that hit every block edge.
import { describe, it } from "vitest";
import fc from "fast-check";
import { Adam, Network, SGD, type Activation, type Loss } from "../src/index.js";
import { Random } from "../src/random.js";
import { expectCloseNorm } from "./helpers.js";

const HIDDEN: Activation[] = ["identity", "sigmoid", "tanh", "relu", "leakyRelu"];
const OUTPUTS: [Activation, Loss][] = [
  ["identity", "squaredError"], ["sigmoid", "squaredError"], ["tanh", "squaredError"], ["leakyRelu", "squaredError"],
  ["softmax", "squaredError"], ["softmax", "crossEntropy"], ["sigmoid", "binaryCrossEntropy"],
];

const caseArbitrary = fc.record({
  inputSize: fc.integer({ min: 1, max: 23 }),
  hidden: fc.array(fc.record({ size: fc.integer({ min: 1, max: 19 }), activation: fc.constantFrom(...HIDDEN) }), { maxLength: 3 }),
  outputSize: fc.integer({ min: 2, max: 9 }),
  output: fc.constantFrom(...OUTPUTS),
  rows: fc.integer({ min: 1, max: 13 }),
  seed: fc.integer({ min: 0, max: 0xffffffff }),
  optimizer: fc.oneof(
    fc.record({ type: fc.constant("sgd" as const), lr: fc.double({ min: 0.001, max: 0.5, noNaN: true }), momentum: fc.constantFrom(0, 0.9), nesterov: fc.boolean(), weightDecay: fc.constantFrom(0, 1e-3) }),
    fc.record({ type: fc.constant("adam" as const), lr: fc.double({ min: 1e-4, max: 0.05, noNaN: true }), weightDecay: fc.constantFrom(0, 1e-2) }),
  ),
});

type Case = typeof caseArbitrary extends fc.Arbitrary<infer T> ? T : never;

async function run(c: Case, backend: "wasm" | "ts") {
  const [activation, loss] = c.output;
  const net = await Network.create({
    inputSize: c.inputSize, loss, seed: c.seed, backend,
    layers: [...c.hidden, { size: c.outputSize, activation }],
  });
  const random = new Random(c.seed ^ 0x5eed);
  const inputs = new Float64Array(c.rows * c.inputSize).map(() => random.uniform(2));
  const targets = new Float64Array(c.rows * c.outputSize).map(() => (loss === "squaredError" ? random.uniform(1) : random.next()));
  const { type, ...settings } = c.optimizer;
  const momentum = "momentum" in settings ? settings.momentum : 0;
  const optimizer = type === "sgd"
    ? new SGD(net, { ...settings, nesterov: momentum > 0 && "nesterov" in settings && settings.nesterov })
    : new Adam(net, settings);
  const trace: { outputs: Float64Array; loss: number; nodeErrors: Float64Array[]; deltas: Float64Array[]; gradients: Float64Array[] }[] = [];
  const layers = net.layers.length;
  for (let t = 0; t < 3; t++) {
    optimizer.zeroGrad();
    const outputs = net.forward(inputs).data;
    const lossValue = net.backward(targets);
    const range = Array.from({ length: layers }, (_, l) => l + 1);
    trace.push({
      outputs, loss: lossValue,
      nodeErrors: [net.nodeErrors(0).data, ...range.map((l) => net.nodeErrors(l).data)],
      deltas: range.map((l) => net.deltas(l).data),
      gradients: range.flatMap((l) => [net.gradients(l).weights.data, net.gradients(l).biases]),
    });
    optimizer.step();
  }
  return { trace, final: net.toJSON() };
}

describe("wasm agrees with the TS backend", () => {
  it("on random architectures, batches and optimizers (≤ 1e-12 relative)", async () => {
    await fc.assert(
      fc.asyncProperty(caseArbitrary, async (c) => {
        const wasm = await run(c, "wasm");
        const ts = await run(c, "ts");
        wasm.trace.forEach((w, t) => {
          const r = ts.trace[t]!;
          expectCloseNorm(w.outputs, r.outputs, `step ${t} outputs`);
          expectCloseNorm([w.loss], [r.loss], `step ${t} loss`);
          w.nodeErrors.forEach((e, l) => expectCloseNorm(e, r.nodeErrors[l]!, `step ${t} nodeErrors(${l})`));
          w.deltas.forEach((d, l) => expectCloseNorm(d, r.deltas[l]!, `step ${t} deltas(${l + 1})`));
          w.gradients.forEach((g, i) => expectCloseNorm(g, r.gradients[i]!, `step ${t} gradient block ${i}`));
        });
        wasm.final.layers.forEach((layer, l) => {
          expectCloseNorm(layer.weights, ts.final.layers[l]!.weights, `final weights ${l + 1}`);
          expectCloseNorm(layer.biases, ts.final.layers[l]!.biases, `final biases ${l + 1}`);
        });
      }),
      { numRuns: 150, seed: 20261129 },
    );
  });

  it("on a wide layer with a large batch (the blocked SIMD paths)", async () => {
    const c: Case = {
      inputSize: 67, hidden: [{ size: 45, activation: "relu" }, { size: 33, activation: "tanh" }], outputSize: 10,
      output: ["softmax", "crossEntropy"], rows: 37, seed: 99, optimizer: { type: "adam", lr: 0.01, weightDecay: 0 },
    };
    const wasm = await run(c, "wasm");
    const ts = await run(c, "ts");
    wasm.trace.forEach((w, t) => {
      w.gradients.forEach((g, i) => expectCloseNorm(g, ts.trace[t]!.gradients[i]!, `step ${t} gradient block ${i}`));
      w.nodeErrors.forEach((e, l) => expectCloseNorm(e, ts.trace[t]!.nodeErrors[l]!, `step ${t} nodeErrors(${l})`));
    });
    wasm.final.layers.forEach((layer, l) => expectCloseNorm(layer.weights, ts.final.layers[l]!.weights, `final weights ${l + 1}`));
  });
});

describe("wasm agrees with the TS backend on batches larger than the packing scratch", () => {
  it("forward and backward on 303 rows × 1500 inputs (several packed chunks, leftover rows and units)", async () => {
    const random = new Random(7);
    const inputs = new Float64Array(303 * 1500).map(() => random.uniform(1));
    const targets = new Float64Array(303 * 9).map((_, i) => (i % 9 === 0 ? 1 : 0));
    const results = await Promise.all((["wasm", "ts"] as const).map(async (backend) => {
      const net = await Network.create({ inputSize: 1500, layers: [{ size: 9, activation: "relu" }, { size: 9, activation: "softmax" }], loss: "crossEntropy", seed: 5, backend });
      const outputs = net.forward(inputs).data;
      const loss = net.backward(targets);
      return { outputs, loss, z1: net.preActivations(1).data, dW1: net.gradients(1).weights.data, e0: net.nodeErrors(0).data };
    }));
    const [wasm, ts] = results as [typeof results[0], typeof results[0]];
    expectCloseNorm(wasm.z1, ts.z1, "z¹");
    expectCloseNorm(wasm.outputs, ts.outputs, "outputs");
    expectCloseNorm([wasm.loss], [ts.loss], "loss");
    expectCloseNorm(wasm.dW1, ts.dW1, "dW¹");
    expectCloseNorm(wasm.e0, ts.e0, "input node errors");
  });
});
