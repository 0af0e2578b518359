// Tables as they come — numbers, text categories, blank cells — turned into the numbers a network
// trains on, with every choice fitted on the training rows only and kept as plain JSON (a
// TablePreparation, saved in the model's metadata) so that new records are prepared the same way
// in Node and in the browser:
//   numeric columns     blanks → the training median, then standardised (mean 0, std 1)
//   categorical columns one-hot over the training categories (an unseen one → all zeros, with a warning)
//   blank cells         optionally one extra 0/1 column "<name> missing" per column that had blanks
//   left out           constant columns, and text columns whose values are almost all distinct (ids, free text)
import { ConfigError, DataError, checkKeys, checkOptions, clip, optionNames, show } from "../errors.js";

export type ColumnKind = "numeric" | "categorical";
export type Task = "classification" | "regression";
/** A record: column name → cell. Numbers pass as they are; strings are parsed; null/undefined/"" are blank. */
export type TableRecord = Record<string, unknown>;

export interface NumericColumn {
  name: string;
  kind: "numeric";
  mean: number;
  std: number;
  /** The value a blank cell takes (the training median), before standardisation. */
  fill: number;
  missingIndicator: boolean;
}

export interface CategoricalColumn {
  name: string;
  kind: "categorical";
  /** One input per category, in this order. */
  categories: string[];
  /** The category a blank cell takes (the most frequent in training). */
  fill: string;
  missingIndicator: boolean;
}

export type PreparedColumn = NumericColumn | CategoricalColumn;

export interface TablePreparation {
  format: "wasmlp-table";
  version: 1;
  /** Numbers are written with a decimal comma ("7,23"); files so written use ';' or tab between columns. */
  decimalComma?: true;
  columns: PreparedColumn[];
  target: { name: string; task: Task; classes?: string[]; scaling?: { mean: number; std: number } };
}

export interface TableOptions {
  /** The column to predict. */
  target: string;
  /** Default: classification when a target value is not a number, or all are integers with at most 20 distinct values. */
  task?: Task;
  /** Use only these columns as features (default: every column but the target). */
  features?: readonly string[];
  /** Leave these columns out. */
  ignore?: readonly string[];
  /** Treat these columns as categories even if their values are numbers (or almost all distinct). */
  categorical?: readonly string[];
  /** Treat these columns as numbers: a cell that is not one is a problem of its row. */
  numeric?: readonly string[];
  /** Add a 0/1 "missing" input for every column that had blank cells in training (default true). */
  missingIndicators?: boolean;
  /** Read "7,23" as 7.23 (for files with ';' or tab between columns). */
  decimalComma?: boolean;
  /** Classification: every class the model must know (default: those in the records), e.g. when fitting on a split. */
  classes?: readonly string[];
}

const TABLE_OPTIONS = optionNames<TableOptions>({
  target: true, task: true, features: true, ignore: true, categorical: true, numeric: true, missingIndicators: true,
  decimalComma: true, classes: true,
});

/** A numeric target with at most this many distinct integer values is taken for class labels. */
export const MAX_INTEGER_CLASSES = 20;
/** A text column with more distinct values than this, nearly all distinct, is taken for an id or free text. */
const ID_LIKE_MIN = 20;
/** Cells read as blank: empty, and the usual markers of R, pandas, SQL exports and UCI files. */
const BLANKS = new Set(["", "na", "n/a", "nan", "null", "?"]);

// Plain decimal numbers only: Number() would also take "0x1f" and "Infinity".
const NUMBER = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;
const THOUSANDS = /^[-+]?\d{1,3}(,\d{3})+(\.\d+)?$/;
const DECIMAL_COMMA = /^[-+]?\d+,\d+$/;

/** A record's own cell (a column named "constructor" or "toString" must not find Object.prototype's). */
export const cellOf = (record: TableRecord, column: string): unknown => (Object.hasOwn(record, column) ? record[column] : undefined);

/** The cell as text, or undefined when blank. */
export function cellText(value: unknown): string | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value === "number") return Number.isFinite(value) ? String(value) : undefined;
  const text = String(value).trim();
  return BLANKS.has(text.toLowerCase()) ? undefined : text;
}

export function parseNumber(text: string, decimalComma = false): number | undefined {
  if (decimalComma && DECIMAL_COMMA.test(text)) text = text.replace(",", ".");
  if (!NUMBER.test(text)) return undefined;
  const value = Number(text);
  return Number.isFinite(value) ? value : undefined;
}

