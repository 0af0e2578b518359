// Model and checkpoint files: bit-exact round trips, exact resumption, and loaders that reject
// every kind of corrupt file with a clear error.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { Adam, ModelFormatError, Network, SGD, type BackendName, type FitOptions } from "../src/index.js";
import { load, loadCheckpoint, save } from "../src/node.js";
import { crc32 } from "../src/io/crc32.js";
import { BACKENDS, goldenCases, blobs } from "./helpers.js";

const dir = mkdtempSync(join(tmpdir(), "wasmlp-files-"));


const make = (backend: BackendName) => Network.create({
  inputSize: 4, seed: 21, backend, loss: "crossEntropy",
  layers: [{ size: 6, activation: "leakyRelu" }, { size: 5, activation: "tanh" }, { size: 3, activation: "softmax" }],
});

const params = (net: Network) => net.toJSON().layers.flatMap((l) => [...l.weights, ...l.biases]);
const bits = (values: number[]) => Array.from(new Uint32Array(Float64Array.from(values).buffer));

describe.each(BACKENDS)("model files on %s", (backend) => {
  it("JSON and binary round trips are bit-exact", async () => {
    const { inputs, targets } = blobs(30, 1);
    const net = await make(backend);
    net.fit(inputs, targets, { epochs: 3, optimizer: { type: "adam", lr: 0.01 } });
    for (const copy of [
      await Network.fromJSON(JSON.parse(JSON.stringify(net.toJSON())), { backend }),
      await Network.fromBinary(net.toBinary(), { backend }),
      await Network.fromBlob(net.toBlob(), { backend }),
    ]) {
      expect(bits(params(copy))).toEqual(bits(params(net)));
      expect(Array.from(copy.predict(inputs).data)).toEqual(Array.from(net.predict(inputs).data));
      expect(copy.epochsTrained).toBe(3);
      expect(copy.seed).toBe(21);
    }
  });

  it("golden models survive JSON → binary → JSON unchanged", async () => {
    for (const g of goldenCases()) {
      const net = await Network.fromJSON(g.model, { backend });
      const back = (await Network.fromBinary(net.toBinary(), { backend })).toJSON();
      expect(back.layers).toEqual(g.model.layers);
      expect([back.inputSize, back.loss]).toEqual([g.model.inputSize, g.model.loss]);
    }
  });

  for (const format of ["binary", "json"] as const) {
    it(`a ${format} checkpoint resumes exactly: 10 epochs straight = 5 + save + load + 5`, async () => {
      const { inputs, targets } = blobs(45, 2);
      const options = (optimizer: SGD | Adam): FitOptions => ({
        epochs: 5, batchSize: 8, optimizer, metrics: ["accuracy"], validationSplit: 0.2,
        schedule: { type: "cosine", period: 10, minLr: 1e-4 },
      });
      for (const kind of ["adam", "sgd"] as const) {
        const newOptimizer = (net: Network) => (kind === "adam" ? new Adam(net, { lr: 0.02 }) : new SGD(net, { lr: 0.1, momentum: 0.9, nesterov: true, weightDecay: 1e-3 }));
        const straight = await make(backend);
        const straightOptimizer = newOptimizer(straight);
        const full = [...straight.fit(inputs, targets, options(straightOptimizer)).epochs, ...straight.fit(inputs, targets, options(straightOptimizer)).epochs];

        const first = await make(backend);
        const firstHalf = first.fit(inputs, targets, options(newOptimizer(first)));
        const path = join(dir, `resume-${backend}-${kind}.${format === "json" ? "json" : "wasmlp"}`);
        await save(first, path, { optimizer: firstHalf.optimizer });
        first.dispose();
        const { network, optimizer } = await loadCheckpoint(path, { backend });
        expect(network.epochsTrained).toBe(5);
        expect(optimizer.stepCount).toBe(straightOptimizer.stepCount / 2);
        const secondHalf = network.fit(inputs, targets, options(optimizer as SGD | Adam));

        expect(bits(params(network))).toEqual(bits(params(straight)));
        expect([...firstHalf.epochs, ...secondHalf.epochs].map(({ seconds: _s, samplesPerSecond: _r, ...rest }) => rest))
          .toEqual(full.map(({ seconds: _s, samplesPerSecond: _r, ...rest }) => rest));
      }
    });
  }

  it("save() and load() write and read both formats on disk", async () => {
    const net = await make(backend);
    for (const name of ["model.json", "model.wasmlp"]) {
      await save(net, join(dir, name));
      expect(bits(params(await load(join(dir, name), { backend })))).toEqual(bits(params(net)));
    }
    expect(readFileSync(join(dir, "model.wasmlp")).subarray(0, 4).toString()).toBe("WMLP");
    await expect(loadCheckpoint(join(dir, "model.wasmlp"))).rejects.toThrow(/a model without optimizer state, not a checkpoint/);
  });
});

