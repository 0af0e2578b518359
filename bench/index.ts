// npm run bench: wasmlp's training speed on the four workloads, the wasm backend beside the pure-TS
// backend in one process, plus the raw SIMD GEMM rate of this machine, the module's size, and the
// heap growth over a long run. Ratios are only meaningful within one run: the machine is shared.
// Backend wasm-fma (relaxed SIMD) runs too: Node 20 has it behind a V8 flag, switched on here as
// Node 22 and current browsers have it by default.
import { cpus } from "node:os";
import { gzipSync } from "node:zlib";
import { Bench } from "tinybench";
import { Network, SGD, Adam, type BackendName, type ThreadsOption } from "../src/index.js";
import { fmaModuleBytes, moduleBytes, type WasmBackend } from "../src/backend/wasm.js";
import { enableRelaxedSimd } from "../src/node.js"; // (also: threads run on worker_threads)
import { engineOf } from "../src/engine.js";
import { flopsPerSample, workloads, type Workload } from "./workloads.js";

const TIME_MS = Number(process.env.BENCH_TIME_MS ?? 1500);
if (!enableRelaxedSimd()) throw new Error("relaxed SIMD did not switch on: backend wasm-fma cannot be measured");
const BACKENDS = ["wasm", "wasm-fma", "ts"] as const;

interface Row {
  workload: string;
  backend: BackendName;
  samplesPerSecond: number;
  gflops: number;
  rme: number;
}

/** Rows per timed epoch: the TS backend trains a slice of the big workloads so the run stays short. */
function rowsFor(w: Workload, backend: BackendName): number {
  if (backend !== "ts") return w.rows;
  return Math.min(w.rows, w.name === "wide-mb128" ? 256 : w.name === "mnist-mb32" ? 512 : w.rows);
}

async function trainingRows(): Promise<Row[]> {
  const rows: Row[] = [];
  for (const w of workloads()) {
    const bench = new Bench({ time: TIME_MS, warmupTime: 300 });
    const counts: Partial<Record<BackendName, number>> = {};
    for (const backend of BACKENDS) {
      const net = await Network.create({ inputSize: w.inputSize, layers: w.layers, loss: w.loss, seed: 1, backend });
      const optimizer = w.optimizer === "sgd" ? new SGD(net, { lr: w.lr }) : new Adam(net, { lr: w.lr });
      const n = rowsFor(w, backend);
      counts[backend] = n;
      const inputs = w.inputs.subarray(0, n * w.inputSize), targets = w.targets.subarray(0, n * (w.layers.at(-1)!.size));
      bench.add(backend, () => {
        net.fit(inputs, targets, { epochs: 1, batchSize: w.batchSize, optimizer, shuffle: true });
      });
    }
    await bench.run();
    for (const task of bench.tasks) {
      const backend = task.name as BackendName;
      const result = task.result;
      if (result.state !== "completed") throw new Error(`${task.name}: ${result.state}`);
      const samplesPerSecond = counts[backend]! / (result.latency.mean / 1000);
      rows.push({ workload: w.name, backend, samplesPerSecond, gflops: (samplesPerSecond * flopsPerSample(w)) / 1e9, rme: result.latency.rme });
    }
  }
  return rows;
}

interface ThreadRow {
  workload: string;
  threads: ThreadsOption;
  used: number;
  samplesPerSecond: number;
  rme: number;
}

const THREAD_SETTINGS: readonly ThreadsOption[] = [1, 2, "auto"];
/**
 * Epochs per fit() call in the threads table: as users train (one call, many epochs). Each call
 * first copies and checks the data set on the host's thread (~6 ms for mnist-mb32's 12.8 MB),
 * serial work that one-epoch calls would count once per epoch.
 */
const THREAD_EPOCHS_PER_CALL = 5;

/** Backend wasm on 1 and 2 threads and "auto", in one Bench per workload (tasks in turn, same machine, same run). */
/**
 * Paired rounds: each round times every setting in turn (a short tinybench run each), so that a
 * slow minute of the shared machine hits all settings alike; a setting's figure is the median of
 * its rounds, and ± the spread of the rounds around it.
 */