/** Why a cell is not a number, with a hint for the usual culprits. */
export function notANumber(text: string): string {
  if (THOUSANDS.test(text)) return `'${clip(text)}' is not a number (a thousands separator? write ${clip(text.replaceAll(",", ""))})`;
  if (DECIMAL_COMMA.test(text)) return `'${clip(text)}' is not a number (a decimal comma? write ${clip(text.replace(",", "."))}, or the file may use ';' between columns)`;
  return `'${clip(text)}' is not a number`;
}

/** Class labels in natural order ("2" before "10"). */
export function sortLabels(labels: Iterable<string>): string[] {
  return [...new Set(labels)].sort((a, b) => a.localeCompare(b, "en", { numeric: true }));
}

/** The task a target column implies (see TableOptions.task). */
export function inferTask(values: Iterable<string>, decimalComma = false): Task {
  const distinct = new Set<string>();
  let integers = true;
  for (const text of values) {
    const value = parseNumber(text, decimalComma);
    if (value === undefined) return "classification";
    if (!Number.isInteger(value)) integers = false;
    distinct.add(String(value));
  }
  return integers && distinct.size <= MAX_INTEGER_CLASSES ? "classification" : "regression";
}

export interface ColumnReport {
  name: string;
  kind: ColumnKind | "left out";
  /** Blank cells among the rows fitted on. */
  missing: number;
  /** Categories (categorical), or why the column was left out. */
  detail?: string;
}

export interface FittedTable {
  preparation: TablePreparation;
  /** One line per column: its kind, blanks, categories — what train prints before training. */
  columns: ColumnReport[];
}

/**
 * Decides each column's kind and fits its encoder on `records` (the training rows only). Records
 * whose target is blank should be left out before; problem cells are judged later, by encode().
 */
export function fitTable(records: readonly TableRecord[], options: TableOptions): FittedTable {
  checkTableOptions(records, options);
  if (records.length === 0) throw new DataError("fitTable: no rows to fit on");
  const names = columnNames(records);
  const named = (list: readonly string[] | undefined) => new Set(list ?? []);
  const decimalComma = options.decimalComma === true;
  const number = (text: string) => parseNumber(text, decimalComma);
  const ignore = named(options.ignore), categorical = named(options.categorical), numeric = named(options.numeric);
  const features = options.features ? named(options.features) : undefined;
  const indicators = options.missingIndicators ?? true;

  const targetTexts = records.map((r) => cellText(cellOf(r, options.target))).filter((t): t is string => t !== undefined);
  if (!decimalComma) refuseDecimalCommas(options.target, targetTexts);
  const task = options.task ?? inferTask(targetTexts, decimalComma);
  const target: TablePreparation["target"] = { name: options.target, task };
  if (task === "classification") {
    target.classes = options.classes ? [...options.classes] : sortLabels(targetTexts);
    const stranger = options.classes && targetTexts.find((t) => !options.classes!.includes(t));
    if (stranger !== undefined) throw new DataError(`the target '${options.target}' has the class '${clip(stranger)}', which is not among the classes given (${clip(options.classes!.join(", "))})`);
    if (target.classes.length < 2) throw new DataError(`the target '${options.target}' has ${target.classes.length === 0 ? "no values" : `a single class ('${clip(target.classes[0]!)}')`}; there is nothing to learn`);
  } else {
    const values = targetTexts.map(number);
    const bad = targetTexts.find((_, i) => values[i] === undefined);
    if (bad !== undefined) throw new DataError(`target '${options.target}': ${notANumber(bad)} (the task is regression)`);
    target.scaling = finiteMeanStd(values as number[], `the target '${clip(options.target)}'`);
  }
  if (task === "regression" && options.classes) throw new ConfigError("classes: a regression target has no classes");

  const columns: PreparedColumn[] = [], reports: ColumnReport[] = [];
  for (const name of names) {
    if (name === options.target || ignore.has(name) || (features && !features.has(name))) continue;
    const texts = records.map((r) => cellText(cellOf(r, name)));
    const present = texts.filter((t): t is string => t !== undefined);
    const missing = texts.length - present.length;
    const distinct = new Set(present);
    const leaveOut = (why: string) => reports.push({ name, kind: "left out", missing, detail: why });
    if (distinct.size === 0) { leaveOut("every cell is blank"); continue; } // even when a kind was forced: nothing to fit
    if (distinct.size === 1 && !categorical.has(name) && !numeric.has(name)) {
      leaveOut(`constant ('${clip([...distinct][0]!)}'): it cannot tell rows apart`);
      continue;
    }
    if (!decimalComma && !categorical.has(name)) refuseDecimalCommas(name, present);
    const numbers = present.map(number);
    const numericShare = numbers.filter((v) => v !== undefined).length / Math.max(1, present.length);
    const kind: ColumnKind = numeric.has(name) ? "numeric" : categorical.has(name) ? "categorical" : numericShare >= 0.9 ? "numeric" : "categorical";
    const missingIndicator = indicators && missing > 0;
    if (kind === "numeric") {
      const values = numbers.filter((v): v is number => v !== undefined);
      if (values.length === 0) throw new DataError(`column '${name}' is to be numeric but has no number in the training rows`);
      const { mean, std } = finiteMeanStd(values, `column '${clip(name)}'`);
      columns.push({ name, kind, mean, std, fill: median(values), missingIndicator });
      reports.push({ name, kind, missing });
    } else {
      if (!categorical.has(name) && distinct.size > ID_LIKE_MIN && distinct.size > 0.5 * present.length) {
        leaveOut(`${distinct.size} distinct values in ${present.length} rows: an id or free text (--categorical ${name} forces it in)`);
        continue;
      }
      const categories = sortLabels(present);
      columns.push({ name, kind, categories, fill: mostFrequent(present), missingIndicator });
      reports.push({ name, kind, missing, detail: categories.length > 8 ? `${categories.length} categories` : categories.join(", ") });
    }
  }
  if (columns.length === 0) throw new DataError(`no feature columns are left (${reports.map((r) => `${r.name}: ${r.detail}`).join("; ") || "the table has only the target"})`);
  return { preparation: { format: "wasmlp-table", version: 1, ...(decimalComma ? { decimalComma: true as const } : {}), columns, target }, columns: reports };
}

