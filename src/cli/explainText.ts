// Typesetting for `wasmlp explain`: layer superscripts, vectors and matrices whose numbers carry
// enough digits to be checked against a reference, and each activation's derivative with its formula.
import type { Activation, Loss } from "../index.js";

const SUPERSCRIPTS = "⁰¹²³⁴⁵⁶⁷⁸⁹";

/** 2 → "²", 12 → "¹²". */
export const sup = (n: number) => [...String(n)].map((d) => SUPERSCRIPTS[Number(d)]).join("");

export class NumberFormat {
  constructor(readonly digits: number) {}

  number(v: number): string {
    return String(Number(v.toPrecision(this.digits))); // no trailing zeros: 0.1, not 0.100000000000
  }

  vector(values: ArrayLike<number>): string {
    return `[${Array.from(values, (v) => this.number(v)).join(", ")}]`;
  }

  /** One bracketed, column-aligned row per line, indented. */
  matrix(data: ArrayLike<number>, rows: number, cols: number, indent: string): string {
    const cells = Array.from(data, (v) => this.number(v));
    const width = Math.max(...cells.map((c) => c.length));
    return Array.from({ length: rows }, (_, r) =>
      `${indent}[${cells.slice(r * cols, (r + 1) * cols).map((c) => c.padStart(width)).join(", ")}]`).join("\n");
  }
}

/** The loss as a formula, per sample. */
export const LOSS_FORMULA: Record<Loss, (L: string) => string> = {
  squaredError: (L) => `E = ½ Σ (a${L} − y)²`,
  crossEntropy: (L) => `E = −Σ y log a${L}`,
  binaryCrossEntropy: (L) => `E = −Σ (y log a${L} + (1 − y) log(1 − a${L}))`,
};

/** The output layer's node error ∂E/∂a as a formula. */
export const OUTPUT_ERROR_FORMULA: Record<Loss, (L: string) => string> = {
  squaredError: (L) => `a${L} − y`,
  crossEntropy: (L) => `−y / a${L}`,
  binaryCrossEntropy: (L) => `−y / a${L} + (1 − y) / (1 − a${L})`,
};

/** f'(z) of an element-wise activation, from z and a = f(z), with its formula. */
export const DERIVATIVE: Record<Exclude<Activation, "softmax">, { formula: (l: string) => string; value: (z: number, a: number) => number }> = {
  sigmoid: { formula: (l) => `a${l} ⊙ (1 − a${l})`, value: (_z, a) => a * (1 - a) },
  tanh: { formula: (l) => `1 − (a${l})²`, value: (_z, a) => 1 - a * a },
  relu: { formula: (l) => `1 where z${l} > 0, else 0`, value: (z) => (z > 0 ? 1 : 0) },
  leakyRelu: { formula: (l) => `1 where z${l} > 0, else 0.01`, value: (z) => (z > 0 ? 1 : 0.01) },
  identity: { formula: () => "1", value: () => 1 },
};

/**
 * How the output delta is formed when it is not simply e ⊙ f'(z): the library forms these pairs
 * directly (and softmax needs its Jacobian, not an element-wise derivative).
 */
export function outputDeltaFormula(loss: Loss, activation: Activation, L: string): string | undefined {
  if (loss === "crossEntropy" && activation === "softmax") return `a${L} Σy − y   (softmax and cross-entropy together)`;
  if (loss === "binaryCrossEntropy" && activation === "sigmoid") return `a${L} − y   (sigmoid and binary cross-entropy together)`;
  if (activation === "softmax") return `a${L} ⊙ (e${L} − Σₖ aₖ eₖ)   (the softmax Jacobian)`;
  return undefined;
}
