// Training on records and predicting for records, with the preparation saved in the model: what
// the CLI does with CSV files, for any table in Node or the browser.
import { ModelFormatError } from "../errors.js";
import type { Matrix } from "../matrix.js";
import type { LayerOptions, Network } from "../network.js";
import type { Loss } from "../loss.js";
import {
  cellOf, cellText, checkTableOptions, encodeRecords, encodeTargets, fitTable, parseNumber, inputWidth, isTablePreparation,
  type ColumnReport, type EncodeOptions, type RowProblem, type TableOptions, type TablePreparation, type TableRecord,
} from "./preparation.js";

export interface PreparedTable {
  preparation: TablePreparation;
  columns: ColumnReport[];
  /** Inputs, rows × inputSize, and targets, rows × outputSize, of the usable records. */
  x: Float64Array;
  y: Float64Array;
  rows: number;
  inputSize: number;
  /** The output layer and loss the task calls for: softmax + crossEntropy, or identity + squaredError. */
  outputLayer: LayerOptions;
  loss: Loss;
  /** Records left out (a blank target, a cell that is not a number), each with its first problem. */
  problems: RowProblem[];
}

/** fitTable() on the records, then the records prepared: inputs and targets ready for fit(). */
export function prepareTable(records: readonly TableRecord[], options: TableOptions): PreparedTable {
  checkTableOptions(records, options);
  const labelled = records.filter((record) => usableTarget(record, options));
  const { preparation, columns } = fitTable(labelled, options);
  const targets = encodeTargets(preparation, records);
  const inputs = encodeRecords(preparation, records);
  const problems = [...targets.problems, ...inputs.problems].sort((a, b) => a.row - b.row);
  const bad = new Set(problems.map((p) => p.row));
  const width = inputWidth(preparation), outputs = preparation.target.classes?.length ?? 1;
  const rows = inputs.kept.filter((r) => !bad.has(r));
  const x = new Float64Array(rows.length * width), y = new Float64Array(rows.length * outputs);
  const at = new Map(inputs.kept.map((r, i) => [r, i]));
  rows.forEach((r, i) => {
    const from = at.get(r)!;
    x.set(inputs.x.subarray(from * width, (from + 1) * width), i * width);
    y.set(targets.y[r]!, i * outputs);
  });
  const classification = preparation.target.task === "classification";
  return {
    preparation, columns, x, y, rows: rows.length, inputSize: width,
    outputLayer: classification ? { size: outputs, activation: "softmax" } : { size: 1, activation: "identity" },
    loss: classification ? "crossEntropy" : "squaredError",
    problems: first(problems),
  };
}

/** Records whose target can teach: not blank, and a number for a regression (encodeTargets lists the others as problems). */
function usableTarget(record: TableRecord, options: TableOptions): boolean {
  const text = cellText(cellOf(record, options.target));
  return text !== undefined && (options.task !== "regression" || parseNumber(text, options.decimalComma === true) !== undefined);
}

/** One problem per record: the first. */
function first(problems: RowProblem[]): RowProblem[] {
  const seen = new Set<number>();
  return problems.filter((p) => !seen.has(p.row) && (seen.add(p.row), true));
}

export interface RecordPredictions {
  /** Per usable record: the class label, or the value in the target's units. */
  predictions: (string | number)[];
  /** Classification: per usable record, the probability of each class (in `classes` order). */
  probabilities?: number[][];
  classes?: string[];
  /** Index (in the given records) of each prediction. */
  kept: number[];
  problems: RowProblem[];
  /** Per column, how many unseen categories were encoded as all zeros. */
  unseen: Record<string, number>;
  /** Per column that had no blank in training, how many blank cells were filled. */
  filled: Record<string, number>;
}

/** The preparation a model carries in `metadata.preparation` (models trained by the CLI or with prepareTable). */
export function tablePreparation(net: Network): TablePreparation {
  const preparation = net.metadata.preparation;
  if (!isTablePreparation(preparation)) throw new ModelFormatError("this model carries no table preparation (metadata.preparation): train it with 'wasmlp train' or prepareTable()");
  if (inputWidth(preparation) !== net.inputSize) throw new ModelFormatError(`the table preparation makes ${inputWidth(preparation)} inputs but the network has ${net.inputSize}`);
  const outputs = preparation.target.classes?.length ?? 1;
  if (outputs !== net.outputSize) throw new ModelFormatError(`the table preparation expects ${outputs} outputs but the network has ${net.outputSize}`);
  return preparation;
}

/** Predictions for raw records (cells as in the training table; any column order, extra columns ignored). */
export function predictRecords(net: Network, records: readonly TableRecord[], options: EncodeOptions = {}): RecordPredictions {
  const preparation = tablePreparation(net);
  const encoded = encodeRecords(preparation, records, options);
  const { classes, scaling } = preparation.target;
  const base = { kept: encoded.kept, problems: encoded.problems, unseen: encoded.unseen, filled: encoded.filled };
  if (encoded.kept.length === 0) return { ...base, predictions: [], ...(classes ? { probabilities: [], classes } : {}) };
  const outputs: Matrix = net.predict(new Float64Array(encoded.x));
  const rows = Array.from({ length: outputs.rows }, (_, r) => Array.from(outputs.row(r)));
  if (!classes) return { ...base, predictions: rows.map(([v]) => v! * scaling!.std + scaling!.mean) };
  const label = (p: number[]) => classes[p.indexOf(Math.max(...p))]!;
  return { ...base, predictions: rows.map(label), probabilities: rows, classes };
}
