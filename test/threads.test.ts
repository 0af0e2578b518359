// Threads (issue 15): a team splits every kernel's output, so the results must be the same bits
// for every thread count — checked against the single-threaded build on the golden cases and on
// random shapes (odd sizes, batches smaller than the team, every optimizer and activation) — and a
// thread's failure, a finished script and a missing shared memory must all end cleanly.
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { Adam, Network, SGD, WorkerError, type Activation, type Loss } from "../src/node.js";
import { engineOf } from "../src/engine.js";
import { setThreadSpawner, threadSpawner, TeamWord, type ThreadSpawner } from "../src/backend/team.js";
import type { WasmBackend } from "../src/backend/wasm.js";
import { goldenCases, ROOT } from "./helpers.js";

type Variant = "wasm" | "wasm-fma";
const VARIANTS: readonly Variant[] = ["wasm", "wasm-fma"];
const nodeSpawner = threadSpawner();
afterEach(() => setThreadSpawner(nodeSpawner));

/** Every layer split, however small: the default leaves tiny layers on one thread. */
function splitEverything(net: Network): void {
  (engineOf(net).backend as WasmBackend).minWorkPerThread = 0;
}

const everything = (net: Network, optimizer?: SGD | Adam) => JSON.stringify(net.toJSON(optimizer ? { optimizer } : undefined), (_k, v) => (Object.is(v, -0) ? "-0" : v));

function data(rows: number, inputs: number, outputs: number, seed: number, oneHot: boolean) {
  const x = Array.from({ length: rows }, (_, r) => Array.from({ length: inputs }, (_, i) => Math.sin(seed * 7.1 + r * 1.3 + i * 0.71) * 2));
  const y = Array.from({ length: rows }, (_, r) => Array.from({ length: outputs }, (_, k) => (oneHot ? (k === (r * 7 + seed) % outputs ? 1 : 0) : Math.cos(r + k * 0.3 + seed) * 0.4 + 0.5)));
  return { x, y };
}

describe("threads: the team block", () => {
  it("assembly/team.ts and src/backend/team.ts agree on every word", () => {
    const source = readFileSync(join(ROOT, "assembly/team.ts"), "utf8");
    const words = Object.fromEntries([...source.matchAll(/export const J_(\w+): i32 = (\d+);/g)].map((m) => [m[1]!.toLowerCase().replace(/_(\w)/g, (_, c: string) => c.toUpperCase()), Number(m[2])]));
    expect(words).toEqual({ ...TeamWord, minWork: TeamWord.minWork });
  });
});

