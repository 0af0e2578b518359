// Every golden case (computed by an independent float64 autograd engine) reproduced on every
// backend: forward, losses, node errors, deltas, gradients and the weights after every step.
import { describe, expect, it } from "vitest";
import { Adam, Network, SGD } from "../src/index.js";
import { BACKENDS, expectClose, goldenCases } from "./helpers.js";

describe.each(BACKENDS)("golden cases on %s", (backend) => {
  for (const g of goldenCases()) {
    describe(g.name, () => {
      it("forward z and a of every layer", async () => {
        const net = await Network.fromJSON(g.model, { backend });
        const out = net.forward(g.batch.inputs);
        g.forward.z.forEach((z, l) => expectClose(net.preActivations(l + 1).data, z.flat(), `z[${l}]`));
        g.forward.a.forEach((a, l) => expectClose(net.activations(l + 1).data, a.flat(), `a[${l}]`));
        expectClose(out.data, g.forward.a.at(-1)!.flat(), "forward() result");
      });

      it("loss, per-sample losses, node errors, deltas and gradients", async () => {
        const net = await Network.fromJSON(g.model, { backend });
        net.forward(g.batch.inputs);
        expectClose([net.backward(g.batch.targets)], [g.loss], "loss");
        expectClose(net.sampleLosses(), g.perSampleLoss, "perSampleLoss");
        g.nodeErrors.forEach((e, l) => expectClose(net.nodeErrors(l + 1).data, e.flat(), `nodeErrors[${l}]`));
        g.deltas.forEach((d, l) => expectClose(net.deltas(l + 1).data, d.flat(), `deltas[${l}]`));
        g.gradients.forEach((grad, l) => {
          const mine = net.gradients(l + 1);
          expectClose(mine.weights.data, grad.weights, `gradients[${l}].weights`);
          expectClose(mine.biases, grad.biases, `gradients[${l}].biases`);
        });
      });

      it(`weights after each of ${g.steps.length} ${g.optimizer.type} steps`, async () => {
        const net = await Network.fromJSON(g.model, { backend });
        const { type, ...settings } = g.optimizer;
        const optimizer = type === "sgd" ? new SGD(net, settings) : new Adam(net, settings);
        g.steps.forEach((step, t) => {
          optimizer.zeroGrad();
          net.forward(g.batch.inputs);
          expectClose([net.backward(g.batch.targets)], [step.lossBeforeStep], `step ${t + 1} lossBeforeStep`);
          optimizer.step();
          step.layers.forEach((layer, l) => {
            expectClose(net.weights(l + 1).data, layer.weights, `step ${t + 1} layer ${l + 1} weights`);
            expectClose(net.biases(l + 1), layer.biases, `step ${t + 1} layer ${l + 1} biases`);
          });
        });
        expect(optimizer.stepCount).toBe(g.steps.length);
      });
    });
  }
});
