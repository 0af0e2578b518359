// Node-only helpers (import from "wasmlp/node"): files on disk. The browser build never loads this.
import { readFile, rename, writeFile } from "node:fs/promises";
import { setFlagsFromString } from "node:v8";
import { fmaSupported } from "./backend/wasm.js";
import { Network, type BackendOptions, type SaveOptions } from "./network.js";
import type { Optimizer } from "./optimizer.js";

export * from "./index.js";
// In Node, trainInWorker runs on worker_threads (this export takes the place of the browser's).
export { trainInWorker } from "./worker/nodeTrainInWorker.js";

const isJson = (path: string) => path.toLowerCase().endsWith(".json");

/**
 * Switches on WebAssembly relaxed SIMD, which backend 'wasm-fma' needs: Node 20 keeps it behind
 * V8's --experimental-wasm-relaxed-simd (Node 22 has it on). Call it before the first network is
 * created. Returns whether relaxed SIMD is now available.
 */
export function enableRelaxedSimd(): boolean {
  if (!fmaSupported()) setFlagsFromString("--experimental-wasm-relaxed-simd");
  return fmaSupported();
}

/**
 * Saves a model (or, with `{ optimizer }`, a checkpoint): JSON when the path ends in .json, the
 * binary format otherwise. Written to a temporary file and renamed, so a crash never leaves half a file.
 */
export async function save(net: Network, path: string, options?: SaveOptions): Promise<void> {
  const data = isJson(path) ? JSON.stringify(net.toJSON(options)) : net.toBinary(options);
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, data);
  await rename(temporary, path);
}

/** Loads a model saved by save() (JSON or binary, by content). */
export async function load(path: string, options?: BackendOptions): Promise<Network> {
  const bytes = await readFile(path);
  return looksJson(bytes) ? Network.fromJSON(bytes.toString("utf8"), options) : Network.fromBinary(new Uint8Array(bytes), options);
}

/** Loads a checkpoint saved by save(net, path, { optimizer }): the network and its optimizer, ready to continue. */
export async function loadCheckpoint(path: string, options?: BackendOptions): Promise<{ network: Network; optimizer: Optimizer }> {
  const bytes = await readFile(path);
  return Network.loadCheckpoint(looksJson(bytes) ? bytes.toString("utf8") : new Uint8Array(bytes), options);
}

function looksJson(bytes: Uint8Array): boolean {
  for (const b of bytes) {
    if (b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09 || b === 0xef || b === 0xbb || b === 0xbf) continue; // whitespace, BOM
    return b === 0x7b; // "{"
  }
  return false;
}