/** Options and column names, checked before anything is fitted. */
export function checkTableOptions(records: readonly TableRecord[], options: TableOptions): void {
  if (typeof options !== "object" || options === null) throw new ConfigError("table options must be an object with a target");
  checkKeys(options, TABLE_OPTIONS, "table options");
  const names = columnNames(records);
  const known = new Set(names);
  const columns = ` (the columns are ${names.join(", ")})`;
  if (typeof options.target !== "string") throw new ConfigError(`target must be a column name, got ${show(options.target)}`);
  if (records.length > 0 && !known.has(options.target)) throw new ConfigError(`target: no column named '${options.target}'${columns}`);
  for (const what of ["features", "ignore", "categorical", "numeric", "classes"] as const) {
    const list = options[what];
    if (list === undefined) continue;
    if (!Array.isArray(list) || !list.every((n) => typeof n === "string")) throw new ConfigError(`${what} must be an array of ${what === "classes" ? "class names" : "column names"}, got ${show(list)}`);
    if (what !== "classes" && records.length > 0) for (const name of list) if (!known.has(name)) throw new ConfigError(`${what}: no column named '${name}'${columns}`);
  }
  for (const name of options.categorical ?? []) if (options.numeric?.includes(name)) throw new ConfigError(`column '${name}' is named both categorical and numeric`);
  if (options.task !== undefined && options.task !== "classification" && options.task !== "regression") {
    throw new ConfigError(`task must be 'classification' or 'regression', got ${show(options.task)}`);
  }
  for (const flag of ["missingIndicators", "decimalComma"] as const) {
    if (options[flag] !== undefined && typeof options[flag] !== "boolean") throw new ConfigError(`${flag} must be true or false, got ${show(options[flag])}`);
  }
}

/** Numbers written with a decimal comma are read only when asked to: say so rather than take them for text. */
function refuseDecimalCommas(column: string, present: readonly string[]): void {
  const decimal = (t: string) => DECIMAL_COMMA.test(t) && !THOUSANDS.test(t); // "1,040" is more likely a thousand
  const comma = present.find(decimal);
  if (comma === undefined) return;
  const numeric = present.filter((t) => decimal(t) || parseNumber(t) !== undefined).length;
  if (numeric < 0.9 * present.length) return;
  throw new DataError(`column '${clip(column)}': '${clip(comma)}' looks like a number with a decimal comma; read such numbers with --decimal-comma ` +
    `(library: decimalComma: true), or write ${comma.replace(",", ".")}`);
}

/** Names of the inputs a preparation makes, in order: "x", "colour=red", "x missing". */
export function inputNames(preparation: TablePreparation): string[] {
  return preparation.columns.flatMap((c) => [
    ...(c.kind === "numeric" ? [c.name] : c.categories.map((k) => `${c.name}=${k}`)),
    ...(c.missingIndicator ? [`${c.name} missing`] : []),
  ]);
}

