// From CSV rows to the numbers a network trains on: the task a target column implies, feature and
// target standardisation, one-hot class targets, and the seeded train/test split.
import { DataError } from "../index.js";
import { Random } from "../random.js";
import type { CsvTable } from "./csv.js";
import { parseNumber, readFeatures, widthProblem, type BadRows, type RowProblem } from "./rows.js";
import { where } from "./errors.js";

export type Task = "classification" | "regression";
export const TASKS: readonly Task[] = ["classification", "regression"];

/** A numeric target with at most this many distinct integer values is taken for class labels. */
export const MAX_INTEGER_CLASSES = 20;

/**
 * The rule: classification when any target value is not a number, or when every value is an
 * integer and there are at most MAX_INTEGER_CLASSES distinct values; regression otherwise.
 */
export function inferTask(values: readonly string[]): Task {
  const distinct = new Set<string>();
  let integers = true;
  for (const text of values) {
    const value = parseNumber(text);
    if (value === undefined) return "classification";
    if (!Number.isInteger(value)) integers = false;
    distinct.add(String(value));
  }
  return integers && distinct.size <= MAX_INTEGER_CLASSES ? "classification" : "regression";
}

/** Class names in natural order ("2" before "10"), so that numeric labels read as numbers. */
export function sortClasses(labels: Iterable<string>): string[] {
  return [...new Set(labels)].sort((a, b) => a.localeCompare(b, "en", { numeric: true }));
}

export interface Examples {
  /** Raw feature values, rows × features, row-major. */
  x: Float64Array;
  rows: number;
  /** The file line of each kept row. */
  lines: number[];
  /** Each kept row's target text ("" when the file has no target column or the cell is empty). */
  targets: string[];
}

/**
 * Reads the rows that pass every check (width, numeric features, then `checkTarget`); a failing row
 * goes to `bad`, which throws unless bad rows are skipped.
 */
export function readExamples(
  table: CsvTable, features: readonly number[], target: number | undefined,
  checkTarget: (text: string) => string | undefined, bad: BadRows,
): Examples {
  const x = new Float64Array(table.rows.length * features.length);
  const lines: number[] = [], targets: string[] = [];
  const targetProblem = (line: number, text: string): RowProblem | undefined => {
    const problem = checkTarget(text);
    return problem === undefined ? undefined : `${where(table.path, line, table.header[target!])}: ${problem}`;
  };
  for (const row of table.rows) {
    const problem = widthProblem(table, row)
      ?? readFeatures(table, row, features, x, lines.length * features.length)
      ?? (target === undefined ? undefined : targetProblem(row.line, row.values[target]!));
    if (problem !== undefined) { bad.report(problem); continue; }
    lines.push(row.line);
    targets.push(target === undefined ? "" : row.values[target]!);
  }
  if (lines.length === 0) throw new DataError(`${table.path}: no usable rows (${bad.count} bad rows skipped)`);
  return { x: x.subarray(0, lines.length * features.length), rows: lines.length, lines, targets };
}

/** Mean and standard deviation per column; a constant column gets std 1 so that it maps to 0. */
export interface Scaling {
  mean: number[];
  std: number[];
}

export function fitScaling(x: Float64Array, cols: number, rows: readonly number[]): Scaling {
  const mean = new Array<number>(cols).fill(0), std = new Array<number>(cols).fill(0);
  for (const r of rows) for (let c = 0; c < cols; c++) mean[c]! += x[r * cols + c]! / rows.length;
  for (const r of rows) for (let c = 0; c < cols; c++) std[c]! += (x[r * cols + c]! - mean[c]!) ** 2 / rows.length;
  return { mean, std: std.map((v) => (v > 0 ? Math.sqrt(v) : 1)) };
}

/** The rows `rows` of `x`, standardised, as a new rows × cols array. */
export function standardise(x: Float64Array, cols: number, rows: readonly number[], scaling: Scaling): Float64Array {
  const out = new Float64Array(rows.length * cols);
  rows.forEach((r, i) => {
    for (let c = 0; c < cols; c++) out[i * cols + c] = (x[r * cols + c]! - scaling.mean[c]!) / scaling.std[c]!;
  });
  return out;
}

export function oneHot(classIndices: readonly number[], classes: number): Float64Array {
  const out = new Float64Array(classIndices.length * classes);
  classIndices.forEach((k, i) => { out[i * classes + k] = 1; });
  return out;
}

/** A seeded Fisher–Yates shuffle of 0..n−1, cut so that the last `fraction` of it is the held-out part. */
export function seededSplit(n: number, seed: number, fraction: number): { kept: number[]; held: number[] } {
  const random = new Random(seed);
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random.next() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  const cut = n - Math.round(n * fraction);
  return { kept: order.slice(0, cut), held: order.slice(cut) };
}