describe.each(VARIANTS)("threads: the same bits for every count (%s)", (backend) => {
  for (const g of goldenCases()) {
    it(`golden case ${g.name}: fit() with threads 1–4 equals the single-threaded build and the oracle's steps`, async () => {
      const runs: string[] = [];
      const losses: number[][] = [];
      for (const threads of [0, 1, 2, 3, 4]) { // 0: the plain build
        const net = await Network.fromJSON(g.model, threads === 0 ? { backend } : { backend, threads });
        expect(net.threads).toBe(Math.max(threads, 1));
        if (threads > 0) splitEverything(net);
        const { type, ...settings } = g.optimizer;
        const optimizer = type === "sgd" ? new SGD(net, settings) : new Adam(net, settings);
        const history = net.fit(g.batch.inputs, g.batch.targets, { epochs: g.steps.length, batchSize: g.batch.inputs.length, shuffle: false, optimizer });
        losses.push(history.epochs.map((e) => e.loss));
        runs.push(everything(net, optimizer));
        if (backend === "wasm") { // the oracle's weights after the last step (PyTorch float64; fma rounds differently)
          const last = g.steps.at(-1)!;
          last.layers.forEach((layer, l) => {
            const mine = net.weights(l + 1).data;
            layer.weights.forEach((w, i) => expect(Math.abs(mine[i]! - w)).toBeLessThan(1e-12 * Math.max(1, Math.abs(w))));
          });
        }
        net.dispose();
      }
      for (const run of runs.slice(1)) expect(run).toBe(runs[0]);
      for (const l of losses.slice(1)) expect(l).toEqual(losses[0]);
    });
  }

  const cases: { name: string; inputSize: number; layers: { size: number; activation: Activation }[]; loss: Loss; batchSize: number; rows: number; optimizer: (net: Network) => SGD | Adam; clipNorm?: number }[] = [
    { name: "odd sizes, sigmoid/tanh, squared error, SGD batch 5", inputSize: 7, layers: [{ size: 13, activation: "sigmoid" }, { size: 9, activation: "tanh" }, { size: 3, activation: "identity" }], loss: "squaredError", batchSize: 5, rows: 23, optimizer: (n) => new SGD(n, { lr: 0.05 }) },
    { name: "batches of 1 (fewer rows than threads), relu, SGD momentum", inputSize: 6, layers: [{ size: 11, activation: "relu" }, { size: 2, activation: "sigmoid" }], loss: "binaryCrossEntropy", batchSize: 1, rows: 9, optimizer: (n) => new SGD(n, { lr: 0.03, momentum: 0.9 }) },
    { name: "batches of 3, leaky relu, softmax, nesterov + weight decay", inputSize: 5, layers: [{ size: 17, activation: "leakyRelu" }, { size: 4, activation: "softmax" }], loss: "crossEntropy", batchSize: 3, rows: 14, optimizer: (n) => new SGD(n, { lr: 0.05, momentum: 0.8, nesterov: true, weightDecay: 1e-3 }) },
    { name: "wide and deep, Adam with clipping, batch 37", inputSize: 29, layers: [{ size: 67, activation: "relu" }, { size: 45, activation: "tanh" }, { size: 10, activation: "softmax" }], loss: "crossEntropy", batchSize: 37, rows: 100, optimizer: (n) => new Adam(n, { lr: 0.003, weightDecay: 1e-4 }), clipNorm: 0.5 },
    // batch 1 with plain SGD: one thread runs the fused per-sample loop (assembly/online.ts), a team the general loop
    { name: "online: batch 1, plain SGD, sigmoid + softmax cross-entropy", inputSize: 9, layers: [{ size: 14, activation: "sigmoid" }, { size: 6, activation: "relu" }, { size: 4, activation: "softmax" }], loss: "crossEntropy", batchSize: 1, rows: 31, optimizer: (n) => new SGD(n, { lr: 0.05, weightDecay: 1e-3 }) },
    { name: "online: batch 1, plain SGD, tanh + sigmoid binary cross-entropy", inputSize: 3, layers: [{ size: 4, activation: "tanh" }, { size: 2, activation: "sigmoid" }], loss: "binaryCrossEntropy", batchSize: 1, rows: 40, optimizer: (n) => new SGD(n, { lr: 0.5 }) },
    // tiny layers with squared error: one thread takes online.ts's scalar path (trainTiny)
    { name: "online tiny: 3-4-2 sigmoid, squared error, plain SGD with weight decay", inputSize: 3, layers: [{ size: 4, activation: "sigmoid" }, { size: 2, activation: "sigmoid" }], loss: "squaredError", batchSize: 1, rows: 37, optimizer: (n) => new SGD(n, { lr: 0.5, weightDecay: 1e-3 }) },
    { name: "online tiny: 7-9-5-3 relu/tanh/identity, squared error", inputSize: 7, layers: [{ size: 9, activation: "relu" }, { size: 5, activation: "tanh" }, { size: 3, activation: "identity" }], loss: "squaredError", batchSize: 1, rows: 29, optimizer: (n) => new SGD(n, { lr: 0.05 }) },
    { name: "softmax under squared error, Adam, batch 8", inputSize: 3, layers: [{ size: 5, activation: "sigmoid" }, { size: 6, activation: "softmax" }], loss: "squaredError", batchSize: 8, rows: 30, optimizer: (n) => new Adam(n, { lr: 0.01 }) },
  ];
  for (const c of cases) {
    it(`${c.name}: parameters, optimizer state, losses and predictions`, async () => {
      const output = c.layers.at(-1)!.size;
      const { x, y } = data(c.rows, c.inputSize, output, c.rows, c.loss === "crossEntropy");
      const runs: string[] = [];
      const results: unknown[] = [];
      for (const threads of [0, 1, 2, 3, 4]) {
        const net = await Network.create({ inputSize: c.inputSize, layers: c.layers, loss: c.loss, seed: 11, backend, ...(threads > 0 ? { threads } : {}) });
        if (threads > 0) splitEverything(net);
        const optimizer = c.optimizer(net);
        const history = net.fit(x, y, { epochs: 4, batchSize: c.batchSize, optimizer, validationSplit: 0.2, seed: 3, ...(c.clipNorm ? { clipNorm: c.clipNorm } : {}) });
        runs.push(everything(net, optimizer));
        results.push({ history: history.epochs.map(({ seconds: _s, samplesPerSecond: _p, ...e }) => e), predict: Array.from(net.predict(x).data), evaluate: net.evaluate(x, y) });
        net.dispose();
      }
      for (const run of runs.slice(1)) expect(run).toBe(runs[0]);
      for (const r of results.slice(1)) expect(r).toEqual(results[0]);
    });
  }

  it("online training that diverges stops at the same sample, with the same weights, on the fused loop and on a team", async () => {
    const { x, y } = data(30, 5, 2, 6, false);
    const errors: string[] = [], runs: string[] = [];
    for (const threads of [0, 3]) {
      const net = await Network.create({ inputSize: 5, layers: [{ size: 7, activation: "identity" }, { size: 2, activation: "identity" }], loss: "squaredError", seed: 2, backend, ...(threads ? { threads } : {}) });
      if (threads) splitEverything(net);
      try {
        net.fit(x.map((r, i) => r.map((v) => v * 10 ** (i / 2))), y, { epochs: 2, batchSize: 1, seed: 1, optimizer: new SGD(net, { lr: 0.3 }) });
      } catch (error) {
        errors.push((error as Error).message);
      }
      runs.push(everything(net));
    }
    expect(errors).toHaveLength(2);
    expect(errors[0]).toMatch(/training diverged in epoch 1, batch \d+ of 30/);
    expect(errors[1]).toBe(errors[0]);
    expect(runs[1]).toBe(runs[0]);
  });

  it("fitAsync on threads gives fit()'s bits, and the default split (small layers on one thread) too", async () => {
    const { x, y } = data(64, 40, 5, 1, true);
    const make = (threads?: number) => Network.create({ inputSize: 40, layers: [{ size: 48, activation: "relu" }, { size: 5, activation: "softmax" }], loss: "crossEntropy", seed: 5, backend, ...(threads ? { threads } : {}) });
    const plain = await make();
    plain.fit(x, y, { epochs: 3, batchSize: 16, optimizer: new SGD(plain, { lr: 0.1 }) });
    const threaded = await make(2);
    await threaded.fitAsync(x, y, { epochs: 3, batchSize: 16, optimizer: new SGD(threaded, { lr: 0.1 }) });
    const defaults = await make(3);
    defaults.fit(x, y, { epochs: 3, batchSize: 16, optimizer: new SGD(defaults, { lr: 0.1 }) });
    expect(everything(threaded)).toBe(everything(plain));
    expect(everything(defaults)).toBe(everything(plain));
    for (const n of [plain, threaded, defaults]) n.dispose();
  });
});