describe("corrupt binary files are rejected with a clear error", () => {
  /** Re-stamps the checksum so that a deliberate edit reaches the check behind it. */
  const restamp = (bytes: Uint8Array) => {
    new DataView(bytes.buffer).setUint32(bytes.length - 4, crc32(bytes.subarray(0, bytes.length - 4)), true);
    return bytes;
  };
  const edit = (bytes: Uint8Array, f: (view: DataView, b: Uint8Array) => void, stamp = true) => {
    const copy = bytes.slice();
    f(new DataView(copy.buffer), copy);
    return stamp ? restamp(copy) : copy;
  };

  it("each case names its problem", async () => {
    const net = await make("ts");
    const model = net.toBinary();
    const checkpoint = net.toBinary({ optimizer: new Adam(net) });
    const paramsAt = 32 + 3 * 8; // header and three layer records
    const cases: [Uint8Array, RegExp][] = [
      [model.subarray(0, 10), /10 bytes is too short for a header \(truncated file\?\)/],
      [model.subarray(0, 40), /cannot hold the header of 3 layers|needs exactly/],
      [model.subarray(0, model.length - 9), /needs exactly \d+ \(truncated file\?\)/],
      [checkpoint.subarray(0, checkpoint.length - 100), /with optimizer state\) needs exactly/],
      [Uint8Array.from([...model, 0, 0, 0, 0]), /bytes, but this architecture .* needs exactly/],
      [edit(model, (_, b) => { b[0] = 0x50; b[1] = 0x4b; }), /wrong magic bytes "PKLP"/],
      [edit(model, (v) => v.setUint16(4, 7, true)), /format version 7 is not supported; this wasmlp reads version 1/],
      [edit(model, (v) => v.setUint16(6, 6, true)), /unknown flags 0x6/],
      [edit(model, (v) => v.setUint32(12, 0, true)), /layer count 0 is not possible/],
      [edit(model, (v) => v.setUint32(16, 9, true)), /unknown loss id 9/],
      [edit(model, (v) => v.setUint32(32 + 8 + 4, 42, true)), /layer 2: unknown activation id 42/],
      [edit(model, (v) => v.setUint32(32 + 4, 5, true)), /softmax is only allowed on the output layer/],
      [edit(model, (v) => v.setUint32(32 + 8, 9, true)), /needs exactly/], // a layer size that does not add up
      [edit(model, (v) => v.setFloat64(24, 1.5, true)), /seed 1.5 is not an integer/],
      [edit(model, (v) => v.setUint32(8, 0, true)), /inputSize must be a positive integer/],
      [edit(model, (v) => v.setFloat64(paramsAt + 16, NaN, true)), /parameter\[2\] is NaN/],
      [edit(model, (v) => v.setFloat64(paramsAt + 8, -Infinity, true)), /parameter\[1\] is -Infinity/],
      [edit(model, (_, b) => { b[paramsAt + 3] ^= 0x10; }, false), /checksum mismatch .* the file is corrupt/],
      [edit(model, (_, b) => { b[b.length - 1] ^= 0xff; }, false), /checksum mismatch/],
      [edit(checkpoint, (v) => v.setUint32(paramsAt, 7, true)), /unknown optimizer id 7/],
      [edit(checkpoint, (v) => v.setFloat64(paramsAt + 8 + 16, -1, true)), /optimizer settings: Adam lr must be a positive number, got -1/],
      [edit(checkpoint, (v) => v.setFloat64(paramsAt + 8, 2.5, true)), /step count 2.5 is not a whole number/],
      [edit(checkpoint, (v) => v.setFloat64(checkpoint.length - 4 - 8, Infinity, true)), /optimizer state 2\[\d+\] is Infinity/],
    ];
    for (const [bytes, message] of cases) {
      const error = await Network.fromBinary(bytes, { backend: "ts" }).then(() => undefined, (e: unknown) => e);
      expect(error, String(message)).toBeInstanceOf(ModelFormatError);
      expect((error as Error).message).toMatch(message);
    }
    expect((await Network.fromBinary(model, { backend: "ts" })).parameterCount).toBe(net.parameterCount);
  });

  it("JSON checkpoints are checked field by field", async () => {
    const net = await make("ts");
    const good = net.toJSON({ optimizer: new SGD(net, { lr: 0.1, momentum: 0.5 }) });
    const variant = (f: (j: any) => void) => { const j = structuredClone(good) as any; f(j); return j; };
    const cases: [unknown, RegExp][] = [
      [variant((j) => { j.training.optimizer.state1.pop(); }), /model.training.optimizer.state1 has \d+ numbers, the layer sizes need \d+/],
      [variant((j) => { j.training.optimizer.state2[3] = "x"; }), /state2\[3\] must be a finite number, got "x"/],
      [variant((j) => { j.training.optimizer.step = -1; }), /optimizer.step must be a whole number in \[0, 2\^53\], got -1/],
      [variant((j) => { j.training.optimizer.type = "lbfgs"; }), /optimizer.type must be 'sgd' or 'adam', got "lbfgs"/],
      [variant((j) => { j.training.optimizer.momentum = 2; }), /SGD momentum must be in \[0, 1\), got 2/],
      [variant((j) => { j.training.epochs = 1.5; }), /model.training.epochs must be a whole number in \[0, 4294967295\], got 1.5/],
      [variant((j) => { j.training.seed = -3; }), /model.training.seed must be an integer/],
    ];
    for (const [json, message] of cases) {
      await expect(Network.loadCheckpoint(json, { backend: "ts" })).rejects.toThrow(message);
      await expect(Network.fromJSON(json, { backend: "ts" })).rejects.toThrow(ModelFormatError);
    }
    const truncatedText = JSON.stringify(good).slice(0, 200);
    writeFileSync(join(dir, "truncated.json"), truncatedText);
    await expect(load(join(dir, "truncated.json"))).rejects.toThrow(/model: not valid JSON/);
  });
});

