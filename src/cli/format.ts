// Text for people: numbers, durations, architectures and the confusion matrix.
import type { Network } from "../index.js";
import { clip } from "../errors.js";

export const percent = (fraction: number) => `${(100 * fraction).toFixed(1)} %`;

export const count = (n: number) => n.toLocaleString("en-US");

/** "1 row", "1,797 rows". */
export const rowCount = (n: number) => `${count(n)} ${n === 1 ? "row" : "rows"}`;

export function duration(seconds: number): string {
  if (seconds < 60) return `${seconds.toFixed(seconds < 10 ? 2 : 1)} s`;
  const m = Math.floor(seconds / 60);
  return `${m} min ${Math.round(seconds - 60 * m)} s`;
}

/** Four significant digits, but never exponent notation for ordinary magnitudes. */
export function short(value: number): string {
  const abs = Math.abs(value);
  return abs !== 0 && (abs < 1e-4 || abs >= 1e6) ? value.toExponential(3) : trimZeros(value.toPrecision(4));
}

/** "2.300" → "2.3", "1000" stays. */
const trimZeros = (text: string) => (text.includes(".") ? text.replace(/\.?0+$/, "") : text);

/** "64 → 32 relu → 10 softmax" */
export function architecture(net: Network): string {
  return [String(net.inputSize), ...net.layers.map((l) => `${l.size} ${l.activation}`)].join(" → ");
}

/** A list that stops after `max` names: "a, b, c, … (64 in all)". */
export function names(list: readonly string[], max = 12): string {
  const shown = list.slice(0, max).map((name) => clip(name)); // a hand-edited 10 MB name is cut, too
  return list.length <= max ? shown.join(", ") : `${shown.join(", ")}, … (${list.length} in all)`;
}

/** Counts of actual (rows) × predicted (columns) classes. */
export function confusionMatrix(classes: readonly string[], actual: readonly number[], predicted: readonly number[]): number[][] {
  const matrix = classes.map(() => classes.map(() => 0));
  actual.forEach((a, i) => { matrix[a]![predicted[i]!]!++; });
  return matrix;
}

/** The matrix as a right-aligned table, actual classes down, predicted across. */
export function confusionTable(classes: readonly string[], matrix: readonly (readonly number[])[]): string {
  const cells = matrix.flat().map(String);
  const width = Math.max(...classes.map((c) => c.length), ...cells.map((c) => c.length));
  const first = Math.max(...classes.map((c) => c.length), "actual".length);
  const lines = [
    `${"actual".padEnd(first)} │ predicted`,
    `${"".padEnd(first)} │ ${classes.map((c) => c.padStart(width)).join(" ")}`,
    `${"─".repeat(first)}─┼─${"─".repeat((width + 1) * classes.length - 1)}`,
    ...matrix.map((row, i) => `${classes[i]!.padStart(first)} │ ${row.map((n) => String(n).padStart(width)).join(" ")}`),
  ];
  return lines.join("\n");
}