export const inputWidth = (preparation: TablePreparation) =>
  preparation.columns.reduce((n, c) => n + (c.kind === "numeric" ? 1 : c.categories.length) + (c.missingIndicator ? 1 : 0), 0);

export interface EncodeOptions {
  /** An unseen category is an error of its row instead of a warning (default false). */
  strict?: boolean;
}

export interface RowProblem {
  /** Index of the record. */
  row: number;
  column: string;
  message: string;
}

export interface EncodedRecords {
  /** rows × inputWidth, row-major, for the records without problems. */
  x: Float64Array;
  /** Index (in the given records) of each encoded row. */
  kept: number[];
  /** Records left out, each with its first problem. */
  problems: RowProblem[];
  /** Per column, how many unseen categories were encoded as all zeros. */
  unseen: Record<string, number>;
  /** Per column that had no blank in training, how many blank cells were filled (median or most frequent). */
  filled: Record<string, number>;
}

/**
 * Prepares records exactly as the training rows were prepared. Every record must carry every
 * column of the preparation (blank if unknown: "", null or undefined); problem rows are left out and listed.
 */
export function encodeRecords(preparation: TablePreparation, records: readonly TableRecord[], options: EncodeOptions = {}): EncodedRecords {
  checkOptions(options, ["strict"], "encode options");
  checkPreparation(preparation);
  checkRecords(records);
  const width = inputWidth(preparation), decimalComma = preparation.decimalComma === true;
  const x = new Float64Array(records.length * width);
  const kept: number[] = [], problems: RowProblem[] = [], unseen: Record<string, number> = {}, filled: Record<string, number> = {};
  const index = preparation.columns.map((c) => (c.kind === "categorical" ? new Map(c.categories.map((k, i) => [k, i])) : undefined));
  const count = (tally: Record<string, number>, names: readonly string[]) => { for (const name of names) tally[name] = (tally[name] ?? 0) + 1; };
  records.forEach((record, r) => {
    let at = kept.length * width;
    const rowUnseen: string[] = [], rowFilled: string[] = [];
    const refuse = (column: string, message: string) => {
      problems.push({ row: r, column, message });
      x.fill(0, kept.length * width, (kept.length + 1) * width);
    };
    for (const [i, column] of preparation.columns.entries()) {
      if (!Object.hasOwn(record, column.name)) return refuse(column.name, "the record has no such key (give every column, blank if unknown)");
      const text = cellText(cellOf(record, column.name));
      if (text === undefined && !column.missingIndicator) rowFilled.push(column.name);
      if (column.kind === "numeric") {
        const value = text === undefined ? column.fill : parseNumber(text, decimalComma);
        if (value === undefined) return refuse(column.name, notANumber(text!));
        x[at++] = (value - column.mean) / column.std;
      } else {
        const k = index[i]!.get(text ?? column.fill);
        if (k === undefined) {
          if (options.strict) return refuse(column.name, `unseen category '${clip(text!)}' (training saw ${column.categories.length > 8 ? `${column.categories.length} others` : clip(column.categories.join(", "))})`);
          rowUnseen.push(column.name);
        }
        x.fill(0, at, at + column.categories.length);
        if (k !== undefined) x[at + k] = 1;
        at += column.categories.length;
      }
      if (column.missingIndicator) x[at++] = text === undefined ? 1 : 0;
    }
    count(unseen, rowUnseen);
    count(filled, rowFilled);
    kept.push(r);
  });
  return { x: x.subarray(0, kept.length * width), kept, problems, unseen, filled };
}

/**
 * The targets of records as the network learns them: one-hot classes, or the standardised value.
 * A record with a blank or unknown target is a problem of its row.
 */
export function encodeTargets(preparation: TablePreparation, records: readonly TableRecord[]): { y: (number[] | undefined)[]; problems: RowProblem[] } {
  checkPreparation(preparation);
  checkRecords(records);
  const { name, classes, scaling } = preparation.target;
  const problems: RowProblem[] = [];
  const y = records.map((record, r) => {
    const text = cellText(cellOf(record, name));
    const fail = (message: string) => { problems.push({ row: r, column: name, message }); return undefined; };
    if (text === undefined) return fail("the target value is missing");
    if (classes) {
      const k = classes.indexOf(text);
      return k < 0 ? fail(`unknown class '${clip(text)}' (the model knows ${classes.length > 20 ? `${classes.length} classes` : clip(classes.join(", "))})`) : classes.map((_, i) => (i === k ? 1 : 0));
    }
    const value = parseNumber(text, preparation.decimalComma === true);
    return value === undefined ? fail(`${notANumber(text)} (the task is regression)`) : [(value - scaling!.mean) / scaling!.std];
  });
  return { y, problems };
}

