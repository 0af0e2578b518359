// Predictions in the data's own terms (class indices, target units) and the scores the summaries
// print: accuracy with a confusion matrix, or RMSE.
import type { Matrix, Network } from "../index.js";
import { confusionMatrix, confusionTable, count, percent, rowCount, short } from "./format.js";

/** The most probable class of every row of the output matrix. */
export function argmaxRows(outputs: Matrix): number[] {
  return Array.from({ length: outputs.rows }, (_, r) => {
    const row = outputs.row(r);
    let best = 0;
    for (let k = 1; k < row.length; k++) if (row[k]! > row[best]!) best = k;
    return best;
  });
}

/** Network outputs for standardised inputs, mapped back to target units. */
export function predictValues(net: Network, x: Float64Array, scaling: { mean: number; std: number }): number[] {
  return Array.from(net.predict(x).data, (v) => v * scaling.std + scaling.mean);
}

export function accuracy(actual: readonly number[], predicted: readonly number[]): number {
  let right = 0;
  actual.forEach((a, i) => { if (a === predicted[i]) right++; });
  return right / actual.length;
}

export function rmse(actual: readonly number[], predicted: readonly number[]): number {
  let sum = 0;
  actual.forEach((a, i) => { sum += (a - predicted[i]!) ** 2; });
  return Math.sqrt(sum / actual.length);
}

/** "accuracy 97.2 % (350 of 360 rows)" and the confusion matrix below it. */
export function classificationReport(label: string, target: string, classes: readonly string[], actual: readonly number[], predicted: readonly number[]): string {
  const right = Math.round(accuracy(actual, predicted) * actual.length);
  return [
    `${label}: ${percent(right / actual.length)} (${count(right)} of ${rowCount(actual.length)})`,
    `confusion matrix of '${target}' (rows: actual class, columns: predicted class):`,
    indent(confusionTable(classes, confusionMatrix(classes, actual, predicted))),
  ].join("\n");
}

export function regressionReport(label: string, target: string, actual: readonly number[], predicted: readonly number[]): string {
  return `${label}: ${short(rmse(actual, predicted))} (in units of '${target}', over ${rowCount(actual.length)})`;
}

export const indent = (text: string, by = "  ") => text.split("\n").map((line) => by + line).join("\n");
