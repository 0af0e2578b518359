// ONNX and safetensors, both ways. The oracles: PyTorch's own outputs for the fixtures it exported
// (test/interop/), onnxruntime (onnxruntime-web, in Node) running what wasmlp exports, and bit-exact
// round trips. Corrupt files are fuzzed: a typed error or a working network, nothing else.
import { readFileSync } from "node:fs";
import * as ort from "onnxruntime-web";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { ConfigError, ModelFormatError, Network, WasmlpError, type Activation, type BackendName } from "../src/index.js";
import { Writer } from "../src/interop/protobuf.js";
import { BACKENDS, expectClose, ROOT } from "./helpers.js";

interface Fixture { name: string; module: string; input: number[][]; output: number[][] }
const FIXTURES = ["torch-3-4-2-sigmoid-softmax", "torch-3-4-2-sigmoid", "torch-relu-tanh-leaky-identity"];
const fixture = (name: string) => JSON.parse(readFileSync(`${ROOT}test/interop/${name}.json`, "utf8")) as Fixture;
const file = (name: string) => new Uint8Array(readFileSync(`${ROOT}test/interop/${name}`));

/** The activations of the fixture's nn.Sequential, read from PyTorch's printout (identity where a Linear follows a Linear). */
function activationsOf(module: string): Activation[] {
  const names: Record<string, Activation> = { ReLU: "relu", Tanh: "tanh", Sigmoid: "sigmoid", LeakyReLU: "leakyRelu", Softmax: "softmax" };
  const modules = [...module.matchAll(/\(\d+\): (\w+)\(/g)].map((m) => m[1]!);
  const out: Activation[] = [];
  modules.forEach((m, i) => { if (m === "Linear") out.push(names[modules[i + 1] ?? ""] ?? "identity"); });
  return out;
}

const params = (net: Network) => net.toJSON().layers.flatMap((l) => [...l.weights, ...l.biases]);

beforeAll(() => { ort.env.wasm.numThreads = 1; });

async function runOnnx(bytes: Uint8Array, rows: number[][], type: "float64" | "float32"): Promise<number[]> {
  const session = await ort.InferenceSession.create(bytes);
  const data = type === "float64" ? Float64Array.from(rows.flat()) : Float32Array.from(rows.flat());
  const result = await session.run({ input: new ort.Tensor(type, data, [rows.length, rows[0]!.length]) });
  await session.release();
  return Array.from(result.output!.data as Float64Array | Float32Array);
}

describe.each(BACKENDS)("PyTorch's exports on %s", (backend: BackendName) => {
  it.each(FIXTURES)("%s: the ONNX and the safetensors file predict as PyTorch did (≤ 1e-12)", async (name) => {
    const f = fixture(name);
    const onnx = await Network.fromONNX(file(`${name}.onnx`), { backend });
    expect(onnx.layers.map((l) => l.activation)).toEqual(activationsOf(f.module));
    expectClose(onnx.predict(f.input).data, f.output.flat(), `${name}.onnx`, 1e-12);
    const st = await Network.fromSafetensors(file(`${name}.safetensors`), { backend, activations: activationsOf(f.module) });
    expectClose(st.predict(f.input).data, f.output.flat(), `${name}.safetensors`, 1e-12);
    expect(params(st)).toEqual(params(onnx)); // the same numbers from both files
  });
});

describe("export", () => {
  const shapes: [number, number[]][] = [[3, [4]], [5, [7, 3]], [2, [6, 6, 2]]];
  const activations: Activation[] = ["sigmoid", "tanh", "relu", "leakyRelu", "identity"];
  const rows = (n: number, cols: number) => Array.from({ length: n }, (_, r) => Array.from({ length: cols }, (_, c) => Math.sin(3 * r + c) * 2));

  it.each(activations.flatMap((a) => shapes.map(([inputs, sizes]) => [a, inputs, sizes] as const)))(
    "hidden %s, %i inputs → %j (softmax out): onnxruntime gives predict's numbers (float64 ≤ 1e-12, float32 ≤ 1e-5)",
    async (activation, inputSize, sizes) => {
      const net = await Network.create({
        inputSize, seed: sizes.length + inputSize, loss: "crossEntropy",
        layers: [...sizes.slice(0, -1).map((size) => ({ size, activation })), { size: sizes.at(-1)! + 1, activation: "softmax" as const }],
      });
      const x = rows(5, inputSize), expected = Array.from(net.predict(x).data);
      expectClose(await runOnnx(await net.toONNX(), x, "float64"), expected, "float64", 1e-12);
      expectClose(await runOnnx(await net.toONNX({ precision: "float32" }), x, "float32"), expected, "float32", 1e-5, 1e-6);
    });

  it.each(activations.concat("softmax"))("an output layer of %s too", async (activation) => {
    const net = await Network.create({ inputSize: 3, seed: 2, loss: activation === "softmax" ? "crossEntropy" : "squaredError", layers: [{ size: 4, activation: "tanh" }, { size: 3, activation }] });
    const x = rows(4, 3);
    expectClose(await runOnnx(await net.toONNX(), x, "float64"), Array.from(net.predict(x).data), activation, 1e-12);
  });

  it.each(BACKENDS.flatMap((b) => [[b, "sigmoid"], [b, "softmax"]] as const))("round trips are bit-exact on %s (%s out): ONNX and safetensors, metadata and loss included", async (backend, out) => {
    const loss = out === "softmax" ? "crossEntropy" : "binaryCrossEntropy";
    const net = await Network.create({ inputSize: 4, seed: 6, backend, loss, layers: [{ size: 5, activation: "leakyRelu" }, { size: 3, activation: "relu" }, { size: 2, activation: out }] });
    net.metadata = { note: "ünïcode ✓", classes: ["a", "b"] };
    for (const back of [await Network.fromONNX(await net.toONNX(), { backend }), await Network.fromSafetensors(await net.toSafetensors(), { backend })]) {
      expect(params(back).map((v) => Object.is(v, -0) ? "-0" : v)).toEqual(params(net).map((v) => Object.is(v, -0) ? "-0" : v));
      expect(back.layers).toEqual(net.layers);
      expect(back.loss).toBe(loss);
      expect(back.metadata).toEqual(net.metadata);
    }
  });

  it("standardises raw inputs and maps a standardised output back inside the graph, exactly as wasmlp does", async () => {
    const net = await Network.create({ inputSize: 2, seed: 4, loss: "squaredError", layers: [{ size: 3, activation: "tanh" }, { size: 1, activation: "identity" }] });
    const inputScaling = { mean: [10, -3], std: [2.5, 0.5] }, outputScaling = { mean: 100, std: 20 };
    const raw = [[12, -2.5], [7.5, -3.25], [10, -3]];
    const prepared = raw.map((r) => r.map((v, i) => (v - inputScaling.mean[i]!) / inputScaling.std[i]!));
    const expected = Array.from(net.predict(prepared).data, (v) => v * outputScaling.std + outputScaling.mean);
    const bytes = await net.toONNX({ inputScaling, outputScaling });
    expect(await runOnnx(bytes, raw, "float64")).toEqual(expected); // the same operations in the same order: the same bits
    // read back, the scaling is folded into the first and last layers: the network takes raw values too
    expectClose((await Network.fromONNX(bytes)).predict(raw).data, expected, "imported with folded scaling", 1e-12);
  });

  it("float32 round trips keep every activation, leaky ReLU's float32 slope included", async () => {
    const net = await Network.create({ inputSize: 3, seed: 9, loss: "squaredError", layers: [{ size: 4, activation: "leakyRelu" }, { size: 2, activation: "identity" }] });
    const back = await Network.fromONNX(await net.toONNX({ precision: "float32" }));
    expect(back.layers).toEqual(net.layers);
    expect(params(back)).toEqual(params(net).map(Math.fround));
  });
});

describe("refusals", () => {
  /** A one-node ONNX graph around `op`, for files PyTorch would not write. */
  function graph(build: (g: Writer) => void): Uint8Array {
    return new Writer().int(1, 7).message(7, build).message(8, (o) => o.string(1, "").int(2, 13)).finish();
  }
  const valueInfo = (g: Writer, field: number, name: string) => g.message(field, (v) => v.string(1, name));
  const tensor = (g: Writer, name: string, dims: number[], type: number, raw: Uint8Array) => g.message(5, (t) => {
    for (const d of dims) t.int(1, d);
    t.int(2, type).string(8, name).bytes(9, raw);
  });

  it("names the node and op it cannot read, before anything is built", async () => {
    const conv = graph((g) => {
      g.message(1, (n) => n.string(1, "input").string(1, "W").string(2, "output").string(3, "conv1").string(4, "Conv"));
      tensor(g, "W", [1, 1], 11, new Uint8Array(8));
      valueInfo(g, 11, "input"); valueInfo(g, 12, "output");
    });
    await expect(Network.fromONNX(conv)).rejects.toThrow("ONNX: node 'conv1' (Conv) is not supported: wasmlp imports MLPs made of Gemm (or MatMul + Add) layers, each followed by Relu, Tanh, Sigmoid, LeakyRelu, Softmax or nothing");
    const external = graph((g) => {
      g.message(5, (t) => t.int(1, 2).int(1, 2).int(2, 11).string(8, "W").int(14, 1));
      valueInfo(g, 11, "input"); valueInfo(g, 12, "output");
    });
    await expect(Network.fromONNX(external)).rejects.toThrow(/initializer 'W': its data is stored in an external file/);
    const int64 = graph((g) => { tensor(g, "W", [2], 7, new Uint8Array(16)); valueInfo(g, 11, "input"); valueInfo(g, 12, "output"); });
    await expect(Network.fromONNX(int64)).rejects.toThrow("ONNX: initializer 'W': data type 7 (int64); wasmlp reads float64 (11) and float32 (1)");
    const huge = graph((g) => { tensor(g, "W", [1e6, 1e6], 11, new Uint8Array(8)); valueInfo(g, 11, "input"); valueInfo(g, 12, "output"); });
    await expect(Network.fromONNX(huge)).rejects.toThrow(/declares 1000000000000 values, more than the \d+ wasmlp reads/);
    const leaky = file("torch-relu-tanh-leaky-identity.onnx");
    await expect(Network.fromONNX(leaky.subarray(0, 300))).rejects.toThrow(ModelFormatError);
  });

  it("refuses cycles and foreign layouts; steps over Identity nodes; reads MatMul + Add with the bias first", async () => {
    const W = new Uint8Array(new Float64Array([1, 2, 3, 4]).buffer), b = new Uint8Array(new Float64Array([0.5, -0.5]).buffer);
    const base = (g: Writer) => { tensor(g, "W", [2, 2], 11, W); tensor(g, "b", [2], 11, b); valueInfo(g, 11, "input"); valueInfo(g, 12, "output"); };
    const node = (g: Writer, op: string, inputs: string[], output: string, name = output) =>
      g.message(1, (n) => { for (const i of inputs) n.string(1, i); n.string(2, output).string(3, name).string(4, op); });
    const loop = graph((g) => { node(g, "Gemm", ["input", "W", "b"], "z"); node(g, "Relu", ["z"], "input"); base(g); });
    await expect(Network.fromONNX(loop)).rejects.toThrow(/is met twice: the graph has a cycle/);
    const self = graph((g) => { node(g, "Identity", ["input"], "input", "id"); base(g); });
    await expect(Network.fromONNX(self)).rejects.toThrow(/the graph has a cycle/);
    const wrongBias = graph((g) => { tensor(g, "W", [2, 2], 11, W); tensor(g, "c", [2, 1], 11, b); node(g, "Gemm", ["input", "W", "c"], "output"); valueInfo(g, 11, "input"); valueInfo(g, 12, "output"); });
    await expect(Network.fromONNX(wrongBias)).rejects.toThrow("ONNX: node 'output' (Gemm): the bias has shape [2, 1], expected [2]");
    const matmul = graph((g) => { node(g, "Identity", ["input"], "x"); node(g, "MatMul", ["x", "W"], "m"); node(g, "Add", ["b", "m"], "z"); node(g, "Identity", ["z"], "output"); base(g); });
    const net = await Network.fromONNX(matmul);
    expect(Array.from(net.predict([[1, 1]]).data)).toEqual([1 + 3 + 0.5, 2 + 4 - 0.5]); // x·W + b, W stored [in, out]
  });

  it("refuses safetensors whose shapes do not chain, dtypes it cannot read, and files that name no activations", async () => {
    const f = file("torch-3-4-2-sigmoid.safetensors");
    await expect(Network.fromSafetensors(f)).rejects.toThrow(ConfigError);
    await expect(Network.fromSafetensors(f)).rejects.toThrow("safetensors: the file names no activations (a state_dict holds none): give one per Linear layer (2), e.g. activations: ['relu', 'softmax'] (wasmlp import: --activations relu,softmax)");
    await expect(Network.fromSafetensors(f, { activations: ["sigmoid"] })).rejects.toThrow("safetensors: 1 activations given for 2 Linear layers");
    const make = (header: object, data = new Uint8Array(0)) => {
      const json = new TextEncoder().encode(JSON.stringify(header));
      const out = new Uint8Array(8 + json.length + data.length);
      new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
      out.set(json, 8); out.set(data, 8 + json.length);
      return out;
    };
    const bad: [Uint8Array, RegExp][] = [
      [make({ "0.weight": { dtype: "I64", shape: [1, 1], data_offsets: [0, 8] }, "0.bias": { dtype: "F64", shape: [1], data_offsets: [8, 16] } }, new Uint8Array(16)), /'0.weight' has dtype "I64"; wasmlp reads F64 and F32/],
      [make({ "0.weight": { dtype: "F64", shape: [2, 3], data_offsets: [0, 48] }, "0.bias": { dtype: "F64", shape: [2], data_offsets: [48, 64] },
        "2.weight": { dtype: "F64", shape: [1, 3], data_offsets: [64, 88] }, "2.bias": { dtype: "F64", shape: [1], data_offsets: [88, 96] } }, new Uint8Array(96)), /'2.weight' takes 3 inputs, but the layer before gives 2/],
      [make({ "0.weight": { dtype: "F64", shape: [2, 3], data_offsets: [0, 48] } }, new Uint8Array(8)), /data_offsets \[0,48\] outside the 8 bytes of data/],
      [make({ "conv.weight": { dtype: "F64", shape: [1], data_offsets: [0, 8] } }, new Uint8Array(8)), /'conv.weight' is not a Linear layer's weight or bias/],
      [make({ "0.weight": { dtype: "F64", shape: [65536, 65536], data_offsets: [0, 8] } }, new Uint8Array(8)), /declares 4294967296 values/],
      [f.subarray(0, 100), /the header claims \d+ bytes, but the file has 92/],
      [make({ __metadata__: { "wasmlp.architecture": JSON.stringify({ layers: 5 }) }, "0.weight": { dtype: "F64", shape: [1, 1], data_offsets: [0, 8] }, "0.bias": { dtype: "F64", shape: [1], data_offsets: [8, 16] } }, new Uint8Array(16)),
        /wasmlp.architecture in __metadata__ has no list of layers with known activations/],
    ];
    for (const [bytes, message] of bad) await expect(Network.fromSafetensors(bytes, message.source.includes("architecture") ? {} : { activations: ["relu", "relu"] })).rejects.toThrow(message);
  });

  it("fuzz: truncated and bit-flipped files give a ModelFormatError (or a working network), never anything else", async () => {
    const files = FIXTURES.flatMap((name) => [[`${name}.onnx`, file(`${name}.onnx`)], [`${name}.safetensors`, file(`${name}.safetensors`)]] as const);
    const outcomes = { refused: 0, loaded: 0 };
    await fc.assert(fc.asyncProperty(
      fc.constantFrom(...files), fc.nat(), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })), { maxLength: 4 }), fc.boolean(),
      async ([name, original], cut, flips, truncate) => {
        const bytes = original.slice(0, truncate ? cut % (original.length + 1) : original.length);
        for (const [at, mask] of flips) if (bytes.length > 0) bytes[at % bytes.length]! ^= mask;
        const started = performance.now();
        try {
          const net = name.endsWith(".onnx") ? await Network.fromONNX(bytes, { backend: "ts" }) : await Network.fromSafetensors(bytes, { backend: "ts", activations: activationsOf(fixture(name.replace(".safetensors", "")).module) });
          expect(net.predict([Array(net.inputSize).fill(0.5)]).cols).toBe(net.outputSize);
          outcomes.loaded++;
        } catch (error) {
          if (!(error instanceof WasmlpError)) throw error; // a TypeError, RangeError… is a bug
          outcomes.refused++;
        }
        expect(performance.now() - started).toBeLessThan(2000);
      }), { seed: 20261130, numRuns: 400 });
    expect(outcomes.refused).toBeGreaterThan(100);
  });
});