/** A column's training statistics: mean and standard deviation (std 1 for a constant column). */
export function meanStd(values: readonly number[]): { mean: number; std: number } {
  let sum = 0, min = Infinity, max = -Infinity;
  for (const v of values) { sum += v; min = Math.min(min, v); max = Math.max(max, v); }
  // All equal: the rounding of the mean must not make a tiny std that blows up every later value.
  if (min === max) return { mean: min, std: 1 };
  const mean = sum / values.length;
  let variance = 0;
  for (const v of values) variance += (v - mean) ** 2;
  return { mean, std: Math.sqrt(variance / values.length) };
}

/**
 * meanStd, refused (a DataError) when float64 cannot hold it: values so far apart that the mean or
 * the spread overflows to Infinity, or so close that the spread underflows to 0. A model keeping
 * such a scaling would be one its own readers refuse.
 */
function finiteMeanStd(values: readonly number[], what: string): { mean: number; std: number } {
  const { mean, std } = meanStd(values);
  if (Number.isFinite(mean) && Number.isFinite(std) && std > 0) return { mean, std };
  const why = !Number.isFinite(mean) ? "the mean overflows to Infinity" : std > 0 ? "the standard deviation overflows to Infinity" : "the standard deviation underflows to 0";
  throw new DataError(`${what}: its values are out of float64's range for standardising (${why}); rescale them, e.g. to other units`);
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b), mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function mostFrequent(values: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  let best = values[0]!, most = 0;
  for (const [v, n] of counts) if (n > most || (n === most && v.localeCompare(best, "en", { numeric: true }) < 0)) { best = v; most = n; }
  return best;
}

/** Records must be an array of objects (column name → cell): a DataError names the first that is not. */
function checkRecords(records: readonly TableRecord[]): void {
  if (!Array.isArray(records)) throw new DataError(`records must be an array of objects (column name → cell), got ${show(records)}`);
  records.forEach((record, r) => {
    if (typeof record !== "object" || record === null || Array.isArray(record)) throw new DataError(`records[${r}] must be an object (column name → cell), got ${show(record)}`);
  });
}

/** The preparation handed to encodeRecords / encodeTargets: what fitTable made, or a model's metadata.preparation. */
function checkPreparation(preparation: TablePreparation): void {
  if (!isTablePreparation(preparation)) throw new ConfigError("preparation: not a complete table preparation (use what fitTable or prepareTable returns, or a model's metadata.preparation)");
}

function columnNames(records: readonly TableRecord[]): string[] {
  checkRecords(records);
  const names: string[] = [], seen = new Set<string>();
  for (const record of records) for (const name of Object.keys(record)) if (!seen.has(name)) { seen.add(name); names.push(name); }
  return names;
}

/** Checks a preparation read from a model file (a ModelFormatError is the caller's to raise). */
export function isTablePreparation(value: unknown): value is TablePreparation {
  const p = value as TablePreparation;
  // (a hand-edited file may hold anything: "1" > 0 is true, so every number is checked to be one)
  const positive = (v: unknown) => typeof v === "number" && Number.isFinite(v) && v > 0;
  const distinctStrings = (list: unknown) => Array.isArray(list) && list.every((k) => typeof k === "string") && new Set(list).size === list.length;
  return typeof p === "object" && p !== null && p.format === "wasmlp-table" && p.version === 1 && Array.isArray(p.columns) &&
    (p.decimalComma === undefined || p.decimalComma === true) &&
    p.columns.every((c) => typeof c?.name === "string" && typeof c.missingIndicator === "boolean" && (c.kind === "numeric"
      ? [c.mean, c.fill].every(Number.isFinite) && positive(c.std)
      : c.kind === "categorical" && distinctStrings(c.categories) && c.categories.length > 0 && c.categories.includes(c.fill))) &&
    distinctStrings(p.columns.map((c) => c.name)) &&
    typeof p.target?.name === "string" && (p.target.task === "classification"
      ? distinctStrings(p.target.classes)
      : p.target.task === "regression" && Number.isFinite(p.target.scaling?.mean) && positive(p.target.scaling?.std));
}
