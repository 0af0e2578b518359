// npm run bench:kernels — GFLOP/s of each batched kernel on the module, at the shapes of the
// benchmark workloads. For tuning the kernels; npm run bench measures what users see.
import { readFileSync } from "node:fs";
import { Bench } from "tinybench";
import type { WasmExports } from "../src/abi.js";
import { moduleBytes } from "../src/backend/wasm.js";


const TIME_MS = Number(process.env.BENCH_TIME_MS ?? 500);
const shapes: [string, number, number, number][] = [
  ["wide L1 128·784→512", 128, 784, 512],
  ["wide L2 128·512→512", 128, 512, 512],
  ["mnist L1 32·784→128", 32, 784, 128],
  ["digits L1 1·64→32", 1, 64, 32],
  ["seed L1 1·3→4", 1, 3, 4],
];

// WASM=path/to/other.wasm compares another build of the module (e.g. -Oz) on the same shapes.
const bytes = process.env.WASM ? new Uint8Array(readFileSync(process.env.WASM)) : moduleBytes();
const { instance } = await WebAssembly.instantiate(bytes as BufferSource, {});
const x = instance.exports as unknown as WasmExports;
const base = (x.heapBase() + 15) & ~15;
x.memory.grow(1600); // 100 MiB
const m = new Float64Array(x.memory.buffer);
for (let i = base / 8; i < m.length; i += 1) m[i] = Math.sin(i) * 0.5;

const bench = new Bench({ time: TIME_MS, warmupTime: 200 });
const flops: Record<string, number> = {};
for (const [name, rows, nIn, nOut] of shapes) {
  const a = base, w = a + rows * nIn * 8 + 64, b = w + nOut * nIn * 8 + 64, z = b + nOut * 8 + 64, out = z + rows * nOut * 8 + 64;
  const d = out + rows * nOut * 8 + 64, dW = d + rows * nOut * 8 + 64, e = dW + nOut * nIn * 8 + 64;
  const macs = rows * nIn * nOut;
  bench.add(`forward ${name}`, () => x.denseForward(a, w, b, z, out, rows, nIn, nOut, 3));
  bench.add(`gradient ${name}`, () => x.weightGradients(d, a, dW, b, rows, nIn, nOut, 0, 0, 0));
  bench.add(`nodeError ${name}`, () => x.propagateErrors(d, w, e, rows, nIn, nOut));
  for (const k of ["forward", "gradient", "nodeError"]) flops[`${k} ${name}`] = 2 * macs;
}
await bench.run();
for (const task of bench.tasks) {
  const r = task.result;
  if (r.state !== "completed") continue;
  const gflops = flops[task.name]! / (r.latency.mean / 1000) / 1e9;
  console.log(`${task.name.padEnd(34)} ${gflops.toFixed(2).padStart(7)} GFLOP/s   ${(r.latency.mean * 1e6).toFixed(0).padStart(10)} ns`);
}