async function threadRows(): Promise<ThreadRow[]> {
  const rows: ThreadRow[] = [];
  const ROUNDS = 4;
  for (const w of workloads()) {
    const used: Record<string, number> = {};
    const fits: Record<string, () => void> = {};
    for (const threads of THREAD_SETTINGS) {
      const net = await Network.create({ inputSize: w.inputSize, layers: w.layers, loss: w.loss, seed: 1, backend: "wasm", threads });
      used[String(threads)] = net.threads;
      const optimizer = w.optimizer === "sgd" ? new SGD(net, { lr: w.lr }) : new Adam(net, { lr: w.lr });
      fits[String(threads)] = () => void net.fit(w.inputs, w.targets, { epochs: THREAD_EPOCHS_PER_CALL, batchSize: w.batchSize, optimizer, shuffle: true });
    }
    const rounds: Record<string, number[]> = {};
    for (let round = 0; round < ROUNDS; round++) {
      const bench = new Bench({ time: TIME_MS / 2, iterations: 3, warmupTime: round === 0 ? 300 : 0, warmupIterations: round === 0 ? 2 : 1 });
      for (const [name, fit] of Object.entries(fits)) bench.add(name, fit);
      await bench.run();
      for (const task of bench.tasks) {
        if (task.result.state !== "completed") throw new Error(`${task.name}: ${task.result.state}`);
        (rounds[task.name] ??= []).push((THREAD_EPOCHS_PER_CALL * w.rows) / (task.result.latency.mean / 1000));
      }
    }
    for (const threads of THREAD_SETTINGS) {
      const rates = rounds[String(threads)]!.sort((a, b) => a - b);
      const median = rates[rates.length >> 1]!;
      rows.push({ workload: w.name, threads, used: used[String(threads)]!, samplesPerSecond: median, rme: (100 * (rates.at(-1)! - rates[0]!)) / 2 / median });
    }
  }
  return rows;
}

/** Z = A·Wᵀ on the wide layer's shape (128 × 784 times 784 × 512), straight on the module's kernel. */
async function gemmGflops(bytes: Uint8Array): Promise<number> {
  const { instance } = await WebAssembly.instantiate(bytes as BufferSource, {});
  const x = instance.exports as unknown as {
    memory: WebAssembly.Memory; heapBase(): number;
    denseForward(a: number, w: number, b: number, z: number, out: number, rows: number, nIn: number, nOut: number, act: number): void;
  };
  const rows = 128, nIn = 784, nOut = 512;
  const base = (x.heapBase() + 15) & ~15;
  const a = base, w = a + rows * nIn * 8, b = w + nOut * nIn * 8, z = b + nOut * 8, out = z + rows * nOut * 8;
  const end = out + rows * nOut * 8;
  x.memory.grow(Math.ceil((end - x.memory.buffer.byteLength) / 65536) + 1);
  const m = new Float64Array(x.memory.buffer);
  for (let i = a / 8; i < z / 8; i++) m[i] = Math.sin(i);
  const bench = new Bench({ time: TIME_MS, warmupTime: 300 });
  bench.add("gemm", () => x.denseForward(a, w, b, z, out, rows, nIn, nOut, 0));
  await bench.run();
  const result = bench.tasks[0]!.result;
  if (result.state !== "completed") throw new Error("gemm did not complete");
  return (2 * rows * nIn * nOut) / (result.latency.mean / 1000) / 1e9;
}

/** Heap bytes per training step over a long run (after warm-up), and whether wasm memory grew. */
async function heapGrowth(): Promise<{ steps: number; bytesPerStep: number; wasmGrowth: number }> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error("run with node --expose-gc");
  const w = workloads()[0]!;
  const net = await Network.create({ inputSize: w.inputSize, layers: w.layers, loss: w.loss, seed: 1, backend: "wasm" });
  const optimizer = new SGD(net, { lr: w.lr });
  const memory = (engineOf(net).backend as WasmBackend).exports.memory;
  const fit = () => net.fit(w.inputs, w.targets, { epochs: 20, batchSize: 1, optimizer });
  fit(); fit();
  gc();
  const heap0 = process.memoryUsage().heapUsed, memory0 = memory.buffer.byteLength;
  const rounds = 50;
  for (let i = 0; i < rounds; i++) fit();
  gc();
  const steps = rounds * 20 * w.rows;
  return {
    steps,
    bytesPerStep: (process.memoryUsage().heapUsed - heap0) / steps,
    wasmGrowth: memory.buffer.byteLength - memory0,
  };
}

