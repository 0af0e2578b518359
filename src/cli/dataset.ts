// From CSV rows to records the table preparation (src/table/) works on: the file line of every
// row kept, bad rows reported with their place, and the task a target column implies. The
// preparation itself (kinds, scaling, one-hot, blanks) is the library's.
import { DataError } from "../index.js";
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
export function readTrainingRecords(table: CsvTable, target: string, task: Task | undefined, bad: BadRows, decimalComma = false): Records & { task: Task } {
  const targetIndex = columnIndex(table, target, "target");
  if (table.header.length < 2) throw new DataError(`${where(table.path, 1)}: only the target column '${target}'; there are no feature columns`);
  const chosen = task ?? inferTask(table.rows.filter((r) => !widthProblem(table, r)).map((r) => cellText(r.values[targetIndex])).filter((t): t is string => t !== undefined), decimalComma);
  const data = readRecords(table, bad, (record, line) => {
    const text = cellText(record[target]);
    const problem = text === undefined ? "the target value is missing"
      : chosen === "regression" && parseNumber(text, decimalComma) === undefined ? `${notANumber(text)} (the task is regression)` : undefined;
    if (problem !== undefined) bad.report(`${where(table.path, line, target)}: ${problem}`);
    return problem === undefined;
  });
  if (data.records.length === 0) throw new DataError(`${table.path}: no usable rows (${bad.count} bad rows skipped)`);
  return { ...data, task: chosen };
}

/** Reports the library's row problems (one per row) with their file place; returns the rows that had one. */
export function reportProblems(table: CsvTable, lines: readonly number[], problems: readonly RowProblem[], bad: BadRows): Set<number> {
  for (const p of problems) bad.report(`${where(table.path, lines[p.row]!, p.column)}: ${p.message}`);
  return new Set(problems.map((p) => p.row));
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

