// One WebAssembly memory for every wasmlp/brain network. brain.js scripts make networks freely —
// a population per generation, a fromJSON per candidate — and a memory of its own per network
// cost ~0.4 ms to make and hit V8's limit of ~13,000 live memories. Here each network takes a
// region of one shared memory (its memory plan, and for a training run its data set) and gives it
// back when it is replaced, when the run ends, or when the network is garbage collected.
import { createBackendSync, type Backend } from "../backend/index.js";

/** A region of an arena: byte offset and size. */
export interface Region {
  at: number;
  size: number;
}

const align64 = (n: number) => Math.ceil(n / 64) * 64;

export class Arena {
  /** Free regions below `top`, sorted by offset, never adjacent (merged when they meet). */
  private readonly holes: Region[] = [];
  private top: number;

  constructor(readonly backend: Backend) {
    this.top = align64(backend.base);
  }

  /** A region of at least `bytes`, first fit; grows the memory when no hole fits (a BackendError if it cannot). */
  allocate(bytes: number): Region {
    const size = align64(Math.max(bytes, 1));
    const i = this.holes.findIndex((hole) => hole.size >= size);
    if (i >= 0) {
      const hole = this.holes[i]!;
      const region = { at: hole.at, size };
      if (hole.size === size) this.holes.splice(i, 1);
      else this.holes[i] = { at: hole.at + size, size: hole.size - size };
      return region;
    }
    this.backend.reserve(this.top + size); // throws before anything changes
    const region = { at: this.top, size };
    this.top += size;
    return region;
  }

  /** Gives a region back; the memory keeps its size, and the region is reused by later allocations. */
  release(region: Region): void {
    let i = this.holes.findIndex((hole) => hole.at > region.at);
    if (i < 0) i = this.holes.length;
    this.holes.splice(i, 0, { ...region });
    // merge with the next hole, then with the previous one
    const next = this.holes[i + 1];
    if (next && region.at + region.size === next.at) this.holes.splice(i, 2, { at: region.at, size: region.size + next.size });
    const previous = this.holes[i - 1], merged = this.holes[i]!;
    if (previous && previous.at + previous.size === merged.at) this.holes.splice(i - 1, 2, { at: previous.at, size: previous.size + merged.size });
    // a hole that reaches the top lowers it
    const last = this.holes.at(-1);
    if (last && last.at + last.size === this.top) {
      this.holes.pop();
      this.top = last.at;
    }
  }

  /** Bytes in use (for tests): the top, less the holes under it. */
  get used(): number {
    return this.top - align64(this.backend.base) - this.holes.reduce((n, hole) => n + hole.size, 0);
  }
}

let shared: Arena | undefined;
let wasmMissing = false;

/**
 * The arena a new network trains in: the shared wasm one, or (backend 'ts', or where wasm cannot
 * compile) one of its own over a plain ArrayBuffer, which costs nothing to make.
 */
export function arenaFor(choice: "auto" | "wasm" | "ts"): Arena {
  if (choice === "ts" || (choice === "auto" && wasmMissing)) return new Arena(createBackendSync("ts"));
  if (shared) return shared;
  const backend = createBackendSync(choice);
  if (backend.name === "ts") { // 'auto' where wasm cannot compile: no need to try again
    wasmMissing = true;
    return new Arena(backend);
  }
  shared = new Arena(backend);
  return shared;
}

/** Gives a collected network's regions back to its arena. */
const collected = new FinalizationRegistry<{ arena: Arena; regions: Set<Region> }>(({ arena, regions }) => {
  for (const region of regions) arena.release(region);
});

/**
 * The regions one network holds, given back when it is garbage collected (the held object must
 * not reach the network, or it would never be collected).
 */
export function holdings(owner: object, arena: Arena): Set<Region> {
  const regions = new Set<Region>();
  collected.register(owner, { arena, regions });
  return regions;
}
