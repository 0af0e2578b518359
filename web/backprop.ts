// The back-propagation view: one example through the real library, then played back step by step.
// Forward: a⁰ = x, then a^l = f(W^l a^{l−1} + b^l) layer by layer. Backward: the loss gives the
// output layer's node errors e^L = ∂E/∂a^L, and each earlier layer's follow from the next one's,
// e^{l−1} = W^lᵀ (e^l ⊙ f'(z^l)), output layer first, input layer last.
import type { Loss, Network } from "wasmlp";
import { fmt, type LayerValues, type NetworkView } from "./networkView";

export interface Trace {
  input: number[];
  target: number[];
  /** The example's class. */
  label: number;
  loss: Loss;
  /** E for this example. */
  error: number;
  /** Layers 0…L: activations and node errors. */
  layers: LayerValues[];
  /** δ^l = ∂E/∂z^l for layers 1…L (index l − 1). */
  deltas: number[][];
  /** W^l for layers 1…L (index l − 1), row-major size × fan-in. */
  weights: Float64Array[];
  activations: string[];
}

/** Runs `x` forward and `y` backward on `net` and reads every layer's a and e (and δ, W). */
export function traceExample(net: Network, x: number[], y: number[]): Trace {
  net.forward([x]);
  const error = net.backward([y]);
  const L = net.layers.length;
  const layers: LayerValues[] = [], deltas: number[][] = [], weights: Float64Array[] = [];
  for (let l = 0; l <= L; l++) {
    layers.push({ a: Array.from(net.activations(l).data), e: Array.from(net.nodeErrors(l).data) });
    if (l > 0) {
      deltas.push(Array.from(net.deltas(l).data));
      weights.push(net.weights(l).data);
    }
  }
  net.zeroGrad(); // this network only looks: leave no gradient behind
  return {
    input: x, target: y, label: y.indexOf(Math.max(...y)), loss: net.loss, error, layers, deltas, weights,
    activations: ["input", ...net.layers.map((layer) => layer.activation)],
  };
}

export type PlayerStatus = "idle" | "running" | "done";

/** Plays a trace on the network view, one layer per step, with a caption per step. */
export class BackpropPlayer {
  status: PlayerStatus = "idle";
  trace: Trace | null = null;
  /** Layers whose node errors are on show. */
  errorsShown = 0;
  private run = 0;

  constructor(private readonly view: NetworkView, private readonly caption: HTMLElement,
    private readonly onStatus: (status: PlayerStatus) => void, private readonly stepMs = 650) {}

  async play(trace: Trace, title: string): Promise<void> {
    const run = ++this.run;
    this.trace = trace;
    this.setStatus("running");
    const L = trace.layers.length - 1;
    const steps: (() => void)[] = [];
    for (let l = 0; l <= L; l++) {
      steps.push(() => {
        this.view.showTrace(trace.layers, l, L + 1, l > 0 ? { layer: l, direction: "forward" } : null);
        this.describe(title, "Forward pass", forwardText(trace, l));
      });
    }
    for (let l = L; l >= 0; l--) {
      steps.push(() => {
        this.errorsShown = L + 1 - l;
        this.view.showTrace(trace.layers, L, l, l < L ? { layer: l + 1, direction: "backward" } : null);
        this.describe(title, "Backward pass", backwardText(trace, l));
      });
    }
    for (const step of steps) {
      if (run !== this.run) return;
      step();
      await new Promise((resolve) => setTimeout(resolve, this.stepMs));
    }
    if (run !== this.run) return;
    this.view.showTrace(trace.layers, L, 0, null);
    this.describe(title, "Done", `E = ${fmt(trace.error)} for this example. With the node errors known, every gradient follows at once: ` +
      `δ<sup>l</sup> = e<sup>l</sup> ⊙ f′(z<sup>l</sup>), ∂E/∂W<sup>l</sup> = δ<sup>l</sup> a<sup>l−1</sup>ᵀ, ∂E/∂b<sup>l</sup> = δ<sup>l</sup>.`);
    this.setStatus("done");
  }

  /** Stops any animation and forgets the trace. */
  close(): void {
    this.run++;
    this.trace = null;
    this.errorsShown = 0;
    this.caption.replaceChildren();
    this.setStatus("idle");
  }

  private describe(title: string, phase: string, html: string): void {
    this.caption.innerHTML = `<div class="caption-title">${title} · <b>${phase}</b></div><div class="caption-text">${html}</div>`;
  }

  private setStatus(status: PlayerStatus): void {
    this.status = status;
    this.onStatus(status);
  }
}

const sup = (l: number | string) => `<sup>${l}</sup>`;
const vector = (values: number[], limit = 4) =>
  `(${values.slice(0, limit).map(fmt).join(", ")}${values.length > limit ? ", …" : ""})`;

function forwardText(trace: Trace, l: number): string {
  const L = trace.layers.length - 1;
  if (l === 0) return `a${sup(0)} = x = ${vector(trace.input)}: the example goes in.`;
  const f = trace.activations[l]!;
  const what = l === L ? (f === "softmax" ? " — the class probabilities" : " — the outputs") : "";
  return `a${sup(l)} = ${f}(z${sup(l)}), z${sup(l)} = W${sup(l)} a${sup(l - 1)} + b${sup(l)} = ${vector(trace.layers[l]!.a)}${what}.`;
}

function backwardText(trace: Trace, l: number): string {
  const L = trace.layers.length - 1;
  const { a, e } = trace.layers[l]!;
  if (l === L) {
    const y = vector(trace.target);
    if (trace.loss === "crossEntropy") {
      return `Output node errors from the loss (cross-entropy, target y = ${y}): e${sup("L")} = ∂E/∂a${sup("L")} = −y / a = ${vector(e)}. ` +
        `Through the softmax, δ${sup("L")} = a − y = ${vector(trace.deltas[L - 1]!)}.`;
    }
    if (trace.loss === "binaryCrossEntropy") {
      return `Output node errors from the loss (target y = ${y}): e${sup("L")} = −y/a + (1 − y)/(1 − a) = ${vector(e)}.`;
    }
    return `Output node errors from the loss (squared error, target y = ${y}): e${sup("L")} = a − y = ${vector(a)} − ${y} = ${vector(e)}.`;
  }
  // e^l = W^{l+1}ᵀ δ^{l+1}, where δ^{l+1} = e^{l+1} ⊙ f'(z^{l+1}): spelled out for this layer's first node.
  const next = l + 1, w = trace.weights[l]!, delta = trace.deltas[l]!, fanIn = trace.layers[l]!.a.length;
  const terms = delta.map((d, j) => `${fmt(w[j * fanIn]!)}·${fmt(d)}`);
  const shown = terms.slice(0, 3).join(" + ") + (terms.length > 3 ? " + …" : "");
  const rule = trace.activations[next] === "softmax"
    ? `W${sup(next)}ᵀ δ${sup(next)}`
    : `W${sup(next)}ᵀ (e${sup(next)} ⊙ f′(z${sup(next)}))`;
  const where = l === 0 ? " (how the loss would move with each input)" : "";
  return `e${sup(l)} = ${rule} = ${vector(e)}${where}. For the first node: ` +
    `e${sup(l)}<sub>1</sub> = Σ<sub>j</sub> W${sup(next)}<sub>j1</sub> δ${sup(next)}<sub>j</sub> = ${shown} = ${fmt(e[0]!)}.`;
}
