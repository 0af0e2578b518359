// Regression tests for the attack run of issue 18, one describe per finding (F1–F14): bounded
// memory plans and loader time, safe saves, bounded file reads, no kept overflow, bounded metadata,
// lazy schedules, files that read back as written, typed errors for every misuse, CLI exit codes.
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { Adam, ConfigError, DivergenceError, encodeRecords, encodeTargets, fitTable, Matrix, ModelFormatError, Network, predictRecords, prepareTable, SGD, StateError, WasmlpError } from "../src/index.js";
import { load, loadCheckpoint, save } from "../src/node.js";
import { MAX_LAYERS, MAX_PARAMETERS } from "../src/architecture.js";
import { MAX_PLAN_BYTES } from "../src/memoryPlan.js";
import { MAX_METADATA_DEPTH } from "../src/io/metadata.js";
import { MAX_JSON_TEXT_BYTES, modelText } from "../src/io/jsonText.js";
import { crc32 } from "../src/io/crc32.js";
import { ok, wasmlp } from "./cliRun.js";
import { SCHEDULE_CHECKED_AHEAD } from "../src/training/options.js";
import { MAX_HISTORY_EPOCHS } from "../src/training/fit.js";
import { BACKENDS, blobs, ROOT } from "./helpers.js";

const dir = mkdtempSync(join(tmpdir(), "wasmlp-reliability-"));
const create = (backend = "ts" as const) => Network.create({ inputSize: 4, seed: 2, backend, loss: "crossEntropy", layers: [{ size: 5, activation: "tanh" }, { size: 3, activation: "softmax" }] });
const params = (net: Network) => net.toJSON().layers.flatMap((l) => [...l.weights, ...l.biases]);

describe("F2: a checkpoint's Adam step count", () => {
  it.each(BACKENDS)("stores β^t, so resuming is bit-exact without replaying steps (%s)", async (backend) => {
    const { inputs, targets } = blobs(24, 1);
    const a = await create(backend as "ts");
    const optimizer = new Adam(a, { lr: 0.01 });
    a.fit(inputs, targets, { epochs: 3, batchSize: 4, optimizer });
    const json = a.toJSON({ optimizer });
    const { step, beta1Power, beta2Power } = json.training!.optimizer!;
    expect(step).toBe(18); // 3 epochs of 6 batches
    expect(Math.abs(beta1Power! / 0.9 ** step - 1)).toBeLessThan(1e-14); // the running product the kernels built
    expect(Math.abs(beta2Power! / 0.999 ** step - 1)).toBeLessThan(1e-14);
    const resumed = await Network.loadCheckpoint(json, { backend });
    const fromBinary = await Network.loadCheckpoint(a.toBinary({ optimizer }), { backend });
    a.fit(inputs, targets, { epochs: 2, batchSize: 4, optimizer });
    resumed.network.fit(inputs, targets, { epochs: 2, batchSize: 4, optimizer: resumed.optimizer });
    fromBinary.network.fit(inputs, targets, { epochs: 2, batchSize: 4, optimizer: fromBinary.optimizer });
    expect(params(resumed.network)).toEqual(params(a));
    expect(params(fromBinary.network)).toEqual(params(a));
  });

  it("a file claiming 2^53 steps (and no stored β^t) loads at once; bad stored powers are refused", async () => {
    const net = await create();
    const json = net.toJSON({ optimizer: new Adam(net) });
    const o = json.training!.optimizer!;
    const started = performance.now();
    await Network.loadCheckpoint({ ...json, training: { ...json.training!, optimizer: { ...o, step: 2 ** 53, beta1Power: undefined, beta2Power: undefined } } });
    expect(performance.now() - started).toBeLessThan(1000);
    await expect(Network.loadCheckpoint({ ...json, training: { ...json.training!, optimizer: { ...o, beta1Power: 2, beta2Power: 0.5 } } }))
      .rejects.toThrow(/optimizer beta powers 2, 0.5 are not in \(0, 1\]/);
  });
});

describe("F3, F12: save()", () => {
  it("two saves to one path at once leave one complete model and no temporary files", async () => {
    const [a, b] = [await create(), await create()];
    b.setParameters(1, { biases: [1, 2, 3, 4, 5] });
    const path = join(dir, "race.wasmlp");
    for (let round = 0; round < 10; round++) {
      await Promise.all([save(a, path), save(b, path), save(a, path), save(b, path)]);
      const back = await load(path);
      expect([params(a), params(b)]).toContainEqual(params(back));
    }
    expect(readdirSync(dir).filter((f) => f.endsWith(".tmp"))).toEqual([]);
    await expect(save(a, join(dir, "no-such-folder", "x.wasmlp"))).rejects.toThrow();
    expect(readdirSync(dir).filter((f) => f.endsWith(".tmp"))).toEqual([]);
  });
});

describe("F4: load()", () => {
  it("refuses devices, FIFOs and folders at once, with a typed error", async () => {
    await expect(load("/dev/zero")).rejects.toThrow(ModelFormatError);
    await expect(load("/dev/zero")).rejects.toThrow("/dev/zero is not a regular file (a device, FIFO or folder cannot hold a model)");
    await expect(loadCheckpoint(dir)).rejects.toThrow(/is not a regular file/);
    const fifo = join(dir, "pipe");
    execFileSync("mkfifo", [fifo]);
    await expect(load(fifo)).rejects.toThrow(/is not a regular file/);
  });

  it("still reads JSON and binary models", async () => {
    const net = await create();
    writeFileSync(join(dir, "m.json"), JSON.stringify(net.toJSON()));
    expect(params(await load(join(dir, "m.json")))).toEqual(params(net));
  });
});

describe("F7, F10: training runs", () => {
  it("an already-aborted signal trains nothing", async () => {
    const { inputs, targets } = blobs(24, 2);
    for (const run of ["fit", "fitAsync"] as const) {
      const net = await create();
      const before = params(net);
      const history = await net[run](inputs, targets, { epochs: 3, signal: AbortSignal.abort() });
      expect(history).toMatchObject({ epochs: [], stopReason: "aborted" });
      expect(params(net)).toEqual(before);
      expect(net.epochsTrained).toBe(0);
    }
  });

  it("dispose() during fit() or fitAsync() stops it with a StateError", async () => {
    const { inputs, targets } = blobs(24, 3);
    const net = await create();
    expect(() => net.fit(inputs, targets, { epochs: 5, onEpochEnd: () => net.dispose() })).toThrow(StateError);
    const other = await create();
    await expect(other.fitAsync(inputs, targets, { epochs: 5, onEpochEnd: (log) => { if (log.epoch === 2) other.dispose(); } })).rejects.toThrow("this network has been disposed");
  });
});

