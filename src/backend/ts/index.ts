// The pure-TypeScript backend: the reference the wasm kernels are checked against, and the
// fallback where WebAssembly SIMD is missing. Its memory is a plain ArrayBuffer.
import type { Backend, Kernels, ThreadsInfo } from "../backend.js";
import { BackendError } from "../../errors.js";
import type { Heap } from "./heap.js";
import { forward, backward, inputErrors } from "./network.js";
import { allFinite } from "./optimizer.js";
import { evaluateRows, optimizerStep, trainBatches } from "./train.js";
import { brainTrain } from "./brain.js";

export class TsBackend implements Backend {
  readonly name = "ts" as const;
  readonly base = 16; // mirror wasm: offset 0 is never handed out
  readonly kernels: Kernels;
  private heap: Heap = { f64: new Float64Array(0), i32: new Int32Array(0) };

  constructor() {
    const h = () => this.heap;
    this.kernels = {
      forward: (net, rows) => forward(h(), net, rows),
      backward: (net, rows, accumulate) => backward(h(), net, rows, accumulate),
      inputErrors: (net, rows) => inputErrors(h(), net, rows),
      optimizerStep: (net) => optimizerStep(h(), net),
      allFinite: (x, n) => allFinite(h().f64, x, n),
      trainBatches: (net, x, y, order, first, count, batchSize) => trainBatches(h(), net, x, y, order, first, count, batchSize),
      evaluateRows: (net, x, y, first, count, chunk) => evaluateRows(h(), net, x, y, first, count, chunk),
      brainTrain: (net, x, y, rows, iterations, errorThresh, alpha) => brainTrain(h(), net, x, y, rows, iterations, errorThresh, alpha),
    };
  }

  reserve(bytes: number): void {
    if (bytes <= this.heap.f64.byteLength) return;
    let buffer: ArrayBuffer;
    try {
      buffer = new ArrayBuffer(Math.ceil(bytes / 65536) * 65536);
    } catch (error) {
      throw new BackendError(`cannot allocate ${bytes} bytes (${(error as Error).message}): use smaller layers, batches or data sets`);
    }
    const f64 = new Float64Array(buffer);
    f64.set(this.heap.f64);
    this.heap = { f64, i32: new Int32Array(buffer) };
  }

  threadsReason: string | undefined;

  get threads(): ThreadsInfo {
    return { count: 1, reason: this.threadsReason };
  }

  dispose(): void {}

  f64(): Float64Array { return this.heap.f64; }
  i32(): Int32Array { return this.heap.i32; }
}
