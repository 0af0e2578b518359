// The WebAssembly backend: the embedded module (assembly/), one instance and one linear memory per
// network. Views over that memory are re-created only when it grows.
import type { Backend, Kernels } from "./backend.js";
import { BackendError } from "../errors.js";
import { WASM_BASE64 } from "./wasmBytes.generated.js";

interface WasmExports {
  memory: WebAssembly.Memory;
  heapBase(): number;
  forward(net: number, rows: number): void;
  backward(net: number, rows: number, accumulate: number): number;
  inputErrors(net: number, rows: number): void;
  allFinite(x: number, n: number): number;
  optimizerStep(net: number): void;
  trainBatches(net: number, xAll: number, yAll: number, order: number, first: number, count: number, batchSize: number): number;
  evaluateRows(net: number, xAll: number, yAll: number, first: number, count: number, chunk: number): void;
  ABI_VERSION: WebAssembly.Global;
  HEADER_WORDS: WebAssembly.Global;
  LAYER_WORDS: WebAssembly.Global;
  TRAIN_WORDS: WebAssembly.Global;
}

function decodeBase64(text: string): Uint8Array {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

let wasmBytes: Uint8Array | undefined;
/** The embedded module's bytes (decoded once). */
export function moduleBytes(): Uint8Array {
  return (wasmBytes ??= decodeBase64(WASM_BASE64));
}

/** True where this runtime can compile the module (WebAssembly with SIMD). */
export function wasmSupported(): boolean {
  return typeof WebAssembly === "object" && WebAssembly.validate(moduleBytes() as BufferSource);
}

let compiled: Promise<WebAssembly.Module> | undefined;

export class WasmBackend implements Backend {
  readonly name = "wasm" as const;
  readonly kernels: Kernels;
  readonly base: number;
  readonly exports: WasmExports;
  private f64View: Float64Array;
  private i32View: Int32Array;

  static async create(): Promise<WasmBackend> {
    if (!wasmSupported()) throw new BackendError("this runtime has no WebAssembly with SIMD; use backend: 'ts' (or 'auto')");
    compiled ??= WebAssembly.compile(moduleBytes() as BufferSource);
    const instance = await WebAssembly.instantiate(await compiled, {});
    return new WasmBackend(instance.exports as unknown as WasmExports);
  }

  private constructor(exports: WasmExports) {
    this.exports = exports;
    this.base = exports.heapBase();
    this.f64View = new Float64Array(exports.memory.buffer);
    this.i32View = new Int32Array(exports.memory.buffer);
    const x = exports;
    this.kernels = {
      forward: x.forward,
      backward: (net, rows, accumulate) => x.backward(net, rows, accumulate ? 1 : 0),
      inputErrors: x.inputErrors,
      optimizerStep: x.optimizerStep,
      allFinite: (p, n) => x.allFinite(p, n) !== 0,
      trainBatches: x.trainBatches,
      evaluateRows: x.evaluateRows,
    };
  }

  reserve(bytes: number): void {
    const memory = this.exports.memory;
    const missing = bytes - memory.buffer.byteLength;
    if (missing > 0) memory.grow(Math.ceil(missing / 65536));
  }

  f64(): Float64Array {
    if (this.f64View.buffer !== this.exports.memory.buffer) this.f64View = new Float64Array(this.exports.memory.buffer);
    return this.f64View;
  }

  i32(): Int32Array {
    if (this.i32View.buffer !== this.exports.memory.buffer) this.i32View = new Int32Array(this.exports.memory.buffer);
    return this.i32View;
  }
}