describe("F1: memory plans of 2 GiB or more", () => {
  it.each(BACKENDS)("are refused before anything moves, and the network keeps working (%s)", async (backend) => {
    await expect(Network.create({ inputSize: 2, layers: [{ size: 1, activation: "identity" }], loss: "squaredError", batchCapacity: 2 ** 31, backend }))
      .rejects.toThrow(/more than the 2147483648 a wasm memory can address here/);
    const wide = await Network.create({ inputSize: 1, seed: 1, backend, loss: "squaredError", layers: [{ size: 65536, activation: "relu" }, { size: 1, activation: "identity" }] });
    const before = Array.from(wide.predict([[0.5]]).data);
    expect(() => wide.forward(new Float64Array(4096))).toThrow(/bytes for 4096 rows, more than the 2147483648/);
    expect(Array.from(wide.forward([[0.5]]).data)).toEqual(before);
    expect(() => wide.fit([[0.5], [0.25]], [[1], [2]], { batchSize: 4096, epochs: 1 })).toThrow(WasmlpError);
    expect(Array.from(wide.predict([[0.5]]).data)).toEqual(before);
  });
});

describe("F5: an update that overflows the weights", () => {
  it.each(BACKENDS)("is not kept by fit() or step() (%s)", async (backend) => {
    const { inputs: raw, targets } = blobs(8, 4);
    const inputs = raw.map((r) => r.map((v) => 100 * v)); // gradients of ~100: lr 1e308 overflows the first update
    // one softmax layer: its gradient is δ·x with |δ| ≤ 1, so x ~ 100 makes lr·g overflow
    const net = await Network.create({ inputSize: 4, seed: 2, backend, loss: "crossEntropy", layers: [{ size: 3, activation: "softmax" }] });
    const before = params(net);
    let error: unknown;
    try { net.fit(inputs, targets, { epochs: 3, batchSize: 8, optimizer: { type: "sgd", lr: 1e308 } }); } catch (e) { error = e; }
    expect(error).toBeInstanceOf(DivergenceError);
    expect((error as Error).message).toMatch(/epoch 1, batch 1 of 1: an update made a parameter infinite\. The network keeps the weights from the start of epoch 1/);
    expect(params(net)).toEqual(before);
    const sgd = new SGD(net, { lr: 1e308 });
    net.forward(inputs);
    net.backward(targets);
    expect(() => sgd.step()).toThrow(/step\(\): the update made a parameter infinite/);
    expect(params(net)).toEqual(before);
    expect(sgd.stepCount).toBe(0);
  });
});

/** The error `f` throws or rejects with (undefined if none). */
async function failure(f: () => unknown): Promise<unknown> {
  try { await f(); } catch (e) { return e; }
  return undefined;
}

describe("F13, F14: values in error messages", () => {
  it("a BigInt anywhere gets a typed error that shows it, not a TypeError", async () => {
    const json = (await create()).toJSON();
    const cases: [() => unknown, new (m: string) => WasmlpError, RegExp][] = [
      [() => Network.fromJSON({ ...json, inputSize: 4n }), ModelFormatError, /model.inputSize must be a positive integer \(at most \d+\), got 4n/],
      [() => Network.create({ inputSize: 4n as never, loss: "squaredError", layers: [{ size: 1, activation: "identity" }] }), ConfigError, /got 4n/],
      [() => Network.create({ inputSize: 4, loss: "squaredError", layers: [{ size: 1, activation: "identity" }], backend: 1n as never }), ConfigError, /unknown backend 1n/],
      [async () => (await create()).fit([[1, 2, 3, 4]], [[1, 0, 0]], { optimizer: { type: "sgd", lr: 1n as never } }), ConfigError, /SGD lr must be a positive number, got 1n/],
      [async () => (await create()).fit([[1, 2, 3, 4]], [[1, 0, 0]], { epochs: 2n as never }), ConfigError, /epochs must be a positive integer, got 2n/],
    ];
    for (const [f, type, message] of cases) {
      const error = await failure(f);
      expect(error).toBeInstanceOf(type);
      expect((error as Error).message).toMatch(message);
    }
  });

  it("a 10 MB field is echoed cut to 80 characters, in the library and on the command line", async () => {
    const json = (await create()).toJSON();
    const huge = "y".repeat(10_000_000);
    const error = await failure(() => Network.fromJSON({ ...json, format: huge }));
    expect(error).toBeInstanceOf(ModelFormatError);
    expect((error as Error).message).toBe(`model.format must be 'wasmlp-model', got "${"y".repeat(80)}"… (10,000,000 characters)`);
    const path = join(dir, "huge-format.json");
    writeFileSync(path, JSON.stringify({ ...json, format: huge }));
    const r = wasmlp("inspect", path);
    expect(r.code).toBe(4);
    expect(r.stderr.length).toBeLessThan(300);
    expect(r.stderr).toContain("(10,000,000 characters)");
  });
});

/** `depth` levels of nesting: the metadata object itself is level 1 ({ a: { a: … } }). */
const nested = (depth: number): Record<string, unknown> => {
  let value: Record<string, unknown> = {};
  for (let level = 1; level < depth; level++) value = { a: value };
  return value;
};

/** A binary model whose metadata block holds `text` (a valid length and checksum around any text). */
function withMetadataText(net: Network, text: string): Uint8Array {
  const marker = { m: 1 };
  net.metadata = marker;
  const bytes = net.toBinary();
  const old = new TextEncoder().encode(JSON.stringify(marker)), block = new TextEncoder().encode(text);
  const at = bytes.length - 4 - old.length - 4;
  const out = new Uint8Array(at + 4 + block.length + 4);
  out.set(bytes.subarray(0, at));
  const view = new DataView(out.buffer);
  view.setUint32(at, block.length, true);
  out.set(block, at + 4);
  view.setUint32(out.length - 4, crc32(out.subarray(0, out.length - 4)), true);
  return out;
}

