// The TS backend's memory: one ArrayBuffer seen as float64 and int32, addressed by byte offsets
// exactly like wasm linear memory.
export interface Heap {
  f64: Float64Array;
  i32: Int32Array;
}

/** Reads descriptor word `word` at byte offset `net` (an unsigned byte offset). */
export function word(heap: Heap, net: number, word: number): number {
  return heap.i32[(net >>> 2) + word]! >>> 0;
}
