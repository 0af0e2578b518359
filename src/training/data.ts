// Data sets into the backend's memory, once per fit() or evaluate() call, and passes over them
// with the evaluation kernel.
import { MetricMode, type MetricModeId } from "../abi.js";
import type { Engine } from "../engine.js";
import { ConfigError } from "../errors.js";
import { targetProblem } from "../loss.js";
import { batchRows, copyBatch, type MatrixInput } from "../matrix.js";
import { planDataSet, tailOf, type DataRegion } from "../memoryPlan.js";
import { metricMode } from "./metrics.js";
import { heldOutRows, type ValidationRows } from "./split.js";
import type { Evaluation, Metric } from "./types.js";

/** Rows evaluate() and the validation pass take per kernel call at least (the workspaces grow to it). */
export const EVAL_CHUNK = 256;

export interface DataSet extends DataRegion {
  /** max |x| over the inputs: a bound the gradient check uses instead of scanning every batch. */
  inputBound: number;
}

/** Validates and copies a data set into scratch memory at `at` (past the plan: a refusal leaves the network as it was). */
export function placeData(engine: Engine, inputs: MatrixInput, targets: MatrixInput, at: number, what: string): DataSet {
  const { inputSize, loss } = engine.arch, outputSize = engine.outputSize;
  const rows = checkShapes(engine, inputs, targets, what);
  const region = planDataSet(at, rows, inputSize, outputSize);
  engine.reserve(region.end);
  const m = engine.backend.f64();
  const inputBound = copyBatch(inputs, inputSize, m, region.x >>> 3, `${what} inputs`);
  copyBatch(targets, outputSize, m, region.y >>> 3, `${what} targets`, (v) => targetProblem(loss, v));
  return { ...region, inputBound };
}

/**
 * Holds out `fraction` of the rows for validation (which ones: split.ts), moving them in memory
 * behind the training rows (both keep their order). The bound of the training rows is taken again:
 * one large held-out input must not trip the training batches' gradient check.
 */
export function splitData(engine: Engine, data: DataSet, fraction: number, how: ValidationRows, seed: number): { train: DataSet; validation: DataSet } {
  const { inputSize } = engine.arch, outputSize = engine.outputSize;
  const valRows = Math.ceil(data.rows * fraction);
  if (valRows >= data.rows) throw new ConfigError(`validationSplit ${fraction} leaves no training rows out of ${data.rows}`);
  const trainRows = data.rows - valRows;
  const m = engine.backend.f64();
  if (how !== "last") {
    const held = heldOutRows(data.rows, valRows, how, seed, how === "stratified" ? classLabels(m, data, outputSize) : undefined);
    const isHeld = new Uint8Array(data.rows);
    for (const r of held) isHeld[r] = 1;
    const order = [...Array.from({ length: data.rows }, (_, r) => r).filter((r) => !isHeld[r]), ...held];
    reorderRows(m, data.x, inputSize, order);
    reorderRows(m, data.y, outputSize, order);
  }
  let inputBound = 0;
  for (let i = data.x >>> 3, end = i + trainRows * inputSize; i < end; i++) {
    const magnitude = Math.abs(m[i]!);
    if (magnitude > inputBound) inputBound = magnitude;
  }
  return {
    train: { ...data, rows: trainRows, inputBound },
    validation: { ...tailOf(data, valRows, inputSize, outputSize), inputBound: data.inputBound },
  };
}

/** The rows of a data set whose inputs and targets have the network's widths and one row count (checked before memory moves). */
export function checkShapes(engine: Engine, inputs: MatrixInput, targets: MatrixInput, what: string): number {
  const rows = batchRows(inputs, engine.arch.inputSize, `${what} inputs`);
  const targetRows = batchRows(targets, engine.outputSize, `${what} targets`);
  if (targetRows !== rows) throw new ConfigError(`${what}: ${rows} input rows but ${targetRows} target rows`);
  return rows;
}

/** Mean loss (and accuracy, under the training block's metric mode) over a data set in memory. */
export function measure(engine: Engine, data: DataRegion, mode: MetricModeId): Evaluation {
  const { block, plan } = engine;
  block.resetSums();
  engine.backend.kernels.evaluateRows(plan.net, data.x, data.y, 0, data.rows, Math.min(plan.capacity, data.rows));
  return block.means(mode, engine.outputSize);
}

/** evaluate(): loss and metrics over a data set, no gradients, no weight change. */
export function evaluate(engine: Engine, inputs: MatrixInput, targets: MatrixInput, metrics: readonly Metric[]): Evaluation {
  const mode = metrics.length === 0 ? MetricMode.none : metricMode(engine.arch, metrics);
  checkShapes(engine, inputs, targets, "evaluate");
  engine.forgetBatch(); // the workspaces are about to hold other rows
  engine.ensureCapacity(EVAL_CHUNK);
  const data = placeData(engine, inputs, targets, engine.scratchStart(), "evaluate");
  const { block } = engine;
  const savedMetric = block.metric;
  block.metric = mode;
  try {
    return measure(engine, data, mode);
  } finally {
    block.metric = savedMetric;
  }
}

/** Each row's class from its targets: the largest output (one-hot), or output ≥ 0.5 (one sigmoid). */
function classLabels(m: Float64Array, data: DataRegion, outputs: number): Int32Array {
  const labels = new Int32Array(data.rows);
  for (let r = 0, at = data.y >>> 3; r < data.rows; r++, at += outputs) {
    if (outputs === 1) { labels[r] = m[at]! >= 0.5 ? 1 : 0; continue; }
    let best = 0;
    for (let k = 1; k < outputs; k++) if (m[at + k]! > m[at + best]!) best = k;
    labels[r] = best;
  }
  return labels;
}

/** Rewrites rows of `width` f64 at `offset` so that row i becomes old row order[i]. */
function reorderRows(m: Float64Array, offset: number, width: number, order: readonly number[]): void {
  const at = offset >>> 3, old = m.slice(at, at + order.length * width);
  order.forEach((row, i) => m.set(old.subarray(row * width, (row + 1) * width), at + i * width));
}
