// The training CSV as examples: which column is the target, which task it implies, which rows are
// usable, and the class names.
import { DataError } from "../index.js";
import type { CsvTable } from "./csv.js";
import { inferTask, readExamples, sortClasses, type Examples, type Task } from "./dataset.js";
import { where } from "./errors.js";
import { columnIndex, parseNumber, widthProblem, type BadRows } from "./rows.js";

export interface TrainingData {
  task: Task;
  target: string;
  features: string[];
  /** Classification: the class names, in output-unit order. */
  classes: string[];
  examples: Examples;
  /** Per kept row: its class index (classification) or its target value (regression). */
  y: number[];
}

export function trainingData(table: CsvTable, options: { target?: string; task?: Task }, bad: BadRows): TrainingData {
  const { header } = table;
  const targetIndex = options.target === undefined ? header.length - 1 : columnIndex(table, options.target, "target");
  const target = header[targetIndex]!;
  if (header.length < 2) throw new DataError(`${where(table.path, 1)}: only the target column '${target}'; there are no feature columns`);
  const featureIndices = header.map((_, i) => i).filter((i) => i !== targetIndex);

  // The task comes from the target cells of well-formed rows, before any row is judged on its target.
  const task = options.task ?? inferTask(table.rows.filter((r) => !widthProblem(table, r)).map((r) => r.values[targetIndex]!).filter((t) => t !== ""));
  const checkTarget = (text: string) => {
    if (text === "") return "the target value is missing";
    if (task === "regression" && parseNumber(text) === undefined) return `'${text}' is not a number (the task is regression)`;
    return undefined;
  };
  const examples = readExamples(table, featureIndices, targetIndex, checkTarget, bad);

  let classes: string[] = [], y: number[];
  if (task === "classification") {
    classes = sortClasses(examples.targets);
    if (classes.length < 2) throw new DataError(`${table.path}: the target '${target}' has a single class ('${classes[0]}'); there is nothing to learn`);
    const index = new Map(classes.map((c, k) => [c, k]));
    y = examples.targets.map((t) => index.get(t)!);
  } else {
    y = examples.targets.map((t) => parseNumber(t)!);
  }
  return { task, target, features: featureIndices.map((i) => header[i]!), classes, examples, y };
}