describe("F6: metadata", () => {
  it("nested deeper than MAX_METADATA_DEPTH is refused by every reader, typed, at once", async () => {
    const net = await create();
    const deepText = `{"a":${"[".repeat(10_000)}${"]".repeat(10_000)}}`;
    const json = net.toJSON();
    const text = JSON.stringify({ ...json, metadata: { m: 1 } }).replace('{"m":1}', deepText);
    const why = /nests deeper than 100 levels/;
    await expect(Network.fromJSON(text)).rejects.toThrow(ModelFormatError);
    await expect(Network.fromJSON(text)).rejects.toThrow(why);
    await expect(Network.fromBinary(withMetadataText(net, deepText))).rejects.toThrow(why);
    writeFileSync(join(dir, "deep.json"), text);
    await expect(load(join(dir, "deep.json"))).rejects.toThrow(why);
    expect(MAX_METADATA_DEPTH).toBe(100);
    // exactly the maximum is written and read back by every format; one more is refused by every writer
    net.metadata = nested(MAX_METADATA_DEPTH);
    expect((await Network.fromJSON(net.toJSONText())).metadata).toEqual(nested(MAX_METADATA_DEPTH));
    expect((await Network.fromBinary(net.toBinary())).metadata).toEqual(nested(MAX_METADATA_DEPTH));
    expect((await Network.fromONNX(await net.toONNX())).metadata).toEqual(nested(MAX_METADATA_DEPTH));
    expect((await Network.fromSafetensors(await net.toSafetensors())).metadata).toEqual(nested(MAX_METADATA_DEPTH));
    expect(() => { net.metadata = nested(MAX_METADATA_DEPTH + 1); }).toThrow(ConfigError);
    (net.metadata as { a: unknown }).a = nested(MAX_METADATA_DEPTH); // changed after it was set
    for (const write of [() => net.toJSON(), () => net.toBinary(), () => net.toJSONText()]) expect(write).toThrow(why);
    await expect(net.toONNX()).rejects.toThrow(why);
    await expect(save(net, join(dir, "deep.wasmlp"))).rejects.toThrow(ConfigError);
    expect(readdirSync(dir).filter((f) => f.startsWith("deep.wasmlp"))).toEqual([]);
  });

  it("a non-finite number or anything JSON cannot hold is refused where it enters, never saved as null", async () => {
    const net = await create();
    expect(() => { net.metadata = { scaling: { std: [1, Number.NaN] } }; }).toThrow("metadata.scaling.std[1] is NaN: metadata numbers must be finite");
    expect(net.metadata).toEqual({});
    net.metadata = { std: 1 };
    net.metadata.std = Infinity;
    expect(() => net.toJSON()).toThrow(ConfigError);
    expect(() => net.toBinary()).toThrow("metadata.std is Infinity");
    for (const bad of [{ when: new Date(0) }, { n: 1n }, { f: () => 1 }, { list: [1, undefined] }]) {
      expect(() => { net.metadata = bad as never; }).toThrow(ConfigError);
    }
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    expect(() => { net.metadata = cycle; }).toThrow(/metadata.self contains itself/);
    const json = { ...(await create()).toJSON(), metadata: { std: Number.NaN } };
    await expect(Network.fromJSON(json)).rejects.toThrow("model.metadata.std is NaN");
  });

  it("a model given as an object does not share the caller's metadata", async () => {
    const metadata = { classes: ["a", "b"] };
    const net = await Network.fromJSON({ ...(await create()).toJSON(), metadata });
    metadata.classes.push("c");
    expect(net.metadata).toEqual({ classes: ["a", "b"] });
  });

  it("CLI train: a target whose standard deviation overflows is bad data (exit 3), and no model is saved", () => {
    const data = join(dir, "overflow.csv"), model = join(dir, "overflow.wasmlp");
    writeFileSync(data, "x,y\n" + Array.from({ length: 40 }, (_, i) => `${i},${((i % 7) - 3) * 1e200 + i / 3}`).join("\n") + "\n");
    const r = wasmlp("train", data, "--task", "regression", "--epochs", "2", "--out", model);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain("error: the target 'y': its values are out of float64's range for standardising (the standard deviation overflows to Infinity)");
    expect(readdirSync(dir).filter((f) => f.startsWith("overflow.wasmlp"))).toEqual([]);
  });
});

/** A copy of `bytes` changed by `change`, with its checksum made right again (so only the change is judged). */
function patched(bytes: Uint8Array, change: (view: DataView) => void): Uint8Array {
  const out = bytes.slice();
  const view = new DataView(out.buffer);
  change(view);
  view.setUint32(out.length - 4, crc32(out.subarray(0, out.length - 4)), true);
  return out;
}

