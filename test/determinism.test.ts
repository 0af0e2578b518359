// The same seed gives the same network on every run and every backend, and the same training
// trace; a different seed gives a different network.
import { describe, expect, it } from "vitest";
import { Network, SGD, type BackendName } from "../src/index.js";
import { BACKENDS } from "./helpers.js";

const options = (seed: number, backend: BackendName) => ({
  inputSize: 5, seed, backend, loss: "crossEntropy" as const,
  layers: [{ size: 7, activation: "relu" as const }, { size: 3, activation: "softmax" as const }],
});

const inputs = Array.from({ length: 6 }, (_, s) => Array.from({ length: 5 }, (_, i) => Math.sin(s * 5 + i)));
const targets = Array.from({ length: 6 }, (_, s) => [0, 1, 2].map((k) => (k === s % 3 ? 1 : 0)));

async function trace(seed: number, backend: BackendName): Promise<number[]> {
  const net = await Network.create(options(seed, backend));
  const sgd = new SGD(net, { lr: 0.1, momentum: 0.9 });
  const losses: number[] = [];
  for (let t = 0; t < 20; t++) {
    sgd.zeroGrad();
    net.forward(inputs);
    losses.push(net.backward(targets));
    sgd.step();
  }
  return [...losses, ...net.toJSON().layers.flatMap((l) => [...l.weights, ...l.biases])];
}

describe("determinism", () => {
  it("the same seed gives identical initial weights on every backend", async () => {
    const models = await Promise.all(BACKENDS.map(async (b) => (await Network.create(options(42, b))).toJSON()));
    for (const model of models.slice(1)) expect(model).toEqual(models[0]);
    expect((await Network.create(options(42, "wasm"))).toJSON()).toEqual(models[0]);
  });

  it("a different seed gives different weights", async () => {
    const a = (await Network.create(options(1, "ts"))).toJSON();
    const b = (await Network.create(options(2, "ts"))).toJSON();
    expect(a.layers[0]!.weights).not.toEqual(b.layers[0]!.weights);
  });

  it("initial weights follow the init rule: he for relu, xavier otherwise, zero biases", async () => {
    const net = await Network.create(options(3, "ts"));
    const heLimit = Math.sqrt(6 / 5), layer1Xavier = Math.sqrt(6 / (5 + 7)), xavierLimit = Math.sqrt(6 / (7 + 3));
    const w1 = Array.from(net.weights(1).data), w2 = Array.from(net.weights(2).data);
    expect(Math.max(...w1.map(Math.abs))).toBeLessThanOrEqual(heLimit);
    expect(Math.max(...w1.map(Math.abs))).toBeGreaterThan(layer1Xavier); // drawn from the wider he range, not xavier's
    expect(Math.max(...w2.map(Math.abs))).toBeLessThanOrEqual(xavierLimit);
    expect(Array.from(net.biases(1))).toEqual(new Array(7).fill(0));
  });

  it.each(BACKENDS)("training traces repeat exactly on %s", async (backend) => {
    expect(await trace(11, backend)).toEqual(await trace(11, backend));
  });

  it("a network created without a seed records the one it drew", async () => {
    const { seed: _omit, ...rest } = options(0, "ts");
    const net = await Network.create(rest);
    expect(Number.isInteger(net.seed)).toBe(true);
    const again = await Network.create({ ...rest, seed: net.seed! });
    expect(again.toJSON()).toEqual(net.toJSON());
  });
});
