// The WebAssembly backend: the embedded module (assembly/), one instance and one linear memory per
// network. Views over that memory are re-created only when it grows. With threads, the memory is
// shared and the module is the threads build (assembly/threaded.ts): the training loops run as
// jobs of a team (team.ts), everything else on the host's thread alone.
import type { Backend, Kernels, ThreadsInfo } from "./backend.js";
import { BackendError, WorkerError } from "../errors.js";
import { HEADER_WORDS, Header, LAYER_WORDS, LayerWord, type WasmExports } from "../abi.js";
import { JobKind, Team, TeamFailure, TEAM_BYTES, type TeamExports } from "./team.js";
import { WASM_BASE64 } from "./wasmBytes.generated.js";

function decodeBase64(text: string): Uint8Array {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

export type WasmVariant = "wasm" | "wasm-fma";

const bytesOf: Partial<Record<WasmVariant | `${WasmVariant}-threads`, Uint8Array>> = {};
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

let syncModule: WebAssembly.Module | undefined;
const NO_SIMD = "this runtime has no WebAssembly with SIMD; use backend: 'ts' (or 'auto')";

type ModuleKey = WasmVariant | `${WasmVariant}-threads`;
const compiled: Partial<Record<ModuleKey, Promise<WebAssembly.Module>>> = {};

/** Each build compiled once; a failed compile (say, a chunk that did not load) is not cached: the next call tries again. */
function compileOnce(key: ModuleKey, compile: () => Promise<WebAssembly.Module>): Promise<WebAssembly.Module> {
  const pending = (compiled[key] ??= compile());
  pending.catch(() => { if (compiled[key] === pending) delete compiled[key]; });
  return pending;
}

/** The shared-memory builds' bytes: loaded only when a network asks for threads. */
async function threadsModuleBytes(variant: WasmVariant): Promise<Uint8Array> {
  const key = `${variant}-threads` as const;
  if (variant === "wasm-fma") return (bytesOf[key] ??= decodeBase64((await import("./threadsFmaBytes.generated.js")).WASM_THREADS_FMA_BASE64));
  return (bytesOf[key] ??= decodeBase64((await import("./threadsBytes.generated.js")).WASM_THREADS_BASE64));
}

/** Bytes of one worker's scratch region (assembly/scratch.ts THREAD_SCRATCH_BYTES; laid out on 64-byte boundaries). */
const THREAD_SCRATCH_BYTES = (1 << 20) + 128;
/** Pages of a shared memory's maximum: the 2 GiB a memory plan may use (memoryPlan.ts MAX_PLAN_BYTES). */
const SHARED_MAXIMUM_PAGES = 32768;
const align64 = (n: number) => Math.ceil(n / 64) * 64;

export class WasmBackend implements Backend {
  readonly name: WasmVariant;
  readonly kernels: Kernels;
  readonly base: number;
  readonly exports: WasmExports;
  private f64View: Float64Array;
  private i32View: Int32Array;
  private readonly team: Team | undefined;

  static async create(variant: WasmVariant = "wasm", threads = 1): Promise<WasmBackend> {
    if (threads > 1) return WasmBackend.createThreaded(variant, threads);
    if (variant === "wasm-fma") {
      if (!fmaSupported()) {
        throw new BackendError("backend 'wasm-fma' needs WebAssembly relaxed SIMD, which this runtime lacks (Node 20: run with --experimental-wasm-relaxed-simd); use backend: 'wasm'");
      }
    } else if (!wasmSupported()) {
      throw new BackendError(NO_SIMD);
    }
    const module = await compileOnce(variant, variant === "wasm-fma"
      ? () => fmaModuleBytes().then((bytes) => WebAssembly.compile(bytes as BufferSource))
      : () => WebAssembly.compile(moduleBytes() as BufferSource));
    const instance = await WebAssembly.instantiate(module, {});
    const exports = instance.exports as unknown as WasmExports;
    return new WasmBackend(variant, exports, exports.heapBase(), undefined);
  }

  /**
   * The plain build, compiled and instantiated synchronously: for APIs that cannot wait, such as
   * wasmlp/brain's constructor. Browsers allow this on the main thread for a module this small.
   */
  static createSync(): WasmBackend {
    if (!wasmSupported()) throw new BackendError(NO_SIMD);
    syncModule ??= new WebAssembly.Module(moduleBytes() as BufferSource);
    const exports = new WebAssembly.Instance(syncModule, {}).exports as unknown as WasmExports;
    return new WasmBackend("wasm", exports, exports.heapBase(), undefined);
  }

  /**
   * The threads build over a shared memory: the team block and the workers' scratch regions sit
   * between the module's static data and the memory plan (`base`).
   */
  private static async createThreaded(variant: WasmVariant, threads: number): Promise<WasmBackend> {
    if (variant === "wasm-fma" && !fmaSupported()) return WasmBackend.create(variant); // the same error as without threads
    if (!wasmSupported()) return WasmBackend.create(variant);
    const module = await compileOnce(`${variant}-threads`, () => threadsModuleBytes(variant).then((bytes) => WebAssembly.compile(bytes as BufferSource)));
    let memory: WebAssembly.Memory;
    try {
      memory = new WebAssembly.Memory({ initial: 32, maximum: SHARED_MAXIMUM_PAGES, shared: true });
    } catch (error) {
      throw new BackendError(`cannot make a shared WebAssembly memory (${(error as Error).message}); use threads: 1`);
    }
    const instance = await WebAssembly.instantiate(module, { env: { memory } });
    const exports = { ...(instance.exports as unknown as WasmExports), memory };
    const teamAt = align64(exports.heapBase());
    const scratchAt = (thread: number) => teamAt + TEAM_BYTES + (thread - 1) * align64(THREAD_SCRATCH_BYTES);
    const base = scratchAt(threads);
    const missing = base - memory.buffer.byteLength;
    if (missing > 0) memory.grow(Math.ceil(missing / 65536));
    const team = await Team.start(module, memory, instance.exports as unknown as TeamExports, teamAt, threads, scratchAt);
    return new WasmBackend(variant, exports, base, team);
  }

  private constructor(variant: WasmVariant, exports: WasmExports, base: number, team: Team | undefined) {
    this.name = variant;
    this.exports = exports;
    this.base = base;
    this.team = team;
    this.f64View = new Float64Array(exports.memory.buffer);
    this.i32View = new Int32Array(exports.memory.buffer);
    const x = exports;
    this.kernels = {
      forward: team ? (net, rows) => { this.job(JobKind.forward, [net, rows], this.work(net, rows)); } : x.forward,
      backward: (net, rows, accumulate) => x.backward(net, rows, accumulate ? 1 : 0),
      inputErrors: x.inputErrors,
      optimizerStep: x.optimizerStep,
      allFinite: (p, n) => x.allFinite(p, n) !== 0,
      trainBatches: team
        ? (net, xAll, yAll, order, first, count, batchSize) => this.job(JobKind.train, [net, xAll, yAll, order, first, count, batchSize], this.work(net, Math.min(count, batchSize)))
        : x.trainBatches,
      evaluateRows: team
        ? (net, xAll, yAll, first, count, chunk) => { this.job(JobKind.evaluate, [net, xAll, yAll, first, count, chunk], this.work(net, Math.min(count, chunk))); }
        : x.evaluateRows,
      brainTrain: x.brainTrain, // per sample: never split among threads
    };
  }

  threadsReason: string | undefined;

  get threads(): ThreadsInfo {
    return { count: this.team?.size ?? 1, reason: this.team?.reason ?? this.threadsReason };
  }

  /** Per-thread multiply-adds below which a layer stays on one thread (tests set 0 to split everything). */
  set minWorkPerThread(value: number) {
    if (this.team) this.team.minWork = value;
  }

  dispose(): void {
    this.team?.end();
  }

  private job(kind: number, args: number[], work: number): number {
    try {
      return this.team!.run(kind, args, work);
    } catch (error) {
      if (error instanceof TeamFailure) throw new WorkerError("BACKEND", error.message);
      throw error;
    }
  }

  /** Multiply-adds of the largest layer over `rows` rows: the most one job step can split. */
  private work(net: number, rows: number): number {
    const words = this.i32(), at = net >>> 2;
    let largest = 0;
    for (let l = 0; l < words[at + Header.layerCount]!; l++) {
      const layer = at + HEADER_WORDS + l * LAYER_WORDS;
      largest = Math.max(largest, words[layer + LayerWord.in]! * words[layer + LayerWord.out]!);
    }
    return rows * largest;
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
