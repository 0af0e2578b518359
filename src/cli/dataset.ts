// From CSV rows to records the table preparation (src/table/) works on: the file line of every
// row kept, bad rows reported with their place, the task a target column implies, and the seeded
// train/test split. The preparation itself (kinds, scaling, one-hot, blanks) is the library's.
import { DataError } from "../index.js";
import { Random } from "../random.js";
import { cellText, inferTask, parseNumber, notANumber, type RowProblem, type TableRecord, type Task } from "../table/preparation.js";
import type { CsvTable } from "./csv.js";
import { where } from "./errors.js";
import { columnIndex, widthProblem, type BadRows } from "./rows.js";

export type { Task } from "../table/preparation.js";
export const TASKS: readonly Task[] = ["classification", "regression"];

/** The usable rows of a CSV as records, with the line each came from. */
export interface Records {
  records: TableRecord[];
  lines: number[];
}

/** Rows with the header's width as records; the others are bad rows. */
export function readRecords(table: CsvTable, bad: BadRows, keep: (row: TableRecord, line: number) => boolean = () => true): Records {
  const records: TableRecord[] = [], lines: number[] = [];
  for (const row of table.rows) {
    const problem = widthProblem(table, row);
    if (problem !== undefined) { bad.report(problem); continue; }
    const record: TableRecord = {};
    table.header.forEach((name, i) => { record[name] = row.values[i]; });
    if (!keep(record, row.line)) continue;
    records.push(record);
    lines.push(row.line);
  }
  return { records, lines };
}

/**
 * The training rows: a target cell that is blank (or, for regression, not a number) makes a bad
 * row. The task is inferred from the target cells of well-formed rows, unless given.
 */
export function readTrainingRecords(table: CsvTable, target: string, task: Task | undefined, bad: BadRows): Records & { task: Task } {
  const targetIndex = columnIndex(table, target, "target");
  if (table.header.length < 2) throw new DataError(`${where(table.path, 1)}: only the target column '${target}'; there are no feature columns`);
  const chosen = task ?? inferTask(table.rows.filter((r) => !widthProblem(table, r)).map((r) => cellText(r.values[targetIndex])).filter((t): t is string => t !== undefined));
  const data = readRecords(table, bad, (record, line) => {
    const text = cellText(record[target]);
    const problem = text === undefined ? "the target value is missing"
      : chosen === "regression" && parseNumber(text) === undefined ? `${notANumber(text)} (the task is regression)` : undefined;
    if (problem !== undefined) bad.report(`${where(table.path, line, target)}: ${problem}`);
    return problem === undefined;
  });
  if (data.records.length === 0) throw new DataError(`${table.path}: no usable rows (${bad.count} bad rows skipped)`);
  return { ...data, task: chosen };
}

/** Reports the library's row problems with their file place; returns the rows that had none. */
export function reportProblems(table: CsvTable, lines: readonly number[], problems: readonly RowProblem[], bad: BadRows): Set<number> {
  const failed = new Set<number>();
  for (const p of problems) {
    if (failed.has(p.row)) continue;
    failed.add(p.row);
    bad.report(`${where(table.path, lines[p.row]!, p.column)}: ${p.message}`);
  }
  return failed;
}

/** Every column the preparation reads must be in the file (a blank cell is fine; a missing column is not). */
export function checkColumns(table: CsvTable, columns: readonly string[]): void {
  for (const name of columns) columnIndex(table, name, "feature");
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
