// The layer loops: one call runs the whole forward pass or the whole backward pass of a network
// described by the descriptor at `net` (see layout.ts), over the first `rows` samples. In the
// threads build every thread of a team runs them together (team.ts): each layer's output is split
// among the threads, with a barrier wherever the next step reads what the others wrote.
import {
  headerWord, layerWord, H_LAYER_COUNT, H_INPUT_SIZE, H_LOSS, H_X, H_Y, H_SAMPLE_LOSS, H_INPUT_ERRORS,
  L_IN, L_OUT, L_ACT, L_W, L_B, L_DW, L_DB, L_Z, L_A, L_E, L_D,
} from "./layout";
import { activateUnits, denseForwardUnits, softmaxRows } from "./forward";
import { outputErrors } from "./loss";
import { hiddenDeltas, hiddenDeltasUnits, propagateErrors, propagateErrorsInputs } from "./nodeError";
import { weightGradientsUnits, ACCUMULATE, APPLY_SGD, STORE } from "./gradient";
import { SOFTMAX } from "./activation";
import { barrier, leader, share, shareBegin, shareEnd, teamSize } from "./team";

@inline function layerInput(net: usize, l: i32): usize {
  return l == 0 ? headerWord(net, H_X) : layerWord(net, l - 1, L_A);
}

@inline function rowOffset(row: i32, n: i32): usize {
  return (<usize>row * <usize>n) << 3;
}

export function forward(net: usize, rows: i32): void {
  forwardLayers(net, rows);
}

/** The forward pass, each layer's units split among the team. False when the team failed. */
export function forwardLayers(net: usize, rows: i32): bool {
  const count = <i32>headerWord(net, H_LAYER_COUNT);
  for (let l = 0; l < count; l++) {
    const nIn = <i32>layerWord(net, l, L_IN), nOut = <i32>layerWord(net, l, L_OUT), act = <i32>layerWord(net, l, L_ACT);
    const z = layerWord(net, l, L_Z), a = layerWord(net, l, L_A);
    const units = share(nOut, <f64>rows * <f64>nIn);
    const j0 = shareBegin(units), j1 = shareEnd(units);
    if (j0 < j1) {
      denseForwardUnits(layerInput(net, l), layerWord(net, l, L_W), layerWord(net, l, L_B), z, rows, nIn, nOut, j0, j1);
      // One pass for the activation: it costs rows·nOut next to the rows·nIn·nOut above, and
      // keeps a single copy of each activation function in the module.
      if (act != SOFTMAX) activateUnits(z, a, rows, nOut, act, j0, j1);
    }
    if (act == SOFTMAX) { // a row operation: split by rows once every unit is known
      if (!barrier()) return false;
      const r = share(rows, <f64>nOut * 16);
      const r0 = shareBegin(r), r1 = shareEnd(r);
      if (r0 < r1) softmaxRows(z + rowOffset(r0, nOut), a + rowOffset(r0, nOut), r1 - r0, nOut);
    }
    if (!barrier()) return false;
  }
  return true;
}

// The summed loss of the last backpropagateLayers() (thread 0's is the batch's).
export let lossSum: f64 = 0;

// Seeds the output node errors from the loss, then walks back: deltas, and from them the node
// errors of the layer below (with the weights as they were in the forward pass). Returns the
// summed loss of the batch. Gradients are formed afterwards by layerGradients().
export function backpropagate(net: usize, rows: i32): f64 {
  backpropagateLayers(net, rows);
  return lossSum;
}

/**
 * backpropagate() by a team: output errors split by rows, each layer's node errors (and the
 * deltas beside them) by input units. False when the team failed.
 */
export function backpropagateLayers(net: usize, rows: i32): bool {
  const count = <i32>headerWord(net, H_LAYER_COUNT);
  const last = count - 1;
  const n = <i32>layerWord(net, last, L_OUT);
  const sampleLoss = headerWord(net, H_SAMPLE_LOSS);
  const r = share(rows, <f64>n * 8);
  const r0 = shareBegin(r), r1 = shareEnd(r);
  const o = rowOffset(r0, n);
  let total = 0.0;
  if (r0 < r1) {
    total = outputErrors(
      <i32>headerWord(net, H_LOSS), <i32>layerWord(net, last, L_ACT),
      layerWord(net, last, L_Z) + o, layerWord(net, last, L_A) + o, headerWord(net, H_Y) + o,
      layerWord(net, last, L_E) + o, layerWord(net, last, L_D) + o, sampleLoss + (<usize>r0 << 3),
      r1 - r0, n,
    );
  }
  if (!barrier()) return false;
  if (teamSize() > 1 && leader()) {
    // The same sum, in the same order, as outputErrors forms over all rows.
    total = 0.0;
    for (let s = 0; s < rows; s++) total += load<f64>(sampleLoss + (<usize>s << 3));
  }
  lossSum = total;
  for (let l = last; l > 0; l--) {
    const nIn = <i32>layerWord(net, l, L_IN), nOut = <i32>layerWord(net, l, L_OUT);
    const act = <i32>layerWord(net, l - 1, L_ACT);
    const e = layerWord(net, l - 1, L_E), z = layerWord(net, l - 1, L_Z), a = layerWord(net, l - 1, L_A), d = layerWord(net, l - 1, L_D);
    const units = share(nIn, <f64>rows * <f64>nOut);
    const c0 = shareBegin(units), c1 = shareEnd(units);
    if (c0 < c1) {
      propagateErrorsInputs(layerWord(net, l, L_D), layerWord(net, l, L_W), e, rows, nIn, nOut, c0, c1);
      if (act != SOFTMAX) hiddenDeltasUnits(e, z, a, d, rows, nIn, act, c0, c1);
    }
    if (act == SOFTMAX) { // (only an output layer may be softmax today; kept correct regardless)
      if (!barrier()) return false;
      const rr = share(rows, <f64>nIn * 8);
      const s0 = shareBegin(rr), s1 = shareEnd(rr);
      if (s0 < s1) hiddenDeltas(e + rowOffset(s0, nIn), z + rowOffset(s0, nIn), a + rowOffset(s0, nIn), d + rowOffset(s0, nIn), s1 - s0, nIn, SOFTMAX);
    }
    if (!barrier()) return false;
  }
  return true;
}

// dW, db of every layer from its deltas and inputs, in gradient.ts's `mode` (APPLY_SGD updates the
// weights in place, which is safe because every delta is already known). Each thread forms its
// share of every layer's rows of dW: no barrier between layers.
export function layerGradients(net: usize, rows: i32, mode: i32, lr: f64, weightDecay: f64): void {
  const count = <i32>headerWord(net, H_LAYER_COUNT);
  // Last layer first: the weights the backward pass read last are the likeliest still in cache.
  for (let l = count - 1; l >= 0; l--) {
    const target = mode == APPLY_SGD ? L_W : L_DW;
    const targetBias = mode == APPLY_SGD ? L_B : L_DB;
    const nIn = <i32>layerWord(net, l, L_IN), nOut = <i32>layerWord(net, l, L_OUT);
    const units = share(nOut, <f64>rows * <f64>nIn);
    weightGradientsUnits(
      layerWord(net, l, L_D), layerInput(net, l), layerWord(net, l, target), layerWord(net, l, targetBias),
      rows, nIn, nOut, mode, lr, weightDecay, shareBegin(units), shareEnd(units),
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
