import type { Backend, BackendName } from "./backend.js";
import { TsBackend } from "./ts/index.js";
import { WasmBackend, wasmSupported } from "./wasm.js";
import { ConfigError } from "../errors.js";

export type BackendChoice = BackendName | "auto";
export type { Backend, BackendName } from "./backend.js";
export { fmaSupported, wasmSupported } from "./wasm.js";

/**
 * 'auto' takes wasm where WebAssembly SIMD is available and the TS backend elsewhere. It never
 * picks 'wasm-fma' by itself: that one trades bit-identical results across hosts for speed.
 */
export async function createBackend(choice: BackendChoice = "auto"): Promise<Backend> {
  if (choice === "ts") return new TsBackend();
  if (choice === "wasm" || choice === "wasm-fma") return WasmBackend.create(choice);
  if (choice === "auto") return wasmSupported() ? WasmBackend.create() : new TsBackend();
  throw new ConfigError(`backend: unknown backend ${JSON.stringify(choice)}; expected 'wasm', 'wasm-fma', 'ts' or 'auto'`);
}
