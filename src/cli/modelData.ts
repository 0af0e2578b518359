// A CSV read for a trained model: its columns found by name (in any order, among any other
// columns), prepared exactly as in training (the model's table preparation), and the target column
// checked against the model's classes.
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
}

/** `requireTarget`: evaluate needs every row's target; predict takes rows with or without one. `strict`: an unseen category is a bad row. */
export function modelInputs(table: CsvTable, meta: CliMetadata, requireTarget: boolean, bad: BadRows, strict = false): ModelInputs {
  checkColumns(table, meta.preparation.columns.map((c) => c.name));
  const hasTarget = requireTarget ? (columnIndex(table, meta.target, "target"), true) : table.header.includes(meta.target);
  const classIndex = new Map((meta.classes ?? []).map((c, k) => [c, k]));
  const targetOf = (record: TableRecord): number | undefined | string => {
    const text = hasTarget ? cellText(record[meta.target]) : undefined;
    if (text === undefined) return requireTarget ? "the target value is missing" : undefined;
    if (meta.task === "regression") return parseNumber(text) ?? notANumber(text);
    return classIndex.get(text) ?? `unknown class '${text}' (the model knows ${names(meta.classes!, 20)})`;
  };
  const data = readRecords(table, bad, (record, line) => {
    const target = targetOf(record);
    if (typeof target === "string") bad.report(`${where(table.path, line, meta.target)}: ${target}`);
    return typeof target !== "string";
  });
  const encoded = encodeRecords(meta.preparation, data.records, { strict });
  const failed = reportProblems(table, data.lines, encoded.problems, bad);
  const kept = encoded.kept.filter((r) => !failed.has(r));
  return {
    x: encoded.x, rows: kept.length, lines: kept.map((r) => data.lines[r]!), records: kept.map((r) => data.records[r]!),
    y: kept.map((r) => targetOf(data.records[r]!) as number | undefined), unseen: encoded.unseen,
  };
}

/** "warning: column 'island': 3 rows have a category the model never saw (encoded as all zeros; --strict refuses them)" */
export function unseenWarnings(unseen: Record<string, number>): string[] {
  return Object.entries(unseen).map(([column, n]) =>
    `warning: column '${column}': ${n === 1 ? "1 row has" : `${n} rows have`} a category the model never saw (encoded as all zeros; --strict refuses such rows)`);
}