describe("F9: whatever wasmlp writes, it reads back", () => {
  it("one maximum layer count for create and every reader: 65,536 layers round-trip, 65,537 are refused at create", async () => {
    expect(MAX_LAYERS).toBe(65_536);
    const layers = (n: number) => Array.from({ length: n }, () => ({ size: 1, activation: "identity" as const }));
    await expect(Network.create({ inputSize: 1, loss: "squaredError", layers: layers(MAX_LAYERS + 1), backend: "ts" }))
      .rejects.toThrow(new ConfigError("options.layers: 65537 layers, more than the 65536 a network may have"));
    const net = await Network.create({ inputSize: 1, seed: 3, loss: "squaredError", layers: layers(MAX_LAYERS), backend: "ts" });
    const back = await Network.fromBinary(net.toBinary(), { backend: "ts" });
    expect(back.toBinary()).toEqual(net.toBinary());
    const json = net.toJSON();
    await expect(Network.fromJSON({ ...json, layers: [...json.layers, json.layers[0]!] }, { backend: "ts" })).rejects.toThrow(ModelFormatError);
  });

  it("JSON training.epochs and optimizer.step are bounded by what the binary format holds, so nothing wraps", async () => {
    const net = await create();
    const json = net.toJSON();
    for (const epochs of [2 ** 32 + 5, 1e300]) {
      await expect(Network.fromJSON({ ...json, training: { epochs } })).rejects.toThrow(/model.training.epochs must be a whole number in \[0, 4294967295\]/);
    }
    const most = await Network.fromJSON({ ...json, training: { epochs: 2 ** 32 - 1 } });
    expect((await Network.fromBinary(most.toBinary())).epochsTrained).toBe(2 ** 32 - 1);
    const checkpoint = net.toJSON({ optimizer: new Adam(net) });
    const o = checkpoint.training!.optimizer!;
    await expect(Network.loadCheckpoint({ ...checkpoint, training: { ...checkpoint.training!, optimizer: { ...o, step: 1e300 } } }))
      .rejects.toThrow(/optimizer.step must be a whole number in \[0, 2\^53\], got 1e\+300/);
  });

  it("−0 survives a JSON round trip (text and file), as it does a binary one", async () => {
    const net = await create();
    net.setParameters(1, { biases: [-0, 0, -0, 1, -0] });
    net.metadata = { offset: -0 };
    const isNegativeZero = (n: Network) => Object.is(n.biases(1)[0], -0) && Object.is(n.biases(1)[2], -0) && Object.is(n.metadata.offset, -0);
    expect(isNegativeZero(await Network.fromJSON(net.toJSONText()))).toBe(true);
    expect(isNegativeZero(await Network.fromBinary(net.toBinary()))).toBe(true);
    await save(net, join(dir, "negative-zero.json"));
    expect(readFileSync(join(dir, "negative-zero.json"), "utf8")).toContain('"biases":[-0,0,-0,1,-0]');
    expect(isNegativeZero(await load(join(dir, "negative-zero.json")))).toBe(true);
  });

  it("a JSON model claiming 2^24 × 2^24 weights is refused from its sizes, before any allocation", async () => {
    const claim = { format: "wasmlp-model", version: 1, inputSize: 2 ** 24, loss: "squaredError", layers: [{ size: 2 ** 24, activation: "identity", weights: [], biases: [] }] };
    const error = await failure(() => Network.fromJSON(claim));
    expect(error).toBeInstanceOf(ModelFormatError);
    expect((error as Error).message).toBe(`model: 281474993487872 parameters, more than the ${MAX_PARAMETERS} a network may have (its parameters, gradients and optimizer state must fit in 2 GiB)`);
    expect(MAX_PARAMETERS * 32).toBe(MAX_PLAN_BYTES);
    // under the maximum, the arrays are checked against the sizes before the parameters are allocated
    await expect(Network.fromJSON({ ...claim, inputSize: 8000, layers: [{ ...claim.layers[0]!, size: 8000 }] })).rejects.toThrow("model.layers[0].weights has 0 numbers, the layer sizes need 64000000");
  });

  it("binary: a non-zero reserved field, a nesterov that is neither 0 nor 1, or a setting of the other optimizer is refused", async () => {
    const net = await create();
    const sgd = net.toBinary({ optimizer: new SGD(net, { lr: 0.1, momentum: 0.9, nesterov: true }) });
    const block = 32 + 8 * net.layers.length; // the optimizer block follows the header and the layer table
    expect((await Network.loadCheckpoint(sgd)).optimizer).toMatchObject({ nesterov: true });
    await expect(Network.loadCheckpoint(patched(sgd, (v) => v.setUint32(block + 4, 7, true)))).rejects.toThrow("binary model: the reserved field after the optimizer id is 7, not 0");
    await expect(Network.loadCheckpoint(patched(sgd, (v) => v.setFloat64(block + 8 + 8 * 4, 0.5, true)))).rejects.toThrow("binary model: optimizer field nesterov is 0.5; it must be 0 or 1");
    await expect(Network.loadCheckpoint(patched(sgd, (v) => v.setFloat64(block + 8 + 8 * 6, 0.9, true)))).rejects.toThrow("binary model: optimizer field beta1 is 0.9, but an SGD checkpoint has none (it must be 0)");
    const adam = net.toBinary({ optimizer: new Adam(net) });
    await expect(Network.loadCheckpoint(patched(adam, (v) => v.setFloat64(block + 8 + 8 * 4, 1, true)))).rejects.toThrow("binary model: optimizer field nesterov is 1, but an Adam checkpoint has none (it must be 0)");
  });
});

/** Runs the CLI until `ready` appears on stdout, then sends SIGINT; resolves with the whole run. */
function interruptWhen(ready: RegExp, ...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["dist/cli.js", ...args], { cwd: ROOT });
    let stdout = "", stderr = "", sent = false;
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
      if (!sent && ready.test(stdout)) { sent = true; child.kill("SIGINT"); }
    });
    child.stderr.on("data", (chunk: Buffer) => { stderr += chunk.toString(); });
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