describe("metadata travels with the model", () => {
  it.each(BACKENDS)("in JSON, binary and checkpoints (%s)", async (backend) => {
    const net = await make(backend);
    net.metadata = { classes: ["a", "b", "c"], scaling: { mean: [1.5, 2], std: [0.5, 1] }, note: "ünïcode ✓" };
    for (const copy of [
      await Network.fromJSON(JSON.stringify(net.toJSON()), { backend }),
      await Network.fromBinary(net.toBinary(), { backend }),
      (await Network.loadCheckpoint(net.toBinary({ optimizer: new SGD(net, { lr: 0.1 }) }), { backend })).network,
    ]) {
      expect(copy.metadata).toEqual(net.metadata);
    }
    const plain = await make(backend);
    expect((await Network.fromBinary(plain.toBinary(), { backend })).metadata).toEqual({});
  });

  it("a corrupt metadata block is rejected", async () => {
    const net = await make("ts");
    net.metadata = { k: 1 };
    const bytes = net.toBinary();
    const metadataAt = bytes.length - 4 - 4 - '{"k":1}'.length;
    const broken = bytes.slice();
    broken[metadataAt + 4] = 0x5b; // "[" : not an object, and not closed
    new DataView(broken.buffer).setUint32(broken.length - 4, crc32(broken.subarray(0, broken.length - 4)), true);
    await expect(Network.fromBinary(broken, { backend: "ts" })).rejects.toThrow(/metadata block is not valid UTF-8 JSON/);
    const long = bytes.slice();
    new DataView(long.buffer).setUint32(metadataAt, 999, true);
    await expect(Network.fromBinary(long, { backend: "ts" })).rejects.toThrow(/needs exactly/);
    await expect(Network.fromJSON({ ...net.toJSON(), metadata: [1] }, { backend: "ts" })).rejects.toThrow(/model.metadata must be a JSON object/);
  });
});
