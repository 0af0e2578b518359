import { readFileSync, readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { expect } from "vitest";
import { parse as parseCsv } from "csv-parse/sync";
import type { BackendName } from "../src/index.js";
import { Random } from "../src/random.js";
import type { TableRecord } from "../src/index.js";

/** Every suite runs on every backend. */
export const BACKENDS: readonly BackendName[] = ["wasm", "wasm-fma", "ts"];

/** The repository root; the golden cases live in test/golden/, the data sets in data/. */
export const ROOT = fileURLToPath(new URL("../", import.meta.url));

export interface GoldenCase {
  name: string;
  model: any;
  batch: { inputs: number[][]; targets: number[][] };
  forward: { z: number[][][]; a: number[][][] };
  loss: number;
  perSampleLoss: number[];
  nodeErrors: number[][][];
  deltas: number[][][];
  gradients: { weights: number[]; biases: number[] }[];
  optimizer: { type: "sgd" | "adam"; lr: number; momentum?: number; nesterov?: boolean; weightDecay?: number; beta1?: number; beta2?: number; eps?: number };
  steps: { lossBeforeStep: number; layers: { weights: number[]; biases: number[] }[] }[];
}

export function goldenCases(): GoldenCase[] {
  const dir = ROOT + "test/golden/";
  const files = readdirSync(dir).filter((f) => f.endsWith(".json")).sort();
  // An empty folder must fail the suites, not let them pass with nothing checked.
  if (files.length < 5) throw new Error(`expected the five golden cases in ${dir}, found ${files.length}`);
  return files.map((f) => JSON.parse(readFileSync(dir + f, "utf8")) as GoldenCase);
}

/**
 * |actual − expected| ≤ rel·|expected| + abs for every element; on failure names the worst element.
 * The absolute floor (far below float64 noise on O(1) values) only matters for exact zeros.
 */
export function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string, rel = 1e-12, abs = 1e-15): void {
  expect(actual.length, `${what}: length`).toBe(expected.length);
  let worst = -1, worstExcess = 0;
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i]!, e = expected[i]!;
    const excess = Math.abs(a - e) - (rel * Math.abs(e) + abs);
    if (!(excess <= 0) && (worst < 0 || !(excess <= worstExcess))) { worst = i; worstExcess = excess; }
  }
  if (worst >= 0) {
    expect.fail(`${what}[${worst}]: got ${actual[worst]}, expected ${expected[worst]} (relative error ${Math.abs(actual[worst]! - expected[worst]!) / Math.abs(expected[worst]!)})`);
  }
}

/**
 * Normwise form for comparing two implementations whose summation orders differ: each element
 * within `rel` of itself or of the largest magnitude in the vector, so that cancellation in one
 * element is judged against the size of the numbers that cancelled.
 */
export function expectCloseNorm(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string, rel = 1e-12): void {
  let scale = 0;
  for (let i = 0; i < expected.length; i++) scale = Math.max(scale, Math.abs(expected[i]!));
  expectClose(actual, expected, what, rel, rel * scale + 1e-300);
}

/** A bundled data set (data/) as numeric features and one-hot targets (the last column is the class label). */
export function loadClassification(file: string): { inputs: number[][]; targets: number[][]; labels: string[]; classes: string[] } {
  const records: string[][] = parseCsv(readFileSync(ROOT + "data/" + file, "utf8"), { from_line: 2 });
  const labels = records.map((r) => r.at(-1)!);
  const classes = [...new Set(labels)].sort((a, b) => a.localeCompare(b, "en", { numeric: true }));
  return {
    inputs: records.map((r) => r.slice(0, -1).map(Number)),
    targets: labels.map((label) => classes.map((c) => (c === label ? 1 : 0))),
    labels,
    classes,
  };
}

/** Seeded 80/20 split (Fisher–Yates with the library's PRNG). */
export function splitRows<T>(rows: number, seed: number, testFraction: number, ...columns: T[][]): { train: T[][]; test: T[][] } {
  const random = new Random(seed);
  const order = Array.from({ length: rows }, (_, i) => i);
  for (let i = rows - 1; i > 0; i--) {
    const j = Math.floor(random.next() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  const cut = Math.round(rows * (1 - testFraction));
  return {
    train: columns.map((c) => order.slice(0, cut).map((i) => c[i]!)),
    test: columns.map((c) => order.slice(cut).map((i) => c[i]!)),
  };
}

/** A small, learnable classification problem: 3 noisy blobs in 4-D, one-hot targets. */
export function blobs(rows: number, seed: number) {
  const random = new Random(seed);
  const inputs: number[][] = [], targets: number[][] = [];
  for (let i = 0; i < rows; i++) {
    const k = i % 3;
    inputs.push([0, 1, 2, 3].map((d) => (d === k ? 2 : 0) + random.uniform(1)));
    targets.push([0, 1, 2].map((c) => (c === k ? 1 : 0)));
  }
  return { inputs, targets };
}

// A penguin-like table as records: an id column, a constant column, text categories, blank cells
// ("NA" and empty); the species decide the measurements (with noise).
const ISLANDS = ["Biscoe", "Dream", "Torgersen"] as const;
const SPECIES = ["Adelie", "Chinstrap", "Gentoo"] as const;

export function penguins(n: number, seed: number): TableRecord[] {
  const random = new Random(seed);
  return Array.from({ length: n }, (_, i) => {
    const s = i % 3, species = SPECIES[s]!;
    const island = s === 2 ? "Biscoe" : s === 1 ? "Dream" : ISLANDS[Math.floor(random.next() * 3)]!;
    const bill = [38.8, 48.8, 47.5][s]! + 2.5 * (random.next() - 0.5);
    const flipper = [190, 196, 217][s]! + 8 * (random.next() - 0.5);
    return {
      id: `P${String(i).padStart(4, "0")}`,
      study: "PAL0708",
      island,
      bill_length_mm: i % 17 === 5 ? "NA" : bill.toFixed(1),
      flipper_length_mm: Math.round(flipper),
      sex: i % 11 === 3 ? "" : random.next() < 0.5 ? "male" : "female",
      species,
    };
  });
}

