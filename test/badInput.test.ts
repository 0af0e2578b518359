// Bad input gets a typed error that says what and where, and a rejected call changes nothing.
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import {
  Adam, ConfigError, DataError, ModelFormatError, Network, NonFiniteError, SGD, ShapeError, StateError, WasmlpError,
  type BackendName, type NetworkOptions,
} from "../src/index.js";
import { BACKENDS, goldenCases } from "./helpers.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));

const base: NetworkOptions = {
  inputSize: 3, seed: 5, loss: "squaredError",
  layers: [{ size: 4, activation: "tanh" }, { size: 2, activation: "sigmoid" }],
};
const x = [[0.1, 0.2, 0.3], [0.4, -0.5, 0.6]];
const y = [[0, 1], [1, 0]];

function expectError(f: () => unknown, type: abstract new (...args: never[]) => WasmlpError, message: RegExp): void {
  let caught: unknown;
  try { f(); } catch (e) { caught = e; }
  expect(caught, "no error was thrown").toBeInstanceOf(type);
  expect((caught as Error).message).toMatch(message);
}

async function expectRejection(p: Promise<unknown>, type: abstract new (...args: never[]) => WasmlpError, message: RegExp) {
  const error = await p.then(() => undefined, (e: unknown) => e);
  expect(error, "no error was thrown").toBeInstanceOf(type);
  expect((error as Error).message).toMatch(message);
}

/** Trains a few SGD-with-momentum steps, the optimizer state being part of what must survive. */
async function trainedPair(backend: BackendName) {
  const make = async () => {
    const net = await Network.create({ ...base, backend });
    const opt = new SGD(net, { lr: 0.3, momentum: 0.9 });
    for (let t = 0; t < 3; t++) { opt.zeroGrad(); net.forward(x); net.backward(y); opt.step(); }
    return { net, opt };
  };
  return [await make(), await make()] as const;
}

/** Continues both nets identically; equal results prove weights, gradients and optimizer state were equal. */
function expectSameFuture(a: { net: Network; opt: SGD }, b: { net: Network; opt: SGD }) {
  for (const { net, opt } of [a, b]) { opt.zeroGrad(); net.forward(x); net.backward(y); opt.step(); opt.step(); }
  expect(a.net.toJSON()).toEqual(b.net.toJSON());
}

