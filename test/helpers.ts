import { readFileSync, readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { expect } from "vitest";
import type { BackendName } from "../src/index.js";

/** Every suite runs on every backend. */
export const BACKENDS: readonly BackendName[] = ["wasm", "ts"];

export const SHARED = fileURLToPath(new URL("../../shared/", import.meta.url));

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
  const dir = SHARED + "golden/";
  return readdirSync(dir)
    .filter((f) => f.endsWith(".json"))
    .sort()
    .map((f) => JSON.parse(readFileSync(dir + f, "utf8")) as GoldenCase);
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
