// The seed article's example, step by step: a 3-4-2 sigmoid network with squared error, one input,
// one SGD step (data/seed-3-4-2.json, the case `wasmlp explain` prints with no --model). Every
// number shown is read from the library — forward(), backward(), the layer readers, SGD.step() —
// never recomputed here, and sits beside the formula that gives it.
import { Network, SGD, type BackendName } from "wasmlp";
import seedExample from "../data/seed-3-4-2.json";
import { fmt, type LayerValues, type NetworkView } from "./networkView";

/** Everything the walk-through shows, as the library computed it. */
export interface ArticleNumbers {
  x: number[];
  y: number[];
  lr: number;
  /** z^l, a^l, e^l, δ^l for l = 1, 2 (index l − 1). */
  z: number[][];
  a: number[][];
  e: number[][];
  delta: number[][];
  /** W^l and b^l before the step, ∂E/∂W^l and ∂E/∂b^l, and W^l, b^l after it. */
  weights: number[][];
  biases: number[][];
  gradWeights: number[][];
  gradBiases: number[][];
  weightsAfter: number[][];
  biasesAfter: number[][];
  /** E before the step, and for the same example after it. */
  loss: number;
  lossAfter: number;
}

export const ARTICLE_STEPS = ["Forward pass", "Output node errors", "Hidden node errors", "Gradients", "One SGD step"] as const;

export async function computeArticle(backend: BackendName): Promise<ArticleNumbers> {
  const net = await Network.fromJSON(seedExample.model, { backend });
  const x = seedExample.batch.inputs[0]!, y = seedExample.batch.targets[0]!, lr = seedExample.optimizer.lr;
  const read = (m: { data: Float64Array }) => Array.from(m.data);
  net.forward([x]);
  const loss = net.backward([y]);
  const layers = [1, 2];
  const numbers: ArticleNumbers = {
    x, y, lr, loss, lossAfter: NaN,
    z: layers.map((l) => read(net.preActivations(l))),
    a: layers.map((l) => read(net.activations(l))),
    e: layers.map((l) => read(net.nodeErrors(l))),
    delta: layers.map((l) => read(net.deltas(l))),
    weights: layers.map((l) => read(net.weights(l))),
    biases: layers.map((l) => Array.from(net.biases(l))),
    gradWeights: layers.map((l) => read(net.gradients(l).weights)),
    gradBiases: layers.map((l) => Array.from(net.gradients(l).biases)),
    weightsAfter: [], biasesAfter: [],
  };
  new SGD(net, { lr }).step();
  numbers.weightsAfter = layers.map((l) => read(net.weights(l)));
  numbers.biasesAfter = layers.map((l) => Array.from(net.biases(l)));
  net.forward([x]);
  numbers.lossAfter = net.backward([y]);
  net.dispose();
  return numbers;
}

const sup = (s: number | string) => `<sup>${s}</sup>`;
const vec = (v: number[]) => `(${v.map(fmt).join(", ")})`;
const matrix = (m: number[], cols: number) => {
  const rows: string[] = [];
  for (let r = 0; r < m.length / cols; r++) rows.push(m.slice(r * cols, (r + 1) * cols).map(fmt).join(", "));
  return `<span class="matrix">${rows.map((r) => `<span>${r}</span>`).join("")}</span>`;
};

/** The caption of step `step` (0…4), numbers beside their formulas. */
export function articleText(n: ArticleNumbers, step: number): string {
  switch (step) {
    case 0:
      return `a${sup(0)} = x = ${vec(n.x)}.<br>` +
        `z${sup(1)} = W${sup(1)}x + b${sup(1)} = ${vec(n.z[0]!)}, &nbsp;a${sup(1)} = σ(z${sup(1)}) = ${vec(n.a[0]!)}.<br>` +
        `z${sup(2)} = W${sup(2)}a${sup(1)} + b${sup(2)} = ${vec(n.z[1]!)}, &nbsp;a${sup(2)} = σ(z${sup(2)}) = ${vec(n.a[1]!)}.`;
    case 1:
      return `E = ½ Σ (a${sup(2)} − y)² = ${fmt(n.loss)} with target y = ${vec(n.y)}.<br>` +
        `Output node errors: e${sup(2)} = ∂E/∂a${sup(2)} = a${sup(2)} − y = ${vec(n.a[1]!)} − ${vec(n.y)} = <b>${vec(n.e[1]!)}</b>.`;
    case 2:
      return `Through the sigmoid: δ${sup(2)} = e${sup(2)} ⊙ σ′(z${sup(2)}) = e${sup(2)} ⊙ a${sup(2)}(1 − a${sup(2)}) = ${vec(n.delta[1]!)}.<br>` +
        `Hidden node errors, a linear combination of the output ones: e${sup(1)} = W${sup(2)}ᵀ δ${sup(2)} = <b>${vec(n.e[0]!)}</b>.`;
    case 3:
      return `δ${sup(1)} = e${sup(1)} ⊙ a${sup(1)}(1 − a${sup(1)}) = ${vec(n.delta[0]!)}.<br>` +
        `∂E/∂W${sup(2)} = δ${sup(2)} a${sup(1)}ᵀ = ${matrix(n.gradWeights[1]!, 4)}, &nbsp;∂E/∂b${sup(2)} = δ${sup(2)} = ${vec(n.gradBiases[1]!)}.<br>` +
        `∂E/∂W${sup(1)} = δ${sup(1)} xᵀ = ${matrix(n.gradWeights[0]!, 3)}, &nbsp;∂E/∂b${sup(1)} = δ${sup(1)} = ${vec(n.gradBiases[0]!)}.`;
    default:
      return `W ← W − η ∂E/∂W with η = ${n.lr}: W${sup(2)} = ${matrix(n.weightsAfter[1]!, 4)}, b${sup(2)} = ${vec(n.biasesAfter[1]!)}; ` +
        `W${sup(1)} = ${matrix(n.weightsAfter[0]!, 3)}, b${sup(1)} = ${vec(n.biasesAfter[0]!)}.<br>` +
        `The same example afterwards: E = ${fmt(n.loss)} → <b>${fmt(n.lossAfter)}</b>.`;
  }
}

/** The network view's picture of step `step`: activations up to the output, then node errors from the output back. */
export function showArticleStep(view: NetworkView, n: ArticleNumbers, step: number): void {
  const layers: LayerValues[] = [
    { a: n.x, e: [0, 0, 0] },
    { a: n.a[0]!, e: n.e[0]! },
    { a: n.a[1]!, e: n.e[1]! },
  ];
  const errorsFrom = step === 0 ? 3 : step === 1 ? 2 : 1;
  view.showParameters(n.weights, n.biases); // the edges: the weights in use (the trace below dims all but the moving ones)
  const flow = step === 0 ? { layer: 2, direction: "forward" as const } : step === 2 ? { layer: 2, direction: "backward" as const } : null;
  view.showTrace(layers, 2, errorsFrom, flow);
}