describe.each(BACKENDS)("bad input on %s", (backend) => {
  it("wrong widths, ragged rows, empty batches and non-arrays", async () => {
    const net = await Network.create({ ...base, backend });
    expectError(() => net.forward([[1, 2]]), ShapeError, /inputs: row 0 has 2 values, the network expects 3/);
    expectError(() => net.forward([[1, 2, 3], [1, 2]]), ShapeError, /inputs: row 1 has 2 values/);
    expectError(() => net.forward([]), ShapeError, /inputs: the batch is empty/);
    expectError(() => net.forward(new Float64Array(0)), ShapeError, /empty/);
    expectError(() => net.forward(new Float64Array(4)), ShapeError, /4 values is not a whole number of rows of 3/);
    expectError(() => net.forward("abc" as never), ShapeError, /expected number\[\]\[\]/);
    expectError(() => net.forward([[1, "2", 3]] as never), DataError, /inputs: row 0, column 1 is not a number/);
    net.forward(x);
    expectError(() => net.backward([[0, 1, 2], [0, 1, 2]]), ShapeError, /targets: row 0 has 3 values, the network expects 2/);
    expectError(() => net.backward([[0, 1]]), ShapeError, /targets: 1 rows, but the last forward\(\) batch had 2/);
  });

  it("NaN and Infinity in inputs and targets name row and column", async () => {
    const net = await Network.create({ ...base, backend });
    expectError(() => net.forward([[1, 2, 3], [1, NaN, 3]]), NonFiniteError, /inputs: row 1, column 1 is not finite \(got NaN\)/);
    expectError(() => net.forward(Float64Array.of(1, 2, 3, 4, 5, Infinity)), NonFiniteError, /row 1, column 2 .*Infinity/);
    net.forward(x);
    expectError(() => net.backward([[0, 1], [-Infinity, 0]]), NonFiniteError, /targets: row 1, column 0 is not finite/);
    expectError(() => net.predict([[1, 2, NaN]]), NonFiniteError, /row 0, column 2/);
  });

  it("targets outside what the loss accepts", async () => {
    const bce = await Network.create({ inputSize: 2, seed: 1, backend, loss: "binaryCrossEntropy", layers: [{ size: 1, activation: "sigmoid" }] });
    bce.forward([[1, 2]]);
    expectError(() => bce.backward([[1.5]]), DataError, /row 0, column 0 is outside \[0, 1\]/);
    const ce = await Network.create({ inputSize: 2, seed: 1, backend, loss: "crossEntropy", layers: [{ size: 2, activation: "softmax" }] });
    ce.forward([[1, 2]]);
    expectError(() => ce.backward([[-0.5, 1.5]]), DataError, /column 0 is negative/);
  });

  it("unknown names and impossible architectures", async () => {
    const create = (o: object) => Network.create({ ...base, backend, ...o } as NetworkOptions);
    await expectRejection(create({ loss: "hinge" }), ConfigError, /options.loss: unknown loss "hinge"; expected one of 'squaredError'/);
    await expectRejection(create({ layers: [{ size: 4, activation: "swish" }] }), ConfigError, /options.layers\[0\].activation: unknown activation "swish"/);
    await expectRejection(create({ layers: [{ size: 4, activation: "softmax" }, { size: 2, activation: "sigmoid" }] }), ConfigError, /layers\[0\]: softmax is only allowed on the output layer/);
    await expectRejection(create({ loss: "crossEntropy" }), ConfigError, /loss 'crossEntropy' needs a 'softmax' output layer, but the output layer is 'sigmoid'/);
    await expectRejection(create({ loss: "binaryCrossEntropy", layers: [{ size: 2, activation: "softmax" }] }), ConfigError, /needs a 'sigmoid' output/);
    await expectRejection(create({ layers: [] }), ConfigError, /layers must be a non-empty array/);
    await expectRejection(create({ layers: [{ size: 0, activation: "relu" }] }), ConfigError, /layers\[0\].size must be a positive integer/);
    await expectRejection(create({ inputSize: 2.5 }), ConfigError, /inputSize must be a positive integer/);
    await expectRejection(create({ seed: -1 }), ConfigError, /seed must be an integer/);
    await expectRejection(create({ init: "lecun" }), ConfigError, /unknown init "lecun"/);
    await expectRejection(create({ backend: "gpu" }), ConfigError, /unknown backend "gpu"/);
  });

  it("optimizer settings", async () => {
    const net = await Network.create({ ...base, backend });
    expectError(() => new SGD(net, { lr: -1 }), ConfigError, /SGD lr must be a positive number, got -1/);
    expectError(() => new SGD(net, { lr: 0.1, momentum: 1 }), ConfigError, /momentum must be in \[0, 1\)/);
    expectError(() => new SGD(net, { lr: 0.1, nesterov: true }), ConfigError, /nesterov needs a momentum/);
    expectError(() => new Adam(net, { beta2: 1 }), ConfigError, /Adam beta2 must be in \[0, 1\)/);
    expectError(() => new Adam(net, { eps: NaN }), ConfigError, /Adam eps must be a positive number, got NaN/);
  });

  it("calls out of order, on a detached optimizer and on a disposed network", async () => {
    const net = await Network.create({ ...base, backend });
    expectError(() => net.backward(y), StateError, /needs a forward\(\)/);
    expectError(() => net.nodeErrors(1), StateError, /call forward\(\) and backward\(\) first/);
    net.forward(x);
    expectError(() => net.deltas(1), StateError, /backward\(\) first/);
    net.backward(y);
    expectError(() => net.nodeErrors(3), ShapeError, /layer 3 does not exist: layers are numbered 1..2 \(0 is the input\)/);
    expectError(() => net.gradients(0), ShapeError, /layer 0 does not exist/);
    const old = new SGD(net, { lr: 0.1 });
    new Adam(net);
    expectError(() => old.step(), StateError, /replaced by a newer optimizer/);
    net.dispose();
    expectError(() => net.forward(x), StateError, /disposed/);
  });

  it("rejected calls leave parameters, gradients and optimizer state exactly as they were", async () => {
    const [a, b] = await trainedPair(backend);
    b.net.forward(x); b.net.backward(y); // b now holds gradients a does not: bring a level
    a.net.forward(x); a.net.backward(y);
    const attempts: (() => unknown)[] = [
      () => b.net.forward([[1, 2, 3], [4, 5]]),
      () => b.net.forward([[1, 2, 3], [4, NaN, 6]]),
      () => b.net.setParameters(1, { weights: [[1, 2, 3], [1, 2, 3], [1, 2, 3], [1, 2, Infinity]] }),
      () => b.net.setParameters(1, { weights: [[1, 2, 3]], biases: [0, 0, 0, 0] }),
      () => b.net.setParameters(2, { biases: [1, 2, 3] }),
      () => b.net.setParameters(2, { weights: [[1, 2, 3, 4], [1, 2, 3, 4]], biases: [0, NaN] }),
      () => new SGD(b.net, { lr: 0 }),
      () => new Adam(b.net, { lr: -1 }),
    ];
    for (const attempt of attempts) expect(attempt).toThrow(WasmlpError);
    expectSameFuture(a, b);
  });

  it("step() refuses non-finite gradients and keeps the weights", async () => {
    const net = await Network.create({ inputSize: 1, seed: 3, backend, loss: "squaredError", layers: [{ size: 1, activation: "identity" }] });
    const sgd = new SGD(net, { lr: 1e6 });
    let refused: unknown;
    for (let t = 0; t < 100 && !refused; t++) {
      const before = net.toJSON();
      sgd.zeroGrad();
      net.forward([[3]]);
      net.backward([[1]]);
      try { sgd.step(); } catch (e) {
        refused = e;
        expect(net.toJSON()).toEqual(before);
      }
    }
    expect(refused).toBeInstanceOf(NonFiniteError);
    expect((refused as Error).message).toMatch(/parameters were left unchanged/);
  });

  it("model JSON whose fields, sizes or numbers do not add up", async () => {
    const good = goldenCases().find((g) => g.name === "seed-3-4-2")!.model;
    const variant = (edit: (m: any) => void) => { const m = structuredClone(good); edit(m); return m; };
    const load = (m: unknown) => Network.fromJSON(m, { backend });
    await expectRejection(load("{not json"), ModelFormatError, /model: not valid JSON/);
    await expectRejection(load([1, 2]), ModelFormatError, /expected a JSON object/);
    await expectRejection(load(variant((m) => { m.format = "keras"; })), ModelFormatError, /model.format must be 'wasmlp-model', got "keras"/);
    await expectRejection(load(variant((m) => { m.version = 2; })), ModelFormatError, /model.version 2 is not supported; this wasmlp reads version 1/);
    await expectRejection(load(variant((m) => { m.inputSize = 4; })), ModelFormatError, /model.layers\[0\].weights has 12 numbers, the layer sizes need 16/);
    await expectRejection(load(variant((m) => { m.layers[1].biases.pop(); })), ModelFormatError, /model.layers\[1\].biases has 1 numbers, the layer sizes need 2/);
    await expectRejection(load(variant((m) => { m.layers[1].weights[5] = "0.3"; })), ModelFormatError, /model.layers\[1\].weights\[5\] must be a finite number, got "0.3"/);
    await expectRejection(load(variant((m) => { m.layers[0].weights[0] = null; })), ModelFormatError, /weights\[0\] must be a finite number, got null/);
    await expectRejection(load(variant((m) => { m.layers[0].activation = "gelu"; })), ModelFormatError, /model.layers\[0\].activation: unknown activation "gelu"/);
    await expectRejection(load(variant((m) => { m.loss = "crossEntropy"; })), ModelFormatError, /needs a 'softmax' output layer/);
    await expectRejection(load(variant((m) => { delete m.layers; })), ModelFormatError, /model.layers must be a non-empty array/);
    await expectRejection(load(variant((m) => { m.layers[0].size = -4; })), ModelFormatError, /model.layers\[0\].size must be a positive integer/);
  });
});

