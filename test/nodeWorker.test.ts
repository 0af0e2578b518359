// trainInWorker() in Node: the browser's protocol over worker_threads, bit-identical to fit().
// The worker script is the built one (dist/worker/nodeWorkerEntry.js), as users run it.
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import type * as Wasmlp from "../src/node.js";
import { ROOT } from "./helpers.js";

const lib = (await import(`${ROOT}dist/node.js`)) as typeof Wasmlp;
const { Network, trainInWorker, WorkerError, BackendError } = lib;

const x = Array.from({ length: 40 }, (_, i) => [Math.sin(i), Math.cos(1.7 * i), (i % 5) / 5]);
const y = x.map(([a, b]) => (a! * b! > 0 ? [1, 0] : [0, 1]));
const create = (backend: "wasm" | "ts") => Network.create({
  inputSize: 3, seed: 11, backend, loss: "crossEntropy", layers: [{ size: 6, activation: "tanh" }, { size: 2, activation: "softmax" }],
});
const flat = (rows: number[][]) => Float64Array.from(rows.flat());
const params = (net: Wasmlp.Network) => JSON.stringify(net.toJSON().layers);

describe.each(["wasm", "ts"] as const)("trainInWorker in Node on %s", (backend) => {
  it.each([
    ["adam, validation split, metrics", { epochs: 12, batchSize: 8, optimizer: { type: "adam", lr: 0.02 }, validationSplit: 0.25, metrics: ["accuracy"] }],
    ["sgd with nesterov momentum, step schedule", { epochs: 9, batchSize: 5, optimizer: { type: "sgd", lr: 0.1, momentum: 0.9, nesterov: true }, schedule: { type: "step", stepSize: 3 } }],
    ["early stopping", { epochs: 30, batchSize: 4, optimizer: "adam", earlyStopping: { monitor: "loss", patience: 2, minDelta: 0.5 } }],
  ] as const)("is bit-identical to fit(): %s", async (_name, options) => {
    const here = await create(backend);
    const history = here.fit(x, y, options as Wasmlp.FitOptions);
    const logged: number[] = [];
    const job = trainInWorker(await create(backend), flat(x), flat(y), { ...(options as object), backend, onEpochEnd: (log) => { logged.push(log.loss); } });
    const result = await job.done;
    expect(params(result.network)).toBe(params(here));
    expect(result.epochs.map((e) => e.loss)).toEqual(history.epochs.map((e) => e.loss));
    expect(logged).toEqual(history.epochs.map((e) => e.loss));
    expect(result.stopReason).toBe(history.stopReason);
    expect(result.backend).toBe(backend);
    // and the optimizer state came back: one more epoch each stays identical
    here.fit(x, y, { ...(options as Wasmlp.FitOptions), epochs: 1, optimizer: history.optimizer });
    result.network.fit(x, y, { ...(options as Wasmlp.FitOptions), epochs: 1, optimizer: result.optimizer });
    expect(params(result.network)).toBe(params(here));
  });
});

describe("trainInWorker in Node with threads", () => {
  it("trains on a team of its own with the same bits as fit() on one thread, and says how many threads ran", async () => {
    // layers large enough that every job is split (64·256 multiply-adds a row, batches of 64)
    const wide = Array.from({ length: 192 }, (_, i) => Array.from({ length: 64 }, (_, k) => Math.sin(i * 0.7 + k * 0.31)));
    const labels = wide.map((row) => (row[0]! + row[5]! > 0 ? [1, 0, 0] : row[9]! > 0 ? [0, 1, 0] : [0, 0, 1]));
    const make = () => Network.create({ inputSize: 64, seed: 5, backend: "wasm", loss: "crossEntropy", layers: [{ size: 256, activation: "relu" }, { size: 3, activation: "softmax" }] });
    const options = { epochs: 4, batchSize: 64, optimizer: { type: "adam", lr: 0.01 } } as const;
    const here = await make();
    const history = here.fit(wide, labels, options);
    const result = await trainInWorker(await make(), flat(wide), flat(labels), { ...options, threads: 2 }).done;
    expect(result.threads).toBe(2);
    expect(result.threadsReason).toBeUndefined();
    expect(params(result.network)).toBe(params(here));
    expect(result.epochs.map((e) => e.loss)).toEqual(history.epochs.map((e) => e.loss));
    expect(() => trainInWorker(here, flat(wide), flat(labels), { threads: 0 })).toThrow(/trainInWorker options: threads must be "auto" or a whole number from 1 to 64, not 0/);
    const single = await trainInWorker(await make(), flat(wide), flat(labels), { ...options, epochs: 1 }).done;
    expect(single.threads).toBe(1);
  });
});

describe("trainInWorker in Node: stopping and failures", () => {
  it("stops when onEpochEnd says so, rejects with the worker's typed error, and terminate() rejects", async () => {
    const stopped = await trainInWorker(await create("wasm"), flat(x), flat(y), { epochs: 100000, onEpochEnd: (log) => log.epoch < 3 }).done;
    expect(stopped.stopReason).toBe("aborted"); // the page's "stop" reaches the worker as an abort between batch groups
    expect(stopped.epochs.length).toBeGreaterThanOrEqual(3);
    expect(stopped.epochs.length).toBeLessThan(100000);
    const bad = trainInWorker(await create("wasm"), flat(x), flat(y.map(([a]) => [a!, -1])), { epochs: 2 }).done;
    await expect(bad).rejects.toBeInstanceOf(WorkerError);
    await expect(bad).rejects.toMatchObject({ code: "DATA", message: expect.stringMatching(/training targets: row 0, column 1 is negative/) });
    const job = trainInWorker(await create("wasm"), flat(x), flat(y), { epochs: 100000 });
    job.terminate();
    await expect(job.done).rejects.toBeInstanceOf(BackendError);
  });

  it("never keeps a finished script's process alive", () => {
    const script = `
      import { Network, trainInWorker } from "wasmlp";
      const net = await Network.create({ inputSize: 2, seed: 1, loss: "squaredError", layers: [{ size: 1, activation: "identity" }] });
      const job = trainInWorker(net, Float64Array.of(0, 1, 1, 0), Float64Array.of(1, 2), { epochs: 5 });
      console.log((await job.done).epochs.length);`;
    const started = Date.now();
    const r = spawnSync(process.execPath, ["--input-type=module", "-e", script], { cwd: ROOT, encoding: "utf8", timeout: 30_000 });
    expect([r.status, r.stdout.trim(), r.stderr]).toEqual([0, "5", ""]);
    expect(Date.now() - started).toBeLessThan(20_000);
  });
});
