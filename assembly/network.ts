// The layer loops: one call runs the whole forward pass or the whole backward pass of a network
// described by the descriptor at `net` (see layout.ts), over the first `rows` samples.
import {
  headerWord, layerWord, H_LAYER_COUNT, H_INPUT_SIZE, H_LOSS, H_X, H_Y, H_SAMPLE_LOSS, H_INPUT_ERRORS,
  L_IN, L_OUT, L_ACT, L_W, L_B, L_DW, L_DB, L_Z, L_A, L_E, L_D,
} from "./layout";
import { denseForward } from "./forward";
import { outputErrors } from "./loss";
import { hiddenDeltas, propagateErrors } from "./nodeError";
import { weightGradients, ACCUMULATE, APPLY_SGD, STORE } from "./gradient";

@inline function layerInput(net: usize, l: i32): usize {
  return l == 0 ? headerWord(net, H_X) : layerWord(net, l - 1, L_A);
}

export function forward(net: usize, rows: i32): void {
  const count = <i32>headerWord(net, H_LAYER_COUNT);
  for (let l = 0; l < count; l++) {
    denseForward(
      layerInput(net, l), layerWord(net, l, L_W), layerWord(net, l, L_B),
      layerWord(net, l, L_Z), layerWord(net, l, L_A),
      rows, <i32>layerWord(net, l, L_IN), <i32>layerWord(net, l, L_OUT), <i32>layerWord(net, l, L_ACT),
    );
  }
}

// Seeds the output node errors from the loss, then walks back: deltas, and from them the node
// errors of the layer below (with the weights as they were in the forward pass). Returns the
// summed loss of the batch. Gradients are formed afterwards by layerGradients().
export function backpropagate(net: usize, rows: i32): f64 {
  const count = <i32>headerWord(net, H_LAYER_COUNT);
  const last = count - 1;
  const total = outputErrors(
    <i32>headerWord(net, H_LOSS), <i32>layerWord(net, last, L_ACT),
    layerWord(net, last, L_Z), layerWord(net, last, L_A), headerWord(net, H_Y),
    layerWord(net, last, L_E), layerWord(net, last, L_D), headerWord(net, H_SAMPLE_LOSS),
    rows, <i32>layerWord(net, last, L_OUT),
  );
  for (let l = last; l >= 0; l--) {
    const nOut = <i32>layerWord(net, l, L_OUT);
    const d = layerWord(net, l, L_D);
    if (l != last) {
      hiddenDeltas(
        layerWord(net, l, L_E), layerWord(net, l, L_Z), layerWord(net, l, L_A), d,
        rows, nOut, <i32>layerWord(net, l, L_ACT),
      );
    }
    if (l > 0) propagateErrors(d, layerWord(net, l, L_W), layerWord(net, l - 1, L_E), rows, <i32>layerWord(net, l, L_IN), nOut);
  }
  return total;
}

// dW, db of every layer from its deltas and inputs, in gradient.ts's `mode` (APPLY_SGD updates the
// weights in place, which is safe because every delta is already known).
export function layerGradients(net: usize, rows: i32, mode: i32, lr: f64, weightDecay: f64): void {
  const count = <i32>headerWord(net, H_LAYER_COUNT);
  // Last layer first: the weights the backward pass read last are the likeliest still in cache.
  for (let l = count - 1; l >= 0; l--) {
    const target = mode == APPLY_SGD ? L_W : L_DW;
    const targetBias = mode == APPLY_SGD ? L_B : L_DB;
    weightGradients(
      layerWord(net, l, L_D), layerInput(net, l), layerWord(net, l, target), layerWord(net, l, targetBias),
      rows, <i32>layerWord(net, l, L_IN), <i32>layerWord(net, l, L_OUT), mode, lr, weightDecay,
    );
  }
}

// The loss.backward() of the API: node errors back, then the batch-mean gradients stored or added.
// Returns the batch-mean loss.
export function backward(net: usize, rows: i32, accumulate: bool): f64 {
  const total = backpropagate(net, rows);
  layerGradients(net, rows, accumulate ? ACCUMULATE : STORE, 0, 0);
  return total / <f64>rows;
}

// Node errors of the inputs, E⁰ = D¹·W¹: not needed for training, so computed only on request.
export function inputErrors(net: usize, rows: i32): void {
  propagateErrors(
    layerWord(net, 0, L_D), layerWord(net, 0, L_W), headerWord(net, H_INPUT_ERRORS),
    rows, <i32>headerWord(net, H_INPUT_SIZE), <i32>layerWord(net, 0, L_OUT),
  );
}
