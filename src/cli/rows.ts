// Row checks shared by train, predict and evaluate: a bad row either stops the command with its
// line and column, or (with --skip-bad-rows) is counted and left out.
import { DataError } from "../index.js";
import { where } from "./errors.js";
import type { CsvRow, CsvTable } from "./csv.js";

/** A row's first problem, already placed: `data.csv, line 5, column 'p3': 'x' is not a number`. */
export type RowProblem = string;

export class BadRows {
  private problems: RowProblem[] = [];
  constructor(private readonly skip: boolean) {}

  /** Throws a DataError unless bad rows are being skipped, in which case the row is counted. */
  report(problem: RowProblem): void {
    if (!this.skip) throw new DataError(problem);
    this.problems.push(problem);
  }

  get count(): number {
    return this.problems.length;
  }

  /** `skipped 2 bad rows (first: …)`, or undefined when none were skipped. */
  summary(): string | undefined {
    if (this.problems.length === 0) return undefined;
    const plural = this.problems.length === 1 ? "row" : "rows";
    return `skipped ${this.problems.length} bad ${plural} (first: ${this.problems[0]})`;
  }
}

/** Plain decimal numbers only (the table preparation's rule, one for the whole CLI). */
export { parseNumber } from "../table/preparation.js";

/** The index of column `name` in the header; a DataError pointing at line 1 when there is none. */
export function columnIndex(table: CsvTable, name: string, role: string): number {
  const index = table.header.indexOf(name);
  if (index < 0) {
    const shown = table.header.length > 12 ? [...table.header.slice(0, 12), "…"] : table.header;
    throw new DataError(`${where(table.path, 1)}: no ${role} column named '${name}' (the columns are ${shown.join(", ")})`);
  }
  return index;
}

/** Wrong number of values for the header. */
export function widthProblem(table: CsvTable, row: CsvRow): RowProblem | undefined {
  const n = row.values.length, expected = table.header.length;
  if (n === expected) return undefined;
  if (n < expected) {
    return `${where(table.path, row.line, table.header[n])}: the value is missing (the row has ${n} values, the header ${expected} columns)`;
  }
  return `${where(table.path, row.line)}: ${n} values but the header has ${expected} columns (extra values after the last column '${table.header[expected - 1]}')`;
}
