// The network descriptor: a small table of i32 words in linear memory that tells the kernels where
// every array lives. The host (src/memoryPlan.ts, or any embedder) writes it once; every kernel
// entry point then takes just its byte offset. src/memoryPlan.ts mirrors these numbers and a test
// checks that the two agree through the exported globals below.

export const ABI_VERSION: i32 = 1;

// Header words.
export const H_LAYER_COUNT: i32 = 0;
export const H_INPUT_SIZE: i32 = 1;
export const H_LOSS: i32 = 2;
export const H_X: i32 = 3; //            inputs, rows × inputSize (this is A⁰)
export const H_Y: i32 = 4; //            targets, rows × outputSize
export const H_SAMPLE_LOSS: i32 = 5; //  per-sample loss, rows
export const H_INPUT_ERRORS: i32 = 6; // node errors of the inputs E⁰, rows × inputSize
export const HEADER_WORDS: i32 = 16;

// Per-layer words (layer l = 1..L is record l − 1, right after the header).
export const L_IN: i32 = 0; //   fan-in n_{l−1}
export const L_OUT: i32 = 1; //  width n_l
export const L_ACT: i32 = 2; //  activation id
export const L_W: i32 = 3; //    weights n_l × n_{l−1}, row-major
export const L_B: i32 = 4; //    biases n_l
export const L_DW: i32 = 5; //   ∂E/∂W, same shape as W
export const L_DB: i32 = 6; //   ∂E/∂b
export const L_Z: i32 = 7; //    pre-activations, rows × n_l
export const L_A: i32 = 8; //    activations, rows × n_l
export const L_E: i32 = 9; //    node errors ∂E_s/∂a, rows × n_l
export const L_D: i32 = 10; //   deltas ∂E_s/∂z, rows × n_l
export const LAYER_WORDS: i32 = 12;

@inline export function headerWord(net: usize, word: i32): usize {
  return <usize>load<i32>(net + (<usize>word << 2));
}

@inline export function layerWord(net: usize, layer: i32, word: i32): usize {
  return <usize>load<i32>(net + (<usize>(HEADER_WORDS + layer * LAYER_WORDS + word) << 2));
}
