// A CSV read for a trained model: its feature columns found by name (in any order, among any other
// columns), standardised as in training, and the target column checked against the model's classes.
import type { CsvTable } from "./csv.js";
import { readExamples, standardise } from "./dataset.js";
import { names } from "./format.js";
import type { CliMetadata } from "./metadata.js";
import { columnIndex, parseNumber, type BadRows } from "./rows.js";

export interface ModelInputs {
  /** Standardised features, rows × features. */
  x: Float64Array;
  rows: number;
  lines: number[];
  /** Per row: the class index or target value; undefined where the file gives no target. */
  y: (number | undefined)[];
}

/** `requireTarget`: evaluate needs every row's target; predict takes rows with or without one. */
export function modelInputs(table: CsvTable, meta: CliMetadata, requireTarget: boolean, bad: BadRows): ModelInputs {
  const features = meta.features.map((name) => columnIndex(table, name, "feature"));
  const targetIndex = requireTarget ? columnIndex(table, meta.target, "target") : table.header.indexOf(meta.target);
  const classIndex = new Map((meta.classes ?? []).map((c, k) => [c, k]));
  const checkTarget = (text: string) => {
    if (text === "") return requireTarget ? "the target value is missing" : undefined;
    if (meta.task === "regression") return parseNumber(text) === undefined ? `'${text}' is not a number` : undefined;
    return classIndex.has(text) ? undefined : `unknown class '${text}' (the model knows ${names(meta.classes!, 20)})`;
  };
  const examples = readExamples(table, features, targetIndex < 0 ? undefined : targetIndex, checkTarget, bad);
  const all = Array.from({ length: examples.rows }, (_, i) => i);
  return {
    x: standardise(examples.x, features.length, all, meta.featureScaling),
    rows: examples.rows,
    lines: examples.lines,
    y: examples.targets.map((t) => (t === "" ? undefined : meta.task === "regression" ? parseNumber(t) : classIndex.get(t))),
  };
}
