// One static scratch region for packing panels of matrices into the order a kernel reads them
// (contiguous, so that row strides that are multiples of 4 KiB cannot alias in the L1 cache).
// Zero-initialised static memory costs no bytes in the module. Kernels never run concurrently.
export const SCRATCH_BYTES: usize = 1 << 20;
export const SCRATCH: usize = memory.data(<i32>SCRATCH_BYTES, 16);

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