describe("model JSON round trip", () => {
  it.each(BACKENDS)("toJSON → fromJSON is bit-exact and accepts JSON text (%s)", async (backend) => {
    const net = await Network.create({ ...base, backend, seed: 77 });
    const text = JSON.stringify(net.toJSON());
    const back = await Network.fromJSON(text, { backend });
    expect(back.toJSON()).toEqual(net.toJSON());
    expect(Array.from(back.predict(x).data)).toEqual(Array.from(net.predict(x).data));
  });
});

describe("backend 'wasm-fma' where relaxed SIMD is missing", () => {
  // test/setup.ts switches relaxed SIMD on for this process, so ask a fresh Node (the one running
  // the tests: Node 20 keeps it off by default; where it is on, fmaSupported() says so and the
  // network is created).
  it("is refused with a BackendError that says what to do, exactly when fmaSupported() is false", () => {
    const script = `
      import { Network, fmaSupported } from "./dist/index.js";
      const supported = fmaSupported();
      try {
        await Network.create({ inputSize: 2, layers: [{ size: 1, activation: "identity" }], loss: "squaredError", backend: "wasm-fma" });
        console.log(JSON.stringify({ supported, created: true }));
      } catch (e) {
        console.log(JSON.stringify({ supported, created: false, name: e.name, code: e.code, message: e.message }));
      }`;
    const run = spawnSync(process.execPath, ["--input-type=module", "-e", script], { cwd: ROOT, encoding: "utf8" });
    expect(run.stderr).toBe("");
    const result = JSON.parse(run.stdout) as { supported: boolean; created: boolean; name?: string; code?: string; message?: string };
    expect(result.created).toBe(result.supported);
    if (!result.supported) {
      expect(result.name).toBe("BackendError");
      expect(result.code).toBe("BACKEND");
      expect(result.message).toMatch(/needs WebAssembly relaxed SIMD.*--experimental-wasm-relaxed-simd.*use backend: 'wasm'/);
    }
  });
});
