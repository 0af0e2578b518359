// Node-only helpers (import from "wasmlp/node"): files on disk. The browser build never loads this.
import { randomUUID } from "node:crypto";
import { open, rename, rm, stat, writeFile } from "node:fs/promises";
import { setFlagsFromString } from "node:v8";
import { setThreadSpawner } from "./backend/index.js";
import { fmaSupported } from "./backend/wasm.js";
import { ConfigError, ModelFormatError, show } from "./errors.js";
import { MAX_JSON_TEXT_BYTES } from "./io/jsonText.js";
import { Network, type BackendOptions, type SaveOptions } from "./network.js";
import type { Optimizer } from "./optimizer.js";

export * from "./index.js";
// In Node, trainInWorker runs on worker_threads (this export takes the place of the browser's).
export { trainInWorker } from "./worker/nodeTrainInWorker.js";
import { nodeSpawner } from "./worker/nodeThreads.js";

// Networks made through this entry train their threads on worker_threads.
setThreadSpawner(nodeSpawner);

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

/** The largest model file load() reads: more than any network that fits a wasm memory needs. */
export const MAX_MODEL_FILE_BYTES = 2 ** 31;

/**
 * Saves a model (or, with `{ optimizer }`, a checkpoint): JSON when the path ends in .json, the
 * binary format otherwise. Written to a temporary file of its own (concurrent saves to one path
 * never share it) and renamed, so the target is always one complete model; the temporary file is
 * removed if anything fails.
 */
export async function save(net: Network, path: string, options?: SaveOptions): Promise<void> {
  checkPath(path, "save");
  if (!(net instanceof Network)) throw new ConfigError(`save: the first argument must be a Network, got ${show(net)}`);
  const data = isJson(path) ? net.toJSONText(options) : net.toBinary(options);
  if (data.length > MAX_MODEL_FILE_BYTES) throw new ConfigError(`save: the model takes ${data.length} bytes, more than the ${MAX_MODEL_FILE_BYTES} load() reads`);
  const temporary = `${path}.${process.pid}.${randomUUID()}.tmp`;
  try {
    await writeFile(temporary, data);
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}

/**
 * A model file's bytes, read in bounded time and memory: only regular files (not devices, FIFOs or
 * folders) of at most MAX_MODEL_FILE_BYTES.
 */
async function readModelFile(path: string): Promise<Uint8Array> {
  // stat first: opening a FIFO for reading would wait for a writer
  if (!(await stat(path)).isFile()) throw new ModelFormatError(`${path} is not a regular file (a device, FIFO or folder cannot hold a model)`);
  const file = await open(path, "r");
  try {
    const info = await file.stat();
    if (!info.isFile()) throw new ModelFormatError(`${path} is not a regular file (a device, FIFO or folder cannot hold a model)`);
    if (info.size > MAX_MODEL_FILE_BYTES) throw new ModelFormatError(`${path} has ${info.size} bytes, more than the ${MAX_MODEL_FILE_BYTES} a model file may have`);
    const bytes = new Uint8Array(info.size);
    let at = 0;
    while (at < bytes.length) {
      const { bytesRead } = await file.read(bytes, at, bytes.length - at, at);
      if (bytesRead === 0) break;
      at += bytesRead;
    }
    return at === bytes.length ? bytes : bytes.subarray(0, at);
  } finally {
    await file.close();
  }
}

function utf8(bytes: Uint8Array): string {
  if (bytes.length > MAX_JSON_TEXT_BYTES) throw new ModelFormatError(`a JSON model of ${bytes.length} bytes is too large to parse (at most ${MAX_JSON_TEXT_BYTES}); save large models in the binary format`);
  return new TextDecoder().decode(bytes);
}

/** Loads a model saved by save() (JSON or binary, by content). */
export async function load(path: string, options?: BackendOptions): Promise<Network> {
  checkPath(path, "load");
  const bytes = await readModelFile(path);
  return looksJson(bytes) ? Network.fromJSON(utf8(bytes), options) : Network.fromBinary(bytes, options);
}

/** Loads a checkpoint saved by save(net, path, { optimizer }): the network and its optimizer, ready to continue. */
export async function loadCheckpoint(path: string, options?: BackendOptions): Promise<{ network: Network; optimizer: Optimizer }> {
  checkPath(path, "loadCheckpoint");
  const bytes = await readModelFile(path);
  return Network.loadCheckpoint(looksJson(bytes) ? utf8(bytes) : bytes, options);
}

function checkPath(path: unknown, where: string): void {
  if (typeof path !== "string" || path === "") throw new ConfigError(`${where}: the path must be a non-empty string, got ${show(path)}`);
}

function looksJson(bytes: Uint8Array): boolean {
  for (const b of bytes) {
    if (b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09 || b === 0xef || b === 0xbb || b === 0xbf) continue; // whitespace, BOM
    return b === 0x7b; // "{"
  }
  return false;
}
