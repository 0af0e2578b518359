import type { Backend, BackendName } from "./backend.js";
import { threadSpawner } from "./team.js";
import { TsBackend } from "./ts/index.js";
import { WasmBackend, wasmSupported } from "./wasm.js";
import { BackendError, ConfigError, show } from "../errors.js";

/** A count of threads, or "auto": every hardware thread, up to AUTO_THREADS_LIMIT. */
export type ThreadsOption = number | "auto";
export const MAX_THREADS = 64;
export const AUTO_THREADS_LIMIT = 8;
/**
 * "auto" keeps a network whose largest layer has fewer weights on one thread: its batches are too
 * small for any split to pay, and the single-threaded build then runs with nothing around it.
 */
export const AUTO_MIN_LAYER_WEIGHTS = 4096;
export type { ThreadSpawner, ThreadHandle, ThreadStart, ThreadMessage } from "./team.js";
export { setThreadSpawner, threadMain, threadSource } from "./team.js";

/** Checks a `threads` option (ConfigError naming `where`). */
export function checkThreads(threads: unknown, where: string): ThreadsOption {
  if (threads === undefined) return 1;
  if (threads === "auto") return threads;
  if (typeof threads !== "number" || !Number.isInteger(threads) || threads < 1 || threads > MAX_THREADS) {
    throw new ConfigError(`${where}: threads must be "auto" or a whole number from 1 to ${MAX_THREADS}, not ${show(threads)}`);
  }
  return threads;
}

export type BackendChoice = BackendName | "auto";
export type { Backend, BackendName } from "./backend.js";
export { fmaSupported, wasmSupported } from "./wasm.js";

/**
 * 'auto' takes wasm where WebAssembly SIMD is available and the TS backend elsewhere. It never
 * picks 'wasm-fma' by itself: that one trades bit-identical results across hosts for speed.
 */
/** Checks a `backend` option (a ConfigError for an unknown name). */
export function checkBackendChoice(choice: unknown): BackendChoice {
  if (choice === undefined) return "auto";
  if (choice !== "ts" && choice !== "wasm" && choice !== "wasm-fma" && choice !== "auto") {
    throw new ConfigError(`backend: unknown backend ${show(choice)}; expected 'wasm', 'wasm-fma', 'ts' or 'auto'`);
  }
  return choice;
}

/** `largestLayer`: weights of the network's largest layer (for threads: "auto"). */
export async function createBackend(choice: BackendChoice = "auto", threads: ThreadsOption = 1, largestLayer = Infinity): Promise<Backend> {
  checkBackendChoice(choice);
  const spawner = threadSpawner();
  let count = threads === "auto" ? Math.min(spawner.hardwareThreads(), AUTO_THREADS_LIMIT) : threads;
  let reason: string | undefined;
  const useTs = choice === "ts" || (choice === "auto" && !wasmSupported());
  if (count > 1 && useTs) reason = "backend 'ts' runs on one thread";
  else if (count > 1 && threads === "auto" && largestLayer < AUTO_MIN_LAYER_WEIGHTS) {
    reason = `threads: "auto" keeps this network on one thread: its largest layer has ${largestLayer} weights, and splitting pays from ${AUTO_MIN_LAYER_WEIGHTS}`;
  }
  else if (count > 1) reason = spawner.unavailable();
  if (reason) count = 1;
  const backend = useTs ? new TsBackend() : await WasmBackend.create(choice === "auto" ? "wasm" : choice, count);
  reason ??= backend.threads.reason;
  backend.threadsReason = reason;
  if (typeof threads === "number" && backend.threads.count < threads) {
    console.warn(`wasmlp: threads: ${threads} asked for, training on ${backend.threads.count}: ${reason}`);
  }
  return backend;
}

/**
 * A single-threaded backend made without waiting ('auto': wasm where it compiles, else ts, also
 * where a browser refuses synchronous compilation).
 */
export function createBackendSync(choice: "auto" | "wasm" | "ts" = "auto"): Backend {
  if (choice === "ts" || (choice === "auto" && !wasmSupported())) return new TsBackend();
  try {
    return WasmBackend.createSync();
  } catch (error) {
    if (choice === "wasm") throw error instanceof BackendError ? error : new BackendError(`cannot compile the wasm module here (${(error as Error).message}); use backend: 'ts' or 'auto'`);
    return new TsBackend();
  }
}
