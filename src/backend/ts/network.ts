// Twin of assembly/network.ts: the layer loops over the descriptor at `net`.
import { Header, HEADER_WORDS, LAYER_WORDS, LayerWord as W } from "../../abi.js";
import { word, type Heap } from "./heap.js";
import { denseForward } from "./forward.js";
import { outputErrors } from "./loss.js";
import { hiddenDeltas, propagateErrors } from "./nodeError.js";
import { weightGradients, ACCUMULATE, APPLY_SGD, STORE } from "./gradient.js";

export function layerWord(h: Heap, net: number, l: number, w: number): number {
  return word(h, net, HEADER_WORDS + l * LAYER_WORDS + w);
}
const layerInput = (h: Heap, net: number, l: number) => (l === 0 ? word(h, net, Header.x) : layerWord(h, net, l - 1, W.a));

export function forward(h: Heap, net: number, rows: number): void {
  const count = word(h, net, Header.layerCount);
  for (let l = 0; l < count; l++) {
    denseForward(h.f64, layerInput(h, net, l), layerWord(h, net, l, W.w), layerWord(h, net, l, W.b),
      layerWord(h, net, l, W.z), layerWord(h, net, l, W.a),
      rows, layerWord(h, net, l, W.in), layerWord(h, net, l, W.out), layerWord(h, net, l, W.act));
  }
}

/** The output layer's loss, node errors and deltas for the current batch; returns the summed loss. */
export function outputLoss(h: Heap, net: number, rows: number): number {
  const last = word(h, net, Header.layerCount) - 1;
  return outputErrors(h.f64, word(h, net, Header.loss), layerWord(h, net, last, W.act), layerWord(h, net, last, W.z),
    layerWord(h, net, last, W.a), word(h, net, Header.y), layerWord(h, net, last, W.e), layerWord(h, net, last, W.d),
    word(h, net, Header.sampleLoss), rows, layerWord(h, net, last, W.out));
}

/** Output node errors from the loss, then deltas and node errors down to layer 1; returns the summed loss. */
export function backpropagate(h: Heap, net: number, rows: number): number {
  const last = word(h, net, Header.layerCount) - 1;
  const total = outputLoss(h, net, rows);
  for (let l = last; l >= 0; l--) {
    const nOut = layerWord(h, net, l, W.out), d = layerWord(h, net, l, W.d);
    if (l !== last) {
      hiddenDeltas(h.f64, layerWord(h, net, l, W.e), layerWord(h, net, l, W.z), layerWord(h, net, l, W.a), d,
        rows, nOut, layerWord(h, net, l, W.act));
    }
    if (l > 0) propagateErrors(h.f64, d, layerWord(h, net, l, W.w), layerWord(h, net, l - 1, W.e), rows, layerWord(h, net, l, W.in), nOut);
  }
  return total;
}

/** Every layer's gradients from its deltas, in gradient.ts's mode (APPLY_SGD updates W and b in place). */
export function layerGradients(h: Heap, net: number, rows: number, mode: number, lr: number, weightDecay: number): void {
  const count = word(h, net, Header.layerCount);
  for (let l = 0; l < count; l++) {
    weightGradients(h.f64, layerWord(h, net, l, W.d), layerInput(h, net, l),
      layerWord(h, net, l, mode === APPLY_SGD ? W.w : W.dW), layerWord(h, net, l, mode === APPLY_SGD ? W.b : W.dB),
      rows, layerWord(h, net, l, W.in), layerWord(h, net, l, W.out), mode, lr, weightDecay);
  }
}

export function backward(h: Heap, net: number, rows: number, accumulate: boolean): number {
  const total = backpropagate(h, net, rows);
  layerGradients(h, net, rows, accumulate ? ACCUMULATE : STORE, 0, 0);
  return total / rows;
}

export function inputErrors(h: Heap, net: number, rows: number): void {
  propagateErrors(h.f64, layerWord(h, net, 0, W.d), layerWord(h, net, 0, W.w), word(h, net, Header.inputErrors),
    rows, word(h, net, Header.inputSize), layerWord(h, net, 0, W.out));
}
