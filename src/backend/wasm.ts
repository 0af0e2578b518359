// The WebAssembly backend: the embedded module (assembly/), one instance and one linear memory per
// network. Views over that memory are re-created only when it grows.
import type { Backend, Kernels } from "./backend.js";
import { BackendError } from "../errors.js";
import type { WasmExports } from "../abi.js";
import { WASM_BASE64 } from "./wasmBytes.generated.js";

function decodeBase64(text: string): Uint8Array {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

export type WasmVariant = "wasm" | "wasm-fma";

const bytesOf: Partial<Record<WasmVariant, Uint8Array>> = {};
/** The embedded module's bytes (decoded once). */
export function moduleBytes(): Uint8Array {
  return (bytesOf.wasm ??= decodeBase64(WASM_BASE64));
}

/** The relaxed-SIMD build's bytes: a separate file, loaded only by those who ask for it. */
export async function fmaModuleBytes(): Promise<Uint8Array> {
  return (bytesOf["wasm-fma"] ??= decodeBase64((await import("./wasmFmaBytes.generated.js")).WASM_FMA_BASE64));
}

/** True where this runtime can compile the module (WebAssembly with SIMD). */
export function wasmSupported(): boolean {
  return typeof WebAssembly === "object" && WebAssembly.validate(moduleBytes() as BufferSource);
}

// One tiny function using f64x2.relaxed_madd: compiles only where relaxed SIMD is on.
const RELAXED_SIMD_PROBE = new Uint8Array([
  0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 61, 1, 59, 0,
  253, 12, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
  253, 12, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
  253, 12, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
  253, 135, 2, 11,
]);

/** True where this runtime has relaxed SIMD, which backend 'wasm-fma' needs. */
export function fmaSupported(): boolean {
  return typeof WebAssembly === "object" && WebAssembly.validate(RELAXED_SIMD_PROBE);
}

const compiled: Partial<Record<WasmVariant, Promise<WebAssembly.Module>>> = {};

export class WasmBackend implements Backend {
  readonly name: WasmVariant;
  readonly kernels: Kernels;
  readonly base: number;
  readonly exports: WasmExports;
  private f64View: Float64Array;
  private i32View: Int32Array;

  static async create(variant: WasmVariant = "wasm"): Promise<WasmBackend> {
    if (variant === "wasm-fma") {
      if (!fmaSupported()) {
        throw new BackendError("backend 'wasm-fma' needs WebAssembly relaxed SIMD, which this runtime lacks (Node 20: run with --experimental-wasm-relaxed-simd); use backend: 'wasm'");
      }
      compiled[variant] ??= fmaModuleBytes().then((bytes) => WebAssembly.compile(bytes as BufferSource));
    } else {
      if (!wasmSupported()) throw new BackendError("this runtime has no WebAssembly with SIMD; use backend: 'ts' (or 'auto')");
      compiled[variant] ??= WebAssembly.compile(moduleBytes() as BufferSource);
    }
    const pending = compiled[variant]!;
    // A failed compile (say, a chunk that did not load) is not cached: the next call tries again.
    pending.catch(() => { if (compiled[variant] === pending) delete compiled[variant]; });
    const instance = await WebAssembly.instantiate(await pending, {});
    return new WasmBackend(variant, instance.exports as unknown as WasmExports);
  }

  private constructor(variant: WasmVariant, exports: WasmExports) {
    this.name = variant;
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
    if (missing <= 0) return;
    try {
      memory.grow(Math.ceil(missing / 65536));
    } catch (error) {
      throw new BackendError(`cannot grow the WebAssembly memory to ${bytes} bytes (${(error as Error).message}): use smaller layers, batches or data sets`);
    }
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
