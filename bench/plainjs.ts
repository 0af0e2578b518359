// The peer anyone could write instead of installing a library: a plain, idiomatic float64 MLP
// trainer over Float64Arrays — per sample, forward, node errors back, gradients summed over the
// mini-batch, one SGD step per batch (batch 1: per-sample updates). Sigmoid, tanh, relu and
// identity layers; squared error, or softmax with cross-entropy. Used by bench/peers.ts.
export type PlainActivation = "sigmoid" | "tanh" | "relu" | "identity" | "softmax";

export class PlainMLP {
  private readonly w: Float64Array[] = [];
  private readonly b: Float64Array[] = [];
  private readonly gw: Float64Array[] = [];
  private readonly gb: Float64Array[] = [];
  private readonly a: Float64Array[];
  private readonly d: Float64Array[];

  constructor(private readonly sizes: number[], private readonly acts: PlainActivation[], seed = 1) {
    let s = seed;
    const random = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32) * 2 - 1;
    for (let l = 1; l < sizes.length; l++) {
      const limit = Math.sqrt(6 / (sizes[l - 1]! + sizes[l]!));
      this.w.push(Float64Array.from({ length: sizes[l]! * sizes[l - 1]! }, () => random() * limit));
      this.b.push(new Float64Array(sizes[l]!));
      this.gw.push(new Float64Array(sizes[l]! * sizes[l - 1]!));
      this.gb.push(new Float64Array(sizes[l]!));
    }
    this.a = sizes.map((n) => new Float64Array(n));
    this.d = sizes.map((n) => new Float64Array(n));
  }

  /** One epoch of mini-batch SGD over `rows` rows (x: rows × inputs, y: rows × outputs). */
  epoch(x: Float64Array, y: Float64Array, rows: number, batch: number, lr: number): void {
    const L = this.sizes.length - 1, nIn = this.sizes[0]!, nOut = this.sizes[L]!;
    for (let start = 0; start < rows; start += batch) {
      const end = Math.min(rows, start + batch);
      for (let r = start; r < end; r++) {
        const a0 = this.a[0]!;
        for (let i = 0; i < nIn; i++) a0[i] = x[r * nIn + i]!;
        for (let l = 1; l <= L; l++) this.forwardLayer(l);
        // output deltas: squared error (a − y)·f'(z), or softmax + cross-entropy a − y
        const out = this.a[L]!, dOut = this.d[L]!, act = this.acts[L - 1]!;
        for (let k = 0; k < nOut; k++) {
          const e = out[k]! - y[r * nOut + k]!;
          dOut[k] = act === "softmax" ? e : e * derivative(act, out[k]!);
        }
        for (let l = L; l >= 1; l--) this.backwardLayer(l, l > 1);
      }
      const step = lr / (end - start);
      for (let l = 0; l < L; l++) {
        const w = this.w[l]!, gw = this.gw[l]!, b = this.b[l]!, gb = this.gb[l]!;
        for (let i = 0; i < w.length; i++) { w[i] = w[i]! - step * gw[i]!; gw[i] = 0; }
        for (let j = 0; j < b.length; j++) { b[j] = b[j]! - step * gb[j]!; gb[j] = 0; }
      }
    }
  }

  private forwardLayer(l: number): void {
    const prev = this.a[l - 1]!, out = this.a[l]!, w = this.w[l - 1]!, b = this.b[l - 1]!, n = prev.length, act = this.acts[l - 1]!;
    let max = -Infinity;
    for (let j = 0; j < out.length; j++) {
      let z = b[j]!;
      for (let i = 0, o = j * n; i < n; i++) z += w[o + i]! * prev[i]!;
      out[j] = act === "sigmoid" ? 1 / (1 + Math.exp(-z)) : act === "tanh" ? Math.tanh(z) : act === "relu" ? (z > 0 ? z : 0) : z;
      if (z > max) max = z;
    }
    if (act === "softmax") {
      let sum = 0;
      for (let j = 0; j < out.length; j++) sum += out[j] = Math.exp(out[j]! - max);
      for (let j = 0; j < out.length; j++) out[j] = out[j]! / sum;
    }
  }

  /** Gradients of layer l from its deltas; with `propagate`, the previous layer's deltas (its node errors times f'). */
  private backwardLayer(l: number, propagate: boolean): void {
    const prev = this.a[l - 1]!, d = this.d[l]!, w = this.w[l - 1]!, gw = this.gw[l - 1]!, gb = this.gb[l - 1]!, n = prev.length;
    const dPrev = this.d[l - 1]!, act = this.acts[l - 2];
    if (propagate) dPrev.fill(0);
    for (let j = 0; j < d.length; j++) {
      const dj = d[j]!;
      gb[j] = gb[j]! + dj;
      for (let i = 0, o = j * n; i < n; i++) {
        gw[o + i] = gw[o + i]! + dj * prev[i]!;
        if (propagate) dPrev[i] = dPrev[i]! + dj * w[o + i]!;
      }
    }
    if (propagate) for (let i = 0; i < n; i++) dPrev[i] = dPrev[i]! * derivative(act!, prev[i]!);
  }
}

/** f'(z) from a = f(z). */
function derivative(act: PlainActivation, a: number): number {
  return act === "sigmoid" ? a * (1 - a) : act === "tanh" ? 1 - a * a : act === "relu" ? (a > 0 ? 1 : 0) : 1;
}
