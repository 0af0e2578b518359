// Reading CSV files: csv-parse does the parsing (header row, BOM, CRLF, quoted fields); this module
// keeps every record's line number so that later checks can say where a bad value is.
import { readFileSync } from "node:fs";
import { parse } from "csv-parse/sync";
import { DataError } from "../index.js";
import { EXIT, fileProblem, where } from "./errors.js";

export interface CsvRow {
  /** 1-based line of the file where the record starts. */
  line: number;
  values: string[];
}

export interface CsvTable {
  path: string;
  /** Column names from the first record. */
  header: string[];
  rows: CsvRow[];
}

interface ParsedRecord {
  record: string[];
  info: { lines: number };
}

/** The column separators `--delimiter` takes, and the ones a header row is searched for. */
export const DELIMITERS: Record<string, string> = { ",": ",", ";": ";", tab: "\t", "\t": "\t", "|": "|" };

/**
 * The separator of a CSV text: the one of `,` `;` tab `|` that occurs most often (outside quotes)
 * in its first line, or `,`.
 */
export function detectDelimiter(text: string): string {
  const line = text.replace(/^\uFEFF/, "").split(/\r?\n/, 1)[0]!.replace(/"[^"]*"/g, "");
  let best = ",", most = 0;
  for (const d of [",", ";", "\t", "|"]) {
    const n = line.split(d).length - 1;
    if (n > most) { best = d; most = n; }
  }
  return best;
}

/** `delimiter`: a separator, or undefined to detect it from the header row. */
export function readCsv(path: string, delimiter?: string): CsvTable {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw fileProblem(error, `cannot read data file ${path}`, EXIT.data);
  }
  let records: ParsedRecord[];
  try {
    records = parse(text, {
      delimiter: delimiter ?? detectDelimiter(text),
      bom: true,
      info: true,
      trim: true,
      skip_empty_lines: true,
      relax_column_count: true, // wrong column counts are reported (or skipped) per row, with the column names at hand
    }) as unknown as ParsedRecord[];
  } catch (error) {
    const e = error as Error & { lines?: number };
    throw new DataError(`${e.lines === undefined ? path : where(path, e.lines)}: ${e.message}`);
  }
  if (records.length === 0) throw new DataError(`${path} is empty: expected a header row and data rows`);
  const header = records[0]!.record;
  const seen = new Set<string>();
  header.forEach((name, i) => {
    if (name === "") throw new DataError(`${where(path, 1)}: column ${i + 1} has no name in the header row`);
    if (seen.has(name)) throw new DataError(`${where(path, 1)}: the header names column '${name}' twice`);
    seen.add(name);
  });
  const rows = records.slice(1).map(({ record, info }) => ({ line: startLine(record, info.lines), values: record }));
  if (rows.length === 0) throw new DataError(`${path} has a header row but no data rows`);
  return { path, header, rows };
}

/** csv-parse counts the line a record ends on; quoted fields may span lines. */
function startLine(values: string[], endLine: number): number {
  let newlines = 0;
  for (const v of values) for (let i = v.indexOf("\n"); i >= 0; i = v.indexOf("\n", i + 1)) newlines++;
  return endLine - newlines;
}

/** RFC 4180 quoting for one output field (only when the field needs it). */
export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

export function csvLine(values: readonly string[]): string {
  return values.map(csvField).join(",");
}