describe("F8: epochs", () => {
  it("no rate array up front: 2^32 − 1 epochs start at once, and stop on a callback", async () => {
    const { inputs, targets } = blobs(12, 5);
    const net = await create();
    const schedule = { type: "cosine", period: 2 ** 32, minLr: 1e-5 } as const;
    const history = net.fit(inputs, targets, { epochs: 2 ** 32 - 1, onEpochEnd: (log) => log.epoch < 3, schedule });
    expect(history).toMatchObject({ stopReason: "callback" });
    const cosine = (e: number) => 1e-5 + ((0.001 - 1e-5) * (1 + Math.cos((Math.PI * e) / 2 ** 32))) / 2;
    expect(history.epochs.map((e) => e.lr)).toEqual([0, 1, 2].map(cosine));
  });

  it("epochs: Infinity trains until a stop condition: abort, early stopping, or the most epochs a life may count", async () => {
    const { inputs, targets } = blobs(12, 6);
    const net = await create();
    const controller = new AbortController();
    const aborted = await net.fitAsync(inputs, targets, { epochs: Infinity, signal: controller.signal, onEpochEnd: (log) => { if (log.epoch === 4) controller.abort(); } });
    expect([aborted.stopReason, aborted.epochs.length]).toEqual(["aborted", 4]);
    const early = net.fit(inputs, targets, { epochs: Infinity, earlyStopping: { monitor: "loss", patience: 1, minDelta: 10 } });
    expect([early.stopReason, early.epochs.length]).toEqual(["earlyStopping", 2]);
    const old = await Network.fromJSON({ ...net.toJSON(), training: { epochs: 2 ** 32 - 3 } });
    const rest = old.fit(inputs, targets, { epochs: Infinity });
    expect([rest.stopReason, rest.epochs.length, old.epochsTrained]).toEqual(["completed", 2, 2 ** 32 - 1]);
    expect((await Network.fromBinary(old.toBinary())).epochsTrained).toBe(2 ** 32 - 1);
  });

  it("a long run keeps the logs of the last 100,000 epochs, so memory stays bounded; onEpochEnd sees every epoch", async () => {
    const net = await Network.create({ inputSize: 1, seed: 1, backend: "wasm", loss: "squaredError", layers: [{ size: 1, activation: "identity" }] });
    let seen = 0;
    const history = net.fit([[1]], [[1]], { epochs: MAX_HISTORY_EPOCHS + 5, optimizer: { type: "sgd", lr: 0.01 }, onEpochEnd: () => { seen++; } });
    expect([seen, history.epochs.length, history.epochs[0]!.epoch, history.epochs.at(-1)!.epoch]).toEqual([MAX_HISTORY_EPOCHS + 5, MAX_HISTORY_EPOCHS, 6, MAX_HISTORY_EPOCHS + 5]);
  });

  it("a run past the count a model file holds is refused at once, typed, training nothing", async () => {
    const { inputs, targets } = blobs(12, 7);
    const net = await create();
    const before = params(net);
    expect(() => net.fit(inputs, targets, { epochs: 2 ** 32 })).toThrow(ConfigError);
    expect(() => net.fit(inputs, targets, { epochs: 2 ** 32 })).toThrow(/epochs: 4294967296 more would make 4294967296, more than the 4294967295 a network's life may count/);
    expect([params(net), net.epochsTrained]).toEqual([before, 0]);
  });

  it("schedules are computed per epoch: a built-in's first bad rate is named before training, a function's when its epoch comes", async () => {
    const { inputs, targets } = blobs(12, 8);
    const net = await create();
    expect(() => net.fit(inputs, targets, { epochs: 2 ** 32 - 1, schedule: { type: "exponential", gamma: 0.5 } }))
      .toThrow("schedule: the learning rate of epoch 1067 would be 0; it must stay a positive number (for cosine, set minLr > 0)");
    expect(net.epochsTrained).toBe(0);
    const late = SCHEDULE_CHECKED_AHEAD + 5; // beyond what is tried before training
    expect(() => net.fit(inputs, targets, { epochs: late + 10, schedule: (epoch) => (epoch < late ? 0.01 : Number.NaN) }))
      .toThrow(`schedule: the learning rate of epoch ${late + 1} would be NaN; it must stay a positive number (for cosine, set minLr > 0). Training stopped before that epoch; the network keeps its weights after epoch ${late}`);
    expect(net.epochsTrained).toBe(late);
  });

  it("CLI --epochs: 2,000,000,000 trains (Ctrl-C stops it and saves), 1e300 is a usage error", async () => {
    const model = join(dir, "many-epochs.wasmlp");
    const run = await interruptWhen(/^epoch 2\//m, "train", "data/iris.csv", "--epochs", "2000000000", "--out", model);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/training: interrupted after \d+ epochs/);
    expect(ok("inspect", model)).toMatch(/epochs trained: \d+/);
    const r = wasmlp("train", "data/iris.csv", "--epochs", "1e300");
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("expected a positive integer up to 4294967295");
  });
});

describe("F13: misuse gets a typed error before anything changes", () => {
  it("a callback that is not a function, a signal that is no AbortSignal, a shuffle that is no boolean: refused before any training", async () => {
    const { inputs, targets } = blobs(12, 9);
    const net = await create();
    const before = params(net);
    const cases: [object, string][] = [
      [{ onEpochEnd: 5 }, "onEpochEnd must be a function, got 5"],
      [{ onBatchEnd: "log" }, 'onBatchEnd must be a function, got "log"'],
      [{ signal: { abort: true } }, 'signal must be an AbortSignal, got {"abort":true}'],
      [{ shuffle: "yes" }, 'shuffle must be true or false, got "yes"'],
    ];
    for (const [options, message] of cases) {
      expect(() => net.fit(inputs, targets, { epochs: 2, ...options } as never)).toThrow(new ConfigError(message));
      await expect(net.fitAsync(inputs, targets, { epochs: 2, ...options } as never)).rejects.toThrow(message);
    }
    expect([params(net), net.epochsTrained]).toEqual([before, 0]);
  });
});

describe("F13: errors that say what and where", () => {
  it.each(BACKENDS)("predict names a bad row by its place in the whole input, not in its chunk (%s)", async (backend) => {
    const net = await create(backend as "ts");
    const flatInputs = new Float64Array(1000 * 4).fill(0.5);
    flatInputs[600 * 4 + 2] = Number.NaN;
    expect(() => net.predict(flatInputs)).toThrow("inputs: row 600, column 2 is not finite (got NaN)");
    const rows = Array.from({ length: 1000 }, () => [0.5, 0.5, 0.5, 0.5]);
    rows[700]![1] = Infinity;
    expect(() => net.predict(rows)).toThrow("inputs: row 700, column 1 is not finite (got Infinity)");
    expect(net.predict(new Float64Array(1000 * 4).fill(0.5)).rows).toBe(1000);
  });

  it("new Adam({}) says the argument is not a Network; a disposed network is still called disposed", async () => {
    expect(() => new Adam({} as never)).toThrow(new ConfigError("Adam: the first argument must be a Network (from Network.create or a loader), got {}"));
    expect(() => new SGD(null as never, { lr: 0.1 })).toThrow("SGD: the first argument must be a Network (from Network.create or a loader), got null");
    const net = await create();
    net.dispose();
    expect(() => new Adam(net)).toThrow(new StateError("this network has been disposed"));
  });

  it("the table functions and fromBlob refuse what they cannot read with a typed error, not a TypeError", async () => {
    const records = Array.from({ length: 20 }, (_, i) => ({ x: i, y: i % 2 ? "a" : "b" }));
    const { preparation } = prepareTable(records, { target: "y" });
    const cases: [() => unknown, string][] = [
      [() => fitTable(null as never, { target: "y" }), "records must be an array of objects (column name → cell), got null"],
      [() => prepareTable([...records, null as never], { target: "y" }), "records[20] must be an object (column name → cell), got null"],
      [() => encodeRecords(preparation, [null as never]), "records[0] must be an object (column name → cell), got null"],
      [() => encodeRecords({ columns: null } as never, []), "preparation: not a complete table preparation (use what fitTable or prepareTable returns, or a model's metadata.preparation)"],
      [() => encodeTargets(preparation, "records" as never), 'records must be an array of objects (column name → cell), got "records"'],
    ];
    for (const [f, message] of cases) {
      const error = await failure(f);
      expect(error).toBeInstanceOf(WasmlpError);
      expect((error as Error).message).toBe(message);
    }
    await expect(Network.fromBlob(null as never)).rejects.toThrow(new ConfigError("Network.fromBlob: expected a Blob, got null"));
  });

  it("every public entry point answers ill-typed arguments with a typed error (or takes them), never a TypeError or RangeError", async () => {
    const weird: unknown[] = [null, undefined, 1n, "x", {}, [], Number.NaN, Symbol("s"), () => 1, -1, 0, 1.5, Infinity, [[1n]], [[null]], { length: 3 },
      new Float64Array(3), true, Object.create(null), { length: 2 ** 40 }];
    const net = await Network.create({ inputSize: 2, seed: 1, backend: "ts", loss: "squaredError", layers: [{ size: 3, activation: "tanh" }, { size: 1, activation: "identity" }] });
    const x = [[1, 2]], y = [[1]];
    const fit = (options: object) => net.fit(x, y, { epochs: 1, ...options });
    const entries: Record<string, (a: never) => unknown> = {
      forward: (a) => net.forward(a), backward: (a) => { net.forward(x); return net.backward(a); }, predict: (a) => net.predict(a),
      evaluateInputs: (a) => net.evaluate(a, y), evaluateOptions: (a) => net.evaluate(x, y, a), fitInputs: (a) => net.fit(a, y, { epochs: 1 }),
      fitTargets: (a) => net.fit(x, a, { epochs: 1 }), fitOptions: (a) => net.fit(x, y, a), batchSize: (a) => fit({ batchSize: a }),
      optimizer: (a) => fit({ optimizer: a }), schedule: (a) => fit({ schedule: a }), validationData: (a) => fit({ validationData: a }),
      validationInputs: (a) => fit({ validationData: { inputs: a, targets: y } }), earlyStopping: (a) => fit({ earlyStopping: a }), metrics: (a) => fit({ metrics: a }),
      seed: (a) => fit({ seed: a }), clipNorm: (a) => fit({ clipNorm: a }), validationSplit: (a) => fit({ validationSplit: a }), onEpochEnd: (a) => fit({ onEpochEnd: a }),
      yieldEveryMs: (a) => net.fitAsync(x, y, { epochs: 1, yieldEveryMs: a }), weights: (a) => net.weights(a), biases: (a) => net.biases(a), nodeErrors: (a) => net.nodeErrors(a),
      setParameters: (a) => net.setParameters(1, a), setWeights: (a) => net.setParameters(1, { weights: a }), setBiases: (a) => net.setParameters(1, { biases: a }),
      setLayer: (a) => net.setParameters(a, {}), toJSON: (a) => net.toJSON(a), toBinary: (a) => net.toBinary(a), toJSONText: (a) => net.toJSONText(a),
      toONNX: (a) => net.toONNX(a), inputScaling: (a) => net.toONNX({ inputScaling: a }), fromJSON: (a) => Network.fromJSON(a), fromJSONOptions: (a) => Network.fromJSON(net.toJSON(), a),
      fromBinary: (a) => Network.fromBinary(a), fromONNX: (a) => Network.fromONNX(a), fromSafetensors: (a) => Network.fromSafetensors(a), fromBlob: (a) => Network.fromBlob(a),
      activations: async (a) => Network.fromSafetensors(await net.toSafetensors(), { activations: a }), loadCheckpoint: (a) => Network.loadCheckpoint(a),
      create: (a) => Network.create(a), layers: (a) => Network.create({ inputSize: 2, loss: "squaredError", layers: a }), layer: (a) => Network.create({ inputSize: 2, loss: "squaredError", layers: [a] }),
      batchCapacity: (a) => Network.create({ inputSize: 2, loss: "squaredError", layers: [{ size: 1, activation: "identity" }], batchCapacity: a }),
      sgd: (a) => new SGD(net, a), adam: (a) => new Adam(net, a), optimizerNetwork: (a) => new SGD(a, { lr: 0.1 }), metadata: (a) => { net.metadata = a; }, metadataValue: (a) => { net.metadata = { a }; },
      matrix: (a) => new Matrix(a, 1, new Float64Array(1)), fitTable: (a) => fitTable([{ a: 1, y: "a" }, { a: 2, y: "b" }], a), records: (a) => fitTable(a, { target: "y" }),
      encodeRecords: (a) => encodeRecords(a, []), predictRecords: (a) => predictRecords(net, a),
      savePath: (a) => (typeof a === "string" ? undefined : save(net, a)), loadPath: (a) => (typeof a === "string" ? undefined : load(a)),
    };
    const untyped: string[] = [];
    for (const [name, entry] of Object.entries(entries)) {
      for (const [i, value] of weird.entries()) {
        const error = await failure(() => entry(value as never));
        if (error !== undefined && !(error instanceof WasmlpError)) untyped.push(`${name}(weird[${i}]): ${(error as Error).name}: ${(error as Error).message}`);
      }
    }
    net.metadata = {};
    expect(untyped).toEqual([]);
  });

  it("null options, own keys named like Object.prototype's: typed errors or plain success, never a TypeError", async () => {
    const net = await create();
    expect(() => net.setParameters(1, null as never)).toThrow(ConfigError);
    await expect(Network.fromJSON(net.toJSON(), null as never)).rejects.toThrow(ConfigError);
    const json = net.toJSON();
    expect(params(await Network.fromJSON({ ...json, constructor: 1, metadata: { constructor: "x", toString: 2 } }))).toEqual(params(net));
    // a table column named "constructor": a record without it has no such key (Object.prototype's constructor is no cell)
    const records = Array.from({ length: 30 }, (_, i) => ({ constructor: String(i % 3), x: i / 7, y: i % 2 ? "a" : "b" }));
    const prepared = prepareTable(records, { target: "y", categorical: ["constructor"] });
    expect(encodeRecords(prepared.preparation, [{ x: 1, y: "a" }]).problems).toEqual([{ row: 0, column: "constructor", message: "the record has no such key (give every column, blank if unknown)" }]);
  });
});

describe("F14: hand-edited models on the command line", () => {
  const trained = join(dir, "iris-f14.json");
  const edited = (name: string, edit: (metadata: Record<string, any>) => void): string => {
    if (!readdirSync(dir).includes("iris-f14.json")) ok("train", "data/iris.csv", "--epochs", "2", "--out", trained);
    const model = JSON.parse(readFileSync(trained, "utf8")) as { metadata: Record<string, any> };
    edit(model.metadata);
    const path = join(dir, name);
    writeFileSync(path, JSON.stringify(model));
    return path;
  };

  it("get the model-file exit code (4) and a one-line error naming the file, never exit 1 or a TypeError", () => {
    const legacy = (m: Record<string, any>, change: (l: Record<string, any>) => void) => {
      const p = m.preparation;
      const l: Record<string, any> = { producer: "wasmlp train", task: "classification", target: "species", classes: p.target.classes, features: p.columns.map((c: { name: string }) => c.name),
        featureScaling: { mean: p.columns.map((c: { mean: number }) => c.mean), std: p.columns.map((c: { std: number }) => c.std) } };
      change(l);
      for (const key of Object.keys(m)) delete m[key];
      Object.assign(m, l);
    };
    const cases: [string, (m: Record<string, any>) => void, string[]][] = [
      ["classes.json", (m) => { m.preparation.target.classes = [1, 2, 3]; }, ["predict", "evaluate", "inspect"]],
      ["std0.json", (m) => { m.preparation.columns[0].std = 0; }, ["predict", "evaluate", "inspect"]],
      ["legacy-classes.json", (m) => legacy(m, (l) => { l.classes = [1, 2, 3]; }), ["predict", "evaluate", "inspect"]],
      ["legacy-std0.json", (m) => legacy(m, (l) => { l.featureScaling.std[0] = 0; }), ["predict", "evaluate", "inspect"]],
      ["record.json", (m) => { m.training.seconds = null; }, ["inspect", "predict"]],
      ["record-true.json", (m) => { m.training = true; }, ["inspect"]],
      // found by the fuzzer: a number written as a string passed "> 0", then inspect's toPrecision threw
      ["std-string.json", (m) => { m.preparation.columns[1].std = "2"; }, ["inspect", "predict"]],
      ["scaling-string.json", (m) => { m.preparation.target = { name: "species", task: "regression", scaling: { mean: 1, std: "1" } }; }, ["inspect"]],
      ["duplicate-classes.json", (m) => { m.preparation.target.classes = ["setosa", "setosa", "virginica"]; }, ["predict"]],
      ["indicator-string.json", (m) => { m.preparation.columns[0].missingIndicator = "yes"; }, ["predict"]],
    ];
    for (const [name, edit, commands] of cases) {
      const model = edited(name, edit);
      for (const command of commands) {
        const r = command === "inspect" ? wasmlp("inspect", model) : wasmlp(command, model, "data/iris.csv");
        expect([command, name, r.code]).toEqual([command, name, 4]);
        expect(r.stderr).toMatch(new RegExp(`^error: ${model.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}: [^\n]+\n$`));
      }
    }
  });

  it("a 10 MB class name is cut in the error line", () => {
    const model = edited("huge-class.json", (m) => { m.preparation.target.classes[0] = "s".repeat(10_000_000); });
    const r = wasmlp("predict", model, "data/iris.csv");
    expect(r.code).toBe(3);
    expect(r.stderr.length).toBeLessThan(400);
    expect(r.stderr).toContain("unknown class 'setosa' (the model knows ssssssss");
  });
});

describe("F11: trainInWorker (Node, worker_threads; the built library, as users run it)", async () => {
  const built = (await import(`${ROOT}dist/node.js`)) as typeof import("../src/node.js");
  const flat = (rows: number[][]) => Float64Array.from(rows.flat());
  const job = async () => {
    const { inputs, targets } = blobs(12, 10);
    const net = await built.Network.create({ inputSize: 4, seed: 2, backend: "ts", loss: "crossEntropy", layers: [{ size: 5, activation: "tanh" }, { size: 3, activation: "softmax" }] });
    return { net, inputs: flat(inputs), targets: flat(targets) };
  };

  it("a throwing onEpochEnd fails `done` with a typed CallbackError, and nothing escapes as an uncaught error", async () => {
    const uncaught: unknown[] = [];
    const onUncaught = (e: unknown) => uncaught.push(e);
    process.on("uncaughtException", onUncaught);
    try {
      const { net, inputs, targets } = await job();
      const before = net.toBinary();
      const boom = new Error("boom");
      const training = built.trainInWorker(net, inputs, targets, { epochs: 50, backend: "ts", onEpochEnd: (log) => { if (log.epoch === 2) throw boom; } });
      const error = await training.done.then(() => undefined, (e: unknown) => e);
      expect(error).toBeInstanceOf(built.CallbackError);
      expect(error).toMatchObject({ code: "CALLBACK", cause: boom, message: "trainInWorker: onEpochEnd (epoch 2) threw Error: boom; training was stopped (the network is unchanged)" });
      expect(net.toBinary()).toEqual(before);
      await new Promise((resolve) => setTimeout(resolve, 50)); // any later message of the worker is ignored
      expect(uncaught).toEqual([]);
    } finally {
      process.off("uncaughtException", onUncaught);
    }
  });

  it("an option a worker cannot receive, such as a schedule function, is named at once; so are bad callbacks and shared buffers", async () => {
    const { net, inputs, targets } = await job();
    const refuse = (options: object, message: string, data: [Float64Array, Float64Array] = [inputs, targets]) => {
      const error = (() => { try { built.trainInWorker(net, data[0], data[1], options as never); } catch (e) { return e; } return undefined; })();
      expect(error).toBeInstanceOf(built.WasmlpError);
      expect((error as Error).message).toBe(message);
    };
    refuse({ schedule: (epoch: number) => 0.01 / (epoch + 1) },
      "trainInWorker options: schedule is a function, which cannot be sent to a worker: use a built-in schedule ({ type: 'step' | 'exponential' | 'cosine', … }), or train with fit() / fitAsync()");
    refuse({ earlyStopping: { monitor: "loss", patience: () => 3 } }, "trainInWorker options: earlyStopping.patience is a function, which cannot be sent to a worker");
    refuse({ onEpochEnd: "log" }, 'trainInWorker options: onEpochEnd must be a function, got "log"');
    refuse({ snapshotEvery: -1 }, "trainInWorker options: snapshotEvery must be a whole number ≥ 0, got -1");
    refuse({ epochs: 2 ** 32 }, "epochs: 4294967296 more would make 4294967296, more than the 4294967295 a network's life may count (a model file stores the count in 32 bits); use epochs: Infinity to train until a stop condition");
    const shared = new Float64Array(48 + 36);
    refuse({}, "trainInWorker: inputs and targets share one buffer, which can be transferred to the worker only once; pass copies", [shared.subarray(0, 48), shared.subarray(48)]);
    expect(inputs.length).toBe(48); // nothing was transferred
  });

  it("a falsy callback is no callback, as in fit(); a data shape the worker would refuse is named on the page", async () => {
    const { net, inputs, targets } = await job();
    const result = await built.trainInWorker(net, inputs, targets, { epochs: 2, backend: "ts", onEpochEnd: Number.NaN as never, onSnapshot: false as never }).done;
    expect(result.stopReason).toBe("completed");
    const { net: other, inputs: moreInputs, targets: moreTargets } = await job();
    expect(() => built.trainInWorker(other, moreInputs.subarray(0, 47), moreTargets)).toThrow(new built.ShapeError("training inputs: a flat array of 47 values is not a whole number of rows of 4"));
    expect(() => built.trainInWorker(other, moreInputs, moreTargets.subarray(0, 33))).toThrow("trainInWorker: 12 training input rows but 11 target rows");
  });

  it("epochs: Infinity runs in the worker until the page stops it", async () => {
    const { net, inputs, targets } = await job();
    const result = await built.trainInWorker(net, inputs, targets, { epochs: Infinity, backend: "ts", onEpochEnd: (log) => log.epoch < 3 }).done;
    expect(result.stopReason).toBe("aborted");
    expect(result.epochs.length).toBeGreaterThanOrEqual(3);
  });
});

describe("found by the loader fuzzer (test/fuzz.test.ts)", () => {
  it("a -0 epoch count, step or seed reads as 0, so a JSON file saves and reloads bit-identically", async () => {
    const net = await create();
    const checkpoint = net.toJSON({ optimizer: new Adam(net) });
    const edited = { ...checkpoint, training: { ...checkpoint.training!, epochs: -0, seed: -0, optimizer: { ...checkpoint.training!.optimizer!, step: -0 } } };
    const { network, optimizer } = await Network.loadCheckpoint(edited);
    const text = network.toJSONText({ optimizer });
    expect(text).toContain('"training":{"epochs":0,"seed":0,');
    const again = await Network.loadCheckpoint(network.toBinary({ optimizer }));
    expect(again.network.toJSONText({ optimizer: again.optimizer })).toBe(text);
  });

  it("ONNX: an input scaling whose std folds the weights to Infinity is refused, not loaded as a network no writer can save", async () => {
    const net = await Network.create({ inputSize: 2, seed: 1, backend: "ts", loss: "squaredError", layers: [{ size: 2, activation: "identity" }] });
    const onnx = await net.toONNX({ inputScaling: { mean: [0, 0], std: [1, 0.75] } });
    // a hand edit: the std 0.75 becomes 1e-320 (toONNX itself refuses to write such a file)
    const pattern = new Uint8Array(Float64Array.of(0.75).buffer), at = Buffer.from(onnx).indexOf(Buffer.from(pattern));
    new DataView(onnx.buffer, onnx.byteOffset).setFloat64(at, 1e-320, true);
    await expect(Network.fromONNX(onnx)).rejects.toThrow(/^ONNX: folding wasmlp's input or output scaling into the weights makes parameter 1 -?Infinity/);
  });
});

describe("JSON text: one maximum length for the writer and the readers", () => {
  it("toJSONText refuses what load() would refuse (a typed error pointing to the binary format)", async () => {
    const net = await create();
    const text = net.toJSONText();
    expect(modelText(net.toJSON(), text.length)).toBe(text);
    expect(() => modelText(net.toJSON(), text.length - 1)).toThrow(new ConfigError(`the model as JSON text would be ${text.length} bytes, more than the ${text.length - 1} bytes a JSON model may have; save it in the binary format`));
    net.metadata = { name: "é".repeat(100) }; // 2 bytes each in UTF-8
    const accented = net.toJSONText();
    expect(() => modelText(net.toJSON(), accented.length + 50)).toThrow(ConfigError);
    expect(MAX_JSON_TEXT_BYTES).toBe(2 ** 28);
  });
});

describe("ONNX: whatever toONNX writes, fromONNX reads", () => {
  it("a weight that float32 rounds to Infinity, or a scaling that would fold into infinite weights, is refused when writing", async () => {
    const net = await Network.create({ inputSize: 2, seed: 1, backend: "ts", loss: "squaredError", layers: [{ size: 2, activation: "identity" }] });
    net.setParameters(1, { weights: [[1e39, 0], [0, 1]] });
    await expect(net.toONNX({ precision: "float32" })).rejects.toThrow(new ConfigError("toONNX: the file would not read back (initializer 'W1': its value 0 is Infinity)"));
    expect((await Network.fromONNX(await net.toONNX())).weights(1).get(0, 0)).toBe(1e39);
    net.setParameters(1, { weights: [[1, 0], [0, 1]] });
    await expect(net.toONNX({ inputScaling: { mean: [0, 0], std: [1, 1e-320] } })).rejects.toThrow(/^toONNX: the file would not read back \(folding wasmlp's input or output scaling into the weights makes parameter 3 Infinity/);
  });
});