describe("threads: options, fallback and lifecycle", () => {
  const shape = { inputSize: 8, layers: [{ size: 12, activation: "tanh" as const }, { size: 3, activation: "softmax" as const }], loss: "crossEntropy" as const, seed: 9 };

  it("threads is checked before anything starts, on create and on every loader", async () => {
    await expect(Network.create({ ...shape, threads: 0 })).rejects.toThrow(/threads must be "auto" or a whole number from 1 to 64, not 0/);
    await expect(Network.create({ ...shape, threads: 2.5 })).rejects.toThrow(/threads must be/);
    await expect(Network.create({ ...shape, threads: "all" as never })).rejects.toThrow(/not "all"/);
    const json = (await Network.create(shape)).toJSON();
    await expect(Network.fromJSON(json, { threads: 65 })).rejects.toThrow(/from 1 to 64/);
    await expect(Network.fromJSON(json, { thread: 2 } as never)).rejects.toThrow(/did you mean 'threads'/);
    const loaded = await Network.fromBinary((await Network.create(shape)).toBinary(), { threads: 2 });
    expect(loaded.threads).toBe(2);
    loaded.dispose();
  });

  it('"auto" takes every hardware thread (up to 8) — but not for a network too small to split; the ts backend says why it runs on one', async () => {
    const auto = await Network.create({ inputSize: 64, layers: [{ size: 64, activation: "relu" }, { size: 3, activation: "softmax" }], loss: "crossEntropy", threads: "auto" });
    expect(auto.threads).toBe(Math.min(nodeSpawner.hardwareThreads(), 8));
    auto.dispose();
    const tiny = await Network.create({ ...shape, threads: "auto" }); // largest layer 8 × 12
    expect(tiny.threads).toBe(1);
    expect(tiny.threadsReason).toBe('threads: "auto" keeps this network on one thread: its largest layer has 96 weights, and splitting pays from 4096');
    const asked = await Network.create({ ...shape, threads: 2 }); // a count is a count
    expect(asked.threads).toBe(2);
    asked.dispose();
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    const ts = await Network.create({ ...shape, backend: "ts", threads: 2 });
    expect(ts.threads).toBe(1);
    expect(ts.threadsReason).toMatch(/backend 'ts' runs on one thread/);
    expect(warn).toHaveBeenCalledWith(expect.stringMatching(/threads: 2 asked for, training on 1: backend 'ts'/));
    warn.mockRestore();
  });

  it("where shared memory is missing, threads falls back to 1 and says why (a warning when a count was asked for)", async () => {
    const noShared: ThreadSpawner = { ...nodeSpawner, unavailable: () => "shared memory needs a cross-origin-isolated page" };
    setThreadSpawner(noShared);
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    const net = await Network.create({ ...shape, threads: 4 });
    expect(net.threads).toBe(1);
    expect(net.threadsReason).toMatch(/cross-origin-isolated/);
    expect(warn).toHaveBeenCalledTimes(1);
    const auto = await Network.create({ ...shape, threads: "auto" });
    expect(auto.threads).toBe(1);
    expect(warn).toHaveBeenCalledTimes(1); // "auto" asked for nothing in particular
    warn.mockRestore();
    const { x, y } = data(10, 8, 3, 2, true);
    net.fit(x, y, { epochs: 1, batchSize: 4 });
  });

  it("a thread that fails in the middle of a job fails the call with a WorkerError; the network keeps its last good weights and carries on alone", async () => {
    // A thread given a scratch region outside the memory traps at its first packed product.
    setThreadSpawner({ ...nodeSpawner, spawn: (source, start) => nodeSpawner.spawn(source, start.index === 2 ? { ...start, scratch: 0x7ff00000 } : start) });
    const wide = { inputSize: 32, layers: [{ size: 64, activation: "relu" as const }, { size: 4, activation: "softmax" as const }], loss: "crossEntropy" as const, seed: 4 };
    const net = await Network.create({ ...wide, threads: 3 });
    splitEverything(net);
    expect(net.threads).toBe(3);
    const before = everything(net);
    const { x, y } = data(40, 32, 4, 3, true);
    const optimizer = new SGD(net, { lr: 0.1, momentum: 0.5 });
    expect(() => net.fit(x, y, { epochs: 2, batchSize: 8, optimizer, seed: 7 })).toThrow(WorkerError);
    expect(everything(net)).toBe(before);
    expect(() => net.fit(x, y, { epochs: 1, batchSize: 8, optimizer, seed: 7 })).not.toThrow(); // on one thread now
    expect(net.threads).toBe(1);
    expect(net.threadsReason).toMatch(/thread 2 failed: RuntimeError/);
    // …and it trained from the weights it had before the failed call: as a fresh network does in one epoch.
    const fresh = await Network.create(wide);
    expect(everything(fresh)).toBe(before);
    fresh.fit(x, y, { epochs: 1, batchSize: 8, seed: 7, optimizer: new SGD(fresh, { lr: 0.1, momentum: 0.5 }) });
    expect(everything(net)).toBe(everything(fresh));
  });

  it("a thread that dies between jobs fails the next call before anything runs", async () => {
    // Thread 1 ends itself a moment after joining, as a crashed worker would.
    setThreadSpawner({ ...nodeSpawner, spawn: (source, start) => nodeSpawner.spawn(start.index === 1 ? `${source}\nsetTimeout(() => process.exit(3), 50);\n` : source, start) });
    const net = await Network.create({ ...shape, threads: 2 });
    splitEverything(net);
    const before = everything(net);
    await new Promise((resolve) => setTimeout(resolve, 500));
    const { x, y } = data(16, 8, 3, 1, true);
    expect(() => net.fit(x, y, { epochs: 1, batchSize: 4, seed: 1 })).toThrow(/thread 1 failed: the worker exited \(code 3\); nothing was run/);
    expect(everything(net)).toBe(before);
    expect(net.threads).toBe(1);
    net.fit(x, y, { epochs: 1, batchSize: 4, seed: 1 });
    const alone = await Network.create(shape);
    alone.fit(x, y, { epochs: 1, batchSize: 4, seed: 1 });
    expect(everything(net)).toBe(everything(alone));
  });

  it("a finished script exits by itself, without dispose(), after training on threads", () => {
    const dir = mkdtempSync(join(tmpdir(), "wasmlp-threads-"));
    const script = join(dir, "train.mjs");
    writeFileSync(script, `
      import { Network, SGD } from ${JSON.stringify(join(ROOT, "dist/node.js"))};
      const net = await Network.create({ inputSize: 64, seed: 1, threads: 2, loss: "crossEntropy", layers: [{ size: 64, activation: "relu" }, { size: 4, activation: "softmax" }] });
      const x = Array.from({ length: 64 }, (_, r) => Array.from({ length: 64 }, (_, i) => Math.sin(r + i)));
      const y = Array.from({ length: 64 }, (_, r) => [0, 1, 2, 3].map((k) => (k === r % 4 ? 1 : 0)));
      net.fit(x, y, { epochs: 2, batchSize: 32, optimizer: new SGD(net, { lr: 0.1 }) });
      console.log("trained on", net.threads);
    `);
    const started = Date.now();
    const out = execFileSync(process.execPath, [script], { encoding: "utf8", timeout: 30_000 });
    expect(out.trim()).toBe("trained on 2");
    expect(Date.now() - started).toBeLessThan(15_000);
  });

  it("dispose() ends the workers, and memory does not grow from one fit() to the next", async () => {
    const net = await Network.create({ ...shape, threads: 2 });
    splitEverything(net);
    const { x, y } = data(32, 8, 3, 4, true);
    const optimizer = new SGD(net, { lr: 0.1 });
    net.fit(x, y, { epochs: 2, batchSize: 8, optimizer });
    const bytes = (engineOf(net).backend as WasmBackend).exports.memory.buffer.byteLength;
    for (let i = 0; i < 5; i++) net.fit(x, y, { epochs: 2, batchSize: 8, optimizer });
    expect((engineOf(net).backend as WasmBackend).exports.memory.buffer.byteLength).toBe(bytes);
    net.dispose();
    expect(() => net.threads).toThrow(/disposed/);
  });
});

