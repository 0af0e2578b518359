// Scratch for packing panels of matrices into the order a kernel reads them (contiguous, so that
// row strides that are multiples of 4 KiB cannot alias in the L1 cache), followed by the 128-byte
// results block of the micro-kernel (microkernel.ts). Each thread has its own: thread 0 (and the
// single-threaded builds) this static region — zero-initialised static memory costs no bytes in
// the module — and the threads build's other threads a region the host gives them (useScratch).
export const SCRATCH_BYTES: usize = 1 << 20;
export const RESULTS_BYTES: usize = 128;
/** Bytes of one thread's region: scratch, then results. */
export const THREAD_SCRATCH_BYTES: usize = SCRATCH_BYTES + RESULTS_BYTES;
const STATIC_SCRATCH: usize = memory.data(<i32>THREAD_SCRATCH_BYTES, 16);
let threadScratch: usize = STATIC_SCRATCH;

@inline export function scratch(): usize {
  return ASC_FEATURE_THREADS ? threadScratch : STATIC_SCRATCH;
}

@inline export function results(): usize {
  return scratch() + SCRATCH_BYTES;
}

/** Gives this instance's thread the region [at, at + THREAD_SCRATCH_BYTES) (16-byte aligned). */
export function useScratch(at: usize): void {
  threadScratch = at;
}

/** Copies the 4-column slice [col, col+4) of `count` rows (row stride `stride` bytes) to dst, 32 bytes per row. */
@inline export function packColumns4(dst: usize, src: usize, stride: usize, count: i32): void {
  if (ASC_FEATURE_SIMD) {
    for (let r = 0; r < count; r++) {
      v128.store(dst, v128.load(src));
      v128.store(dst, v128.load(src, 16), 16);
      dst += 32;
      src += stride;
    }
  } else {
    for (let r = 0; r < count; r++) {
      store<f64>(dst, load<f64>(src));
      store<f64>(dst, load<f64>(src, 8), 8);
      store<f64>(dst, load<f64>(src, 16), 16);
      store<f64>(dst, load<f64>(src, 24), 24);
      dst += 32;
      src += stride;
    }
  }
}
