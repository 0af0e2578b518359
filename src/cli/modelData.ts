// A CSV read for a trained model: its columns found by name (in any order, among any other
// columns), prepared exactly as in training (the model's table preparation), and the target column
// checked against the model's classes.
import { DataError } from "../index.js";
import { clip } from "../errors.js";
import { cellText, encodeRecords, parseNumber, notANumber, type TableRecord } from "../table/preparation.js";
import type { CsvTable } from "./csv.js";
import { checkColumns, readRecords, reportProblems } from "./dataset.js";
import { where } from "./errors.js";
import { names } from "./format.js";
import type { CliMetadata } from "./metadata.js";
import { columnIndex, type BadRows } from "./rows.js";

export interface ModelInputs {
  /** The network's inputs, rows × inputSize. */
  x: Float64Array;
  rows: number;
  lines: number[];
  /** The record of each row (for an id column). */
  records: TableRecord[];
  /** Per row: the class index or target value; undefined where the file gives no target. */
  y: (number | undefined)[];
  /** Per column: rows whose category the model never saw (encoded as all zeros). */
  unseen: Record<string, number>;
  /** Per column that had no blank in training: blank cells filled. */
  filled: Record<string, number>;
}

/** `requireTarget`: evaluate needs every row's target; predict takes rows with or without one. `strict`: an unseen category is a bad row. */
export function modelInputs(table: CsvTable, meta: CliMetadata, requireTarget: boolean, bad: BadRows, strict = false): ModelInputs {
  checkColumns(table, meta.preparation.columns.map((c) => c.name));
  const hasTarget = requireTarget ? (columnIndex(table, meta.target, "target"), true) : table.header.includes(meta.target);
  const classIndex = new Map((meta.classes ?? []).map((c, k) => [c, k]));
  const targetOf = (record: TableRecord): number | undefined | string => {
    const text = hasTarget ? cellText(record[meta.target]) : undefined;
    if (text === undefined) return requireTarget ? "the target value is missing" : undefined;
    if (meta.task === "regression") return parseNumber(text, meta.preparation.decimalComma === true) ?? notANumber(text);
    return classIndex.get(text) ?? `unknown class '${clip(text)}' (the model knows ${names(meta.classes!, 20)})`;
  };
  const data = readRecords(table, bad, (record, line) => {
    const target = targetOf(record);
    if (typeof target === "string") bad.report(`${where(table.path, line, meta.target)}: ${target}`);
    return typeof target !== "string";
  });
  const encoded = encodeRecords(meta.preparation, data.records, { strict });
  reportProblems(table, data.lines, encoded.problems, bad);
  const { kept } = encoded; // the records without problems, in encoded.x's order
  if (kept.length === 0) throw new DataError(`${table.path}: no usable rows (${bad.count} bad rows skipped)`);
  return {
    x: encoded.x, rows: kept.length, lines: kept.map((r) => data.lines[r]!), records: kept.map((r) => data.records[r]!),
    y: kept.map((r) => targetOf(data.records[r]!) as number | undefined), unseen: encoded.unseen, filled: encoded.filled,
  };
}

/** Warnings for cells prepared by a guess: categories the model never saw, blanks in columns that had none in training. */
export function preparationWarnings(data: Pick<ModelInputs, "unseen" | "filled">, meta: CliMetadata): string[] {
  const rows = (n: number) => (n === 1 ? "1 row has" : `${n} rows have`);
  const fill = (column: string) => {
    const c = meta.preparation.columns.find((p) => p.name === column)!;
    return c.kind === "numeric" ? String(c.fill) : `'${c.fill}'`;
  };
  return [
    ...Object.entries(data.unseen).map(([column, n]) => `warning: column '${column}': ${rows(n)} a category the model never saw (encoded as all zeros; --strict refuses such rows)`),
    ...Object.entries(data.filled).map(([column, n]) => `warning: column '${column}': ${rows(n)} a blank cell, which training never had (filled with ${fill(column)})`),
  ];
}
