// Twin of assembly/network.ts: the layer loops over the descriptor at `net`.
import { Header, HEADER_WORDS, LAYER_WORDS, LayerWord } from "../../memoryPlan.js";
import { word, type Heap } from "./heap.js";
import { denseForward } from "./forward.js";
import { outputErrors } from "./loss.js";
import { hiddenDeltas, propagateErrors } from "./nodeError.js";
import { weightGradients } from "./gradient.js";

const layerWord = (h: Heap, net: number, l: number, w: number) => word(h, net, HEADER_WORDS + l * LAYER_WORDS + w);
const layerInput = (h: Heap, net: number, l: number) => (l === 0 ? word(h, net, Header.x) : layerWord(h, net, l - 1, LayerWord.a));

export function forward(h: Heap, net: number, rows: number): void {
  const count = word(h, net, Header.layerCount);
  for (let l = 0; l < count; l++) {
    const at = (w: number) => layerWord(h, net, l, w);
    denseForward(h.f64, layerInput(h, net, l), at(LayerWord.w), at(LayerWord.b), at(LayerWord.z), at(LayerWord.a),
      rows, at(LayerWord.nIn), at(LayerWord.nOut), at(LayerWord.act));
  }
}

export function backward(h: Heap, net: number, rows: number, accumulate: boolean): number {
  const last = word(h, net, Header.layerCount) - 1;
  const out = (w: number) => layerWord(h, net, last, w);
  const total = outputErrors(h.f64, word(h, net, Header.loss), out(LayerWord.act), out(LayerWord.z), out(LayerWord.a),
    word(h, net, Header.y), out(LayerWord.e), out(LayerWord.d), word(h, net, Header.sampleLoss), rows, out(LayerWord.nOut));
  for (let l = last; l >= 0; l--) {
    const at = (w: number) => layerWord(h, net, l, w);
    const nIn = at(LayerWord.nIn), nOut = at(LayerWord.nOut);
    if (l !== last) hiddenDeltas(h.f64, at(LayerWord.e), at(LayerWord.z), at(LayerWord.a), at(LayerWord.d), rows, nOut, at(LayerWord.act));
    weightGradients(h.f64, at(LayerWord.d), layerInput(h, net, l), at(LayerWord.dW), at(LayerWord.dB), rows, nIn, nOut, accumulate);
    if (l > 0) propagateErrors(h.f64, at(LayerWord.d), at(LayerWord.w), layerWord(h, net, l - 1, LayerWord.e), rows, nIn, nOut);
  }
  return total / rows;
}

export function inputErrors(h: Heap, net: number, rows: number): void {
  propagateErrors(h.f64, layerWord(h, net, 0, LayerWord.d), layerWord(h, net, 0, LayerWord.w), word(h, net, Header.inputErrors),
    rows, word(h, net, Header.inputSize), layerWord(h, net, 0, LayerWord.nOut));
}
