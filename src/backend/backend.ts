// The only contract the rest of src/ sees. A backend owns one flat buffer laid out by
// src/memoryPlan.ts and runs the kernels of assembly/index.ts on it; pointers are byte offsets.
// The pure-TypeScript backend (ts/) is the readable reference; the wasm backend must agree with it.
import type { WasmExports } from "../abi.js";

/**
 * The whole-network kernels both backends run: the exports of abi.ts WasmExports (documented
 * there and in docs/abi.md), with i32 flags as booleans.
 */
export interface Kernels extends Pick<WasmExports, "forward" | "inputErrors" | "optimizerStep" | "trainBatches" | "evaluateRows" | "brainTrain"> {
  backward(net: number, rows: number, accumulate: boolean): number;
  allFinite(x: number, n: number): boolean;
}

/**
 * - `wasm`: the WebAssembly SIMD module; a multiply and an add per term, so the same bits on every host.
 * - `wasm-fma`: the same kernels built with relaxed SIMD, whose multiply-add is fused (rounded once)
 *   where the CPU has FMA: faster, but results may differ in the last bits between hosts. Needs
 *   relaxed SIMD (browsers since 2023, Node ≥ 22; Node 20 with --experimental-wasm-relaxed-simd).
 * - `ts`: plain TypeScript, the reference the others are tested against; runs anywhere.
 */
export type BackendName = "wasm" | "wasm-fma" | "ts";

/** Threads a backend trains on, and why fewer than were asked for (if so). */
export interface ThreadsInfo {
  count: number;
  reason: string | undefined;
}

export interface Backend {
  readonly name: BackendName;
  readonly kernels: Kernels;
  /** Threads the training loops run on (read it again after a failure: it may drop to 1). */
  readonly threads: ThreadsInfo;
  /** Why threads were not used, when createBackend decided it before the backend existed. */
  threadsReason: string | undefined;
  /** Ends the backend's workers, if it has any. */
  dispose(): void;
  /** First byte a memory plan may use. */
  readonly base: number;
  /** Makes bytes [0, bytes) addressable, keeping the contents. May replace the buffer: re-read views after it. */
  reserve(bytes: number): void;
  /** A view of the whole memory as float64 (index = byte offset / 8); valid until the next reserve(). */
  f64(): Float64Array;
  /** A view of the whole memory as int32 (index = byte offset / 4); valid until the next reserve(). */
  i32(): Int32Array;
}
