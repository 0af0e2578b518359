// The network descriptor: a small table of i32 words in linear memory that tells the kernels where
// every array lives. The host (src/memoryPlan.ts, or any embedder) writes it once; every kernel
// entry point then takes just its byte offset. The host's table of these words is src/abi.ts;
// test/abi.test.ts compares every word here with it (and with docs/abi.md).

export const ABI_VERSION: i32 = 1;

// Header words.
export const H_LAYER_COUNT: i32 = 0;
export const H_INPUT_SIZE: i32 = 1;
export const H_LOSS: i32 = 2;
export const H_X: i32 = 3; //            inputs, rows × inputSize (this is A⁰)
export const H_Y: i32 = 4; //            targets, rows × outputSize
export const H_SAMPLE_LOSS: i32 = 5; //  per-sample loss, rows
export const H_INPUT_ERRORS: i32 = 6; // node errors of the inputs E⁰, rows × inputSize
export const H_TRAIN: i32 = 7; //       the training block (f64 words, below)
export const H_PARAMS: i32 = 8; //      all parameters, back to back
export const H_PARAM_COUNT: i32 = 9; // how many (f64 values)
export const H_GRADS: i32 = 10; //      gradients, same layout as the parameters
export const H_STATE1: i32 = 11; //     optimizer state: SGD momentum buffer / Adam first moment
export const H_STATE2: i32 = 12; //     optimizer state: Adam second moment
export const HEADER_WORDS: i32 = 16;

// The training block: f64 words at H_TRAIN, settings written by the host and results written by
// trainBatches / evaluateRows (train.ts).
export const T_OPTIMIZER: i32 = 0; //  0 sgd, 1 adam
export const T_LR: i32 = 1;
export const T_MOMENTUM: i32 = 2;
export const T_NESTEROV: i32 = 3; //   0 or 1
export const T_WEIGHT_DECAY: i32 = 4;
export const T_BETA1: i32 = 5;
export const T_BETA2: i32 = 6;
export const T_EPS: i32 = 7;
export const T_CLIP_NORM: i32 = 8; //  0: no clipping
export const T_STEP: i32 = 9; //       optimizer steps taken so far (Adam's t); incremented per batch
export const T_METRIC: i32 = 10; //    0 none, 1 argmax accuracy, 2 per-output 0.5-threshold accuracy
export const T_LOSS_SUM: i32 = 11; //  Σ over samples of the loss (accumulated; the host resets it)
export const T_CORRECT: i32 = 12; //   Σ correct predictions (accumulated)
export const T_SEEN: i32 = 13; //      Σ samples (accumulated)
export const T_STATUS: i32 = 14; //    0 ok, 1 non-finite loss, 2 non-finite gradient
export const T_BATCH_LOSS: i32 = 15; // mean loss of the last batch
export const T_GRAD_NORM: i32 = 16; // L2 norm of the last batch's gradient before clipping (when clipping)
export const T_BETA1_POWER: i32 = 17; // β1^t and β2^t, kept as running products (Adam's bias
export const T_BETA2_POWER: i32 = 18; // correction) so the module needs no pow(); 1 before step 1
export const T_INPUT_BOUND: i32 = 19; // an upper bound of |x| over the data set, or 0: then each batch is scanned
export const TRAIN_WORDS: i32 = 24;

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

@inline export function trainWord(net: usize, word: i32): usize {
  return headerWord(net, H_TRAIN) + (<usize>word << 3);
}

/** A training-block word's value, and setting it. */
@inline export function getT(net: usize, word: i32): f64 {
  return load<f64>(trainWord(net, word));
}
@inline export function setT(net: usize, word: i32, value: f64): void {
  store<f64>(trainWord(net, word), value);
}

@inline export function layerWord(net: usize, layer: i32, word: i32): usize {
  return <usize>load<i32>(net + (<usize>(HEADER_WORDS + layer * LAYER_WORDS + word) << 2));
}