describe("threads: the command line", () => {
  it("--threads 1 and --threads 3 train the same model bit for bit; predict takes --threads too; a bad count exits 2", async () => {
    const { wasmlp, ok, scratch } = await import("./cliRun.js");
    const path = scratch("wasmlp-threads-cli-");
    const common = ["train", "data/digits.csv", "--layers", "48", "--epochs", "2", "--batch-size", "64"];
    const one = ok(...common, "--threads", "1", "--out", path("one.json"));
    const three = ok(...common, "--threads", "3", "--out", path("three.json"));
    expect(one).toMatch(/wasm backend, 1 thread\n/);
    expect(three).toMatch(/wasm backend, 3 threads/);
    // the same model but for the training time the CLI records
    const model = (file: string) => { const m = JSON.parse(readFileSync(path(file), "utf8")); delete m.metadata.training.seconds; return m; };
    expect(model("three.json")).toEqual(model("one.json"));
    expect(ok("predict", path("three.json"), "data/digits.csv", "--threads", "2")).toBe(ok("predict", path("one.json"), "data/digits.csv"));
    const bad = wasmlp(...common, "--threads", "0");
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--threads <n>' argument '0' is invalid\. expected 'auto' or a whole number from 1 to 64/);
  });
});

describe("threads: a job that traps on the host's thread", () => {
  it("leaves the network alone, not half a team: the next step() updates every parameter", async () => {
    const shape = { inputSize: 12, layers: [{ size: 16, activation: "tanh" as const }, { size: 4, activation: "softmax" as const }], loss: "crossEntropy" as const, seed: 8 };
    const { x, y } = data(6, 12, 4, 5, true);
    const net = await Network.create({ ...shape, threads: 3 });
    splitEverything(net);
    const alone = await Network.create(shape);
    const steps = [new SGD(net, { lr: 0.1, momentum: 0.5 }), new SGD(alone, { lr: 0.1, momentum: 0.5 })];
    for (const n of [net, alone]) { n.forward(x); n.backward(y); }
    // a forward job over far more rows than the workspaces hold: every thread, the host's too, traps
    const engine = engineOf(net);
    expect(() => engine.backend.kernels.forward(engine.plan.net, 1 << 28)).toThrow(/out of bounds/);
    expect(net.threads).toBe(1);
    for (const step of steps) step.step(); // a direct kernel call, no job in between
    expect(everything(net)).toBe(everything(alone));
    for (const n of [net, alone]) { n.forward(x); n.backward(y); }
    for (const step of steps) step.step();
    expect(everything(net)).toBe(everything(alone));
  });
});