const fmt = (n: number, digits = 0) => n.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits });

async function main() {
  if (process.env.BENCH_ONLY === "threads") return threadTable();
  console.log(`wasmlp benchmark — ${cpus()[0]?.model ?? "unknown CPU"}, ${cpus().length} cores, Node ${process.version}; one thread unless a table says otherwise`);
  const bytes = moduleBytes();
  console.log(`wasm module: ${bytes.length} bytes, ${gzipSync(bytes, { level: 9 }).length} gzipped\n`);
  const gemm = await gemmGflops(bytes), gemmFma = await gemmGflops(await fmaModuleBytes());
  const rows = await trainingRows();
  console.log("| workload | wasm samples/s | wasm GFLOP/s | TS samples/s | TS GFLOP/s | wasm / TS | wasm-fma samples/s | fma / wasm |");
  console.log("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
  for (const w of workloads()) {
    const [wasm, fma, ts] = BACKENDS.map((backend) => rows.find((r) => r.workload === w.name && r.backend === backend)!) as [Row, Row, Row];
    console.log(`| ${w.name} | ${fmt(wasm.samplesPerSecond)} ±${fmt(wasm.rme, 1)}% | ${fmt(wasm.gflops, 2)} | ${fmt(ts.samplesPerSecond)} ±${fmt(ts.rme, 1)}% | ${fmt(ts.gflops, 2)} | ` +
      `${fmt(wasm.samplesPerSecond / ts.samplesPerSecond, 1)}× | ${fmt(fma.samplesPerSecond)} ±${fmt(fma.rme, 1)}% | ${fmt(fma.samplesPerSecond / wasm.samplesPerSecond, 2)}× |`);
  }
  const wide = rows.find((r) => r.workload === "wide-mb128" && r.backend === "wasm")!;
  const wideFma = rows.find((r) => r.workload === "wide-mb128" && r.backend === "wasm-fma")!;
  console.log(`\nSIMD GEMM (Z = A·Wᵀ, 128×784 · 784×512) in the same run: ${fmt(gemm, 2)} GFLOP/s;` +
    ` wide-mb128 end to end reaches ${fmt((100 * wide.gflops) / gemm, 0)} % of it.`);
  console.log(`The same GEMM in the relaxed-SIMD build (fused multiply-add): ${fmt(gemmFma, 2)} GFLOP/s;` +
    ` wide-mb128 on wasm-fma reaches ${fmt((100 * wideFma.gflops) / gemmFma, 0)} % of it.`);
  await threadTable();
  const heap = await heapGrowth();
  console.log(`Heap over ${fmt(heap.steps)} training steps (seed, batch 1, after warm-up): ${fmt(heap.bytesPerStep, 4)} bytes/step; ` +
    `the network's wasm memory grew by ${fmt(heap.wasmGrowth)} bytes.`);
}

async function threadTable(): Promise<void> {
  const threads = await threadRows();
  console.log(`\nThreads (backend wasm; ${THREAD_EPOCHS_PER_CALL} epochs per fit() call; median of 4 paired rounds, ± half their range), one run:\n`);
  console.log("| workload | 1 thread samples/s | 2 threads samples/s | 2 / 1 | auto: threads | auto samples/s | auto / 1 |");
  console.log("| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
  for (const w of workloads()) {
    const [one, two, auto] = THREAD_SETTINGS.map((t) => threads.find((r) => r.workload === w.name && r.threads === t)!) as [ThreadRow, ThreadRow, ThreadRow];
    console.log(`| ${w.name} | ${fmt(one.samplesPerSecond)} ±${fmt(one.rme, 1)}% | ${fmt(two.samplesPerSecond)} ±${fmt(two.rme, 1)}% | ` +
      `${fmt(two.samplesPerSecond / one.samplesPerSecond, 2)}× | ${auto.used} | ${fmt(auto.samplesPerSecond)} ±${fmt(auto.rme, 1)}% | ${fmt(auto.samplesPerSecond / one.samplesPerSecond, 2)}× |`);
  }
}

await main();
