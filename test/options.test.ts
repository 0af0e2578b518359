// Every options object refuses keys it does not know — a misspelled option must never be ignored
// silently — with a ConfigError that names the key, where it was, and the nearest known option;
// and a refused call changes nothing.
import { describe, expect, it } from "vitest";
import { Adam, ConfigError, Network, SGD, trainInWorker, type BackendName } from "../src/index.js";
import { BACKENDS, blobs } from "./helpers.js";

const create = (backend: BackendName) => Network.create({
  inputSize: 4, seed: 5, backend, loss: "crossEntropy",
  layers: [{ size: 6, activation: "tanh" }, { size: 3, activation: "softmax" }],
});
const parameters = (net: Network) => net.toJSON().layers.flatMap((l) => [...l.weights, ...l.biases]);

async function refused(call: () => unknown, message: string): Promise<void> {
  let error: unknown;
  try { await call(); } catch (e) { error = e; }
  expect(error, message).toBeInstanceOf(ConfigError);
  expect((error as Error).message).toBe(message);
}

describe.each(BACKENDS)("unknown options on %s", (backend) => {
  it("are refused everywhere, with the nearest known name, and the network is left as it was", async () => {
    const { inputs, targets } = blobs(12, 3);
    const net = await create(backend);
    const before = parameters(net);
    const model = net.toJSON();
    const base = { inputSize: 4, loss: "crossEntropy" as const, layers: [{ size: 3, activation: "softmax" as const }], backend };
    const cases: [() => unknown, string][] = [
      [() => Network.create({ ...base, seeed: 1 } as never), "Network.create options: unknown option 'seeed' — did you mean 'seed'?"],
      [() => Network.create({ ...base, batch_capacity: 8 } as never), "Network.create options: unknown option 'batch_capacity' — did you mean 'batchCapacity'?"],
      [() => Network.create({ ...base, workers: 2 } as never),
        "Network.create options: unknown option 'workers'; known options: 'inputSize', 'layers', 'loss', 'seed', 'init', 'backend', 'batchCapacity', 'threads'"],
      [() => Network.create({ ...base, thread: 2 } as never), "Network.create options: unknown option 'thread' — did you mean 'threads'?"],
      [() => Network.create({ ...base, layers: [{ size: 3, activation: "softmax", actvation: "relu" }] } as never),
        "options.layers[0]: unknown option 'actvation' — did you mean 'activation'?"],
      [() => net.fit(inputs, targets, { batch_size: 4 } as never), "fit options: unknown option 'batch_size' — did you mean 'batchSize'?"],
      [() => net.fit(inputs, targets, { epoch: 4 } as never), "fit options: unknown option 'epoch' — did you mean 'epochs'?"],
      [() => net.fit(inputs, targets, { optimizer: { type: "adam", learningRate: 0.1 } } as never), "Adam options: unknown option 'learningRate' — did you mean 'lr'?"],
      [() => net.fit(inputs, targets, { optimizer: { type: "sgd", lr: 0.1, momentun: 0.9 } } as never), "SGD options: unknown option 'momentun' — did you mean 'momentum'?"],
      [() => net.fit(inputs, targets, { optimizer: "Adam" } as never), "optimizer must be 'sgd', 'adam' or a configuration object, got \"Adam\" — did you mean 'adam'?"],
      [() => net.fit(inputs, targets, { earlyStopping: { patients: 3 } } as never), "earlyStopping: unknown option 'patients' — did you mean 'patience'?"],
      [() => net.fit(inputs, targets, { schedule: { type: "step", stepsize: 2 } } as never), "schedule (step): unknown option 'stepsize' — did you mean 'stepSize'?"],
      [() => net.fit(inputs, targets, { validationData: { inputs, target: targets } } as never), "validationData: unknown option 'target' — did you mean 'targets'?"],
      [() => net.fitAsync(inputs, targets, { yieldEvery: 5 } as never), "fit options: unknown option 'yieldEvery' — did you mean 'yieldEveryMs'?"],
      [() => new SGD(net, { lr: 0.1, nesterow: true } as never), "SGD options: unknown option 'nesterow' — did you mean 'nesterov'?"],
      [() => new Adam(net, { beta_1: 0.8 } as never), "Adam options: unknown option 'beta_1' — did you mean 'beta1'?"],
      [() => net.evaluate(inputs, targets, { metric: ["accuracy"] } as never), "evaluate options: unknown option 'metric' — did you mean 'metrics'?"],
      [() => net.setParameters(1, { weight: [[1, 2, 3, 4]] } as never), "setParameters(1, …): unknown option 'weight' — did you mean 'weights'?"],
      [() => net.toJSON({ optimiser: undefined } as never), "toJSON options: unknown option 'optimiser' — did you mean 'optimizer'?"],
      [() => net.toBinary({ optimiser: undefined } as never), "toBinary options: unknown option 'optimiser' — did you mean 'optimizer'?"],
      [() => Network.fromJSON(model, { backnd: "ts" } as never), "Network.fromJSON options: unknown option 'backnd' — did you mean 'backend'?"],
      [() => Network.fromBinary(net.toBinary(), { capacity: 4 } as never), "Network.fromBinary options: unknown option 'capacity' — did you mean 'batchCapacity'?"],
      [() => trainInWorker(net, Float64Array.from(inputs.flat()), Float64Array.from(targets.flat()), { epoch: 3 } as never),
        "trainInWorker options: unknown option 'epoch' — did you mean 'epochs'?"],
    ];
    for (const [call, message] of cases) {
      await refused(call, message);
      expect(parameters(net), message).toEqual(before);
    }
    expect(net.epochsTrained).toBe(0);
  });

  it("'adam' and 'sgd' name an optimizer with its defaults", async () => {
    const { inputs, targets } = blobs(12, 4);
    const nets = await Promise.all([create(backend), create(backend), create(backend), create(backend)]);
    nets[0]!.fit(inputs, targets, { epochs: 2, optimizer: "adam" });
    nets[1]!.fit(inputs, targets, { epochs: 2, optimizer: { type: "adam", lr: 0.001 } });
    nets[2]!.fit(inputs, targets, { epochs: 2, optimizer: "sgd" });
    nets[3]!.fit(inputs, targets, { epochs: 2, optimizer: { type: "sgd", lr: 0.01 } });
    expect(parameters(nets[0]!)).toEqual(parameters(nets[1]!));
    expect(parameters(nets[2]!)).toEqual(parameters(nets[3]!));
    expect(parameters(nets[0]!)).not.toEqual(parameters(nets[2]!));
  });
});

describe("option values and refusals that keep the last batch", () => {
  it("an SGD told it is Adam (or the reverse) is refused; a refused fit() or evaluate() leaves the last batch readable", async () => {
    const net = await create("ts");
    expect(() => new SGD(net, { type: "adam", lr: 0.1 } as never)).toThrow("SGD options: type is \"adam\"; use new Adam(…) for Adam");
    expect(() => new Adam(net, { type: "sgd" } as never)).toThrow("Adam options: type is \"sgd\"; use new SGD(…) for SGD");
    const { inputs, targets } = blobs(12, 5);
    net.forward(inputs.slice(0, 2));
    const before = net.activations(1).toArray();
    expect(() => net.fit(inputs, targets, { epochz: 3 } as never)).toThrow(ConfigError);
    expect(() => net.fit(inputs, targets.slice(1))).toThrow(/11 target rows|targets/);
    expect(() => net.evaluate(inputs, targets.slice(1))).toThrow(/target rows/);
    expect(net.activations(1).toArray()).toEqual(before);
  });
});
