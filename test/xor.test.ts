// Smoke test: a 2-4-1 sigmoid network learns XOR with the two-step loop.
import { describe, expect, it } from "vitest";
import { Network, SGD } from "../src/index.js";
import { BACKENDS } from "./helpers.js";

const inputs = [[0, 0], [0, 1], [1, 0], [1, 1]];
const targets = [[0], [1], [1], [0]];

describe.each(BACKENDS)("XOR on %s", (backend) => {
  it("is learned by a 2-4-1 sigmoid network", async () => {
    const net = await Network.create({
      inputSize: 2, seed: 1, backend, loss: "squaredError",
      layers: [{ size: 4, activation: "sigmoid" }, { size: 1, activation: "sigmoid" }],
    });
    const sgd = new SGD(net, { lr: 2, momentum: 0.9 });
    let first = NaN, loss = NaN;
    for (let epoch = 0; epoch < 2000; epoch++) {
      sgd.zeroGrad();
      net.forward(inputs);
      loss = net.backward(targets);
      if (epoch === 0) first = loss;
      sgd.step();
    }
    expect(loss).toBeLessThan(first / 100);
    expect(net.predict(inputs).toArray().map(([y]) => Math.round(y!))).toEqual([0, 1, 1, 0]);
  });
});
