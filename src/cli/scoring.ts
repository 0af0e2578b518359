// Predictions in the data's own terms (class indices, target units) and the scores the summaries
// print: accuracy with a confusion matrix and each class's precision and recall, or RMSE, MAE and
// R² beside the baseline of always predicting the training mean.
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

/** "accuracy 97.2 % (350 of 360 rows)", the confusion matrix, and each class's precision and recall. */
export function classificationReport(label: string, target: string, classes: readonly string[], actual: readonly number[], predicted: readonly number[]): string {
  const right = Math.round(accuracy(actual, predicted) * actual.length);
  const matrix = confusionMatrix(classes, actual, predicted);
  const width = Math.max(...classes.map((c) => c.length), "class".length);
  const share = (n: number, of: number) => (of === 0 ? "—" : percent(n / of));
  return [
    `${label}: ${percent(right / actual.length)} (${count(right)} of ${rowCount(actual.length)})`,
    `confusion matrix of '${target}' (rows: actual class, columns: predicted class):`,
    indent(confusionTable(classes, matrix)),
    `per class (precision: of the rows predicted as the class, how many are; recall: of the rows of the class, how many were found):`,
    indent([`${"class".padEnd(width)}  precision     recall   rows`, ...classes.map((c, k) => {
      const found = matrix[k]![k]!, predictedAs = matrix.reduce((sum, row) => sum + row[k]!, 0), rows = matrix[k]!.reduce((a, b) => a + b, 0);
      return `${c.padEnd(width)}  ${share(found, predictedAs).padStart(9)}  ${share(found, rows).padStart(9)}  ${String(rows).padStart(5)}`;
    })].join("\n")),
  ].join("\n");
}

/**
 * RMSE, MAE and R² in the target's units, and the RMSE of always predicting `baseline` (the training
 * mean), so that a model worse than that says so.
 */
export function regressionReport(label: string, target: string, actual: readonly number[], predicted: readonly number[], baseline: number): string {
  const error = rmse(actual, predicted), mae = actual.reduce((sum, a, i) => sum + Math.abs(a - predicted[i]!), 0) / actual.length;
  const mean = actual.reduce((a, b) => a + b, 0) / actual.length;
  const total = actual.reduce((sum, a) => sum + (a - mean) ** 2, 0), residual = actual.reduce((sum, a, i) => sum + (a - predicted[i]!) ** 2, 0);
  const baselineError = rmse(actual, actual.map(() => baseline));
  const prefix = label === "" ? "" : `${label} `;
  const lines = [
    `${prefix}RMSE: ${short(error)} (in units of '${target}', over ${rowCount(actual.length)})`,
    `${prefix}MAE: ${short(mae)}, R²: ${total > 0 ? short(1 - residual / total) : "— (constant target)"}`,
    `baseline (always the training mean ${short(baseline)}): RMSE ${short(baselineError)}`,
  ];
  if (error >= baselineError) lines.push(`warning: the model is no better than predicting the mean: train longer, change --lr or --layers, or check the features`);
  return lines.join("\n");
}

export const indent = (text: string, by = "  ") => text.split("\n").map((line) => by + line).join("\n");
