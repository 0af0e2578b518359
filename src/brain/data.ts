// brain.js's training data — { input, output } rows of numbers, or of objects keyed by name — as
// flat float64 rows. Named values go through lookup tables (name → position), made from the data
// in order of first appearance, as brain.js's LookupTable makes them; a name the table does not
// know is an error here (brain.js drops it silently), a missing one is 0 (as in brain.js).
import { DataError, NonFiniteError, ShapeError, nearestName, show } from "../errors.js";

export type Lookup = Record<string, number>;
export type BrainValues = ArrayLike<number> | Record<string, number>;
export interface BrainDatum {
  input: BrainValues;
  output: BrainValues;
}

/** true for arrays and typed arrays: values by position, no lookup table. */
export const isPositional = (v: unknown): v is ArrayLike<number> => Array.isArray(v) || (ArrayBuffer.isView(v) && !(v instanceof DataView));

/** brain.js's LookupTable over one side of the data: every own key, in order of first appearance. */
export function makeLookup(objects: Iterable<Record<string, number>>): Lookup {
  const table: Lookup = {};
  let length = 0;
  for (const object of objects) {
    for (const key of Object.keys(object)) if (!Object.hasOwn(table, key)) table[key] = length++;
  }
  return table;
}

/** A lookup's width: one past its largest position. */
export const lookupLength = (table: Lookup) => Object.values(table).reduce((n, i) => Math.max(n, i + 1), 0);

/**
 * Writes one row's values into `into` at `at` (width `width`): positional values as they are,
 * named ones through `table`. `where` names the row and side in errors ("train: data[3].input").
 */
export function writeValues(values: unknown, table: Lookup | null, width: number, into: Float64Array, at: number, where: string): void {
  // Positions against a table of positions ("0", "1", … — brain.js makes one from typed arrays): by position.
  if (table && isPositional(values) && Object.keys(table).some((key) => /^(0|[1-9]\d*)$/.test(key))) {
    into.fill(0, at, at + width);
    for (let i = 0; i < values.length; i++) {
      const key = String(i);
      if (!Object.hasOwn(table, key)) throw new DataError(`${where}: the network has no input or output at position ${i} (it knows ${Object.keys(table).length})`);
      into[at + table[key]!] = number(values[i], `${where}[${i}]`);
    }
    return;
  }
  if (table) {
    if (typeof values !== "object" || values === null || isPositional(values)) {
      throw new DataError(`${where} must be an object of named numbers (the network knows ${Object.keys(table).slice(0, 8).map((k) => `'${k}'`).join(", ")}${Object.keys(table).length > 8 ? ", …" : ""}), not ${show(values)}`);
    }
    into.fill(0, at, at + width);
    for (const key of Object.keys(values)) {
      if (!Object.hasOwn(table, key)) {
        const near = nearestName(key, Object.keys(table));
        throw new DataError(`${where}: the network has no ${key === "" ? "empty name" : `'${key}'`}${near ? ` — did you mean '${near}'?` : ""}`);
      }
      into[at + table[key]!] = number((values as Record<string, unknown>)[key], `${where}.${key}`);
    }
    return;
  }
  if (!isPositional(values)) throw new DataError(`${where} must be an array of numbers, not ${show(values)}`);
  if (values.length !== width) throw new ShapeError(`${where} has ${values.length} values; the network's ${where.endsWith("output") ? "output" : "input"} layer has ${width}`);
  for (let i = 0; i < width; i++) into[at + i] = number(values[i], `${where}[${i}]`);
}

function number(value: unknown, where: string): number {
  if (typeof value !== "number") throw new DataError(`${where} is ${show(value)}, not a number`);
  if (!Number.isFinite(value)) throw new NonFiniteError(`${where} is ${show(value)}: every value must be finite`);
  return value;
}

/** The data checked as brain.js's train() receives it: a non-empty array of { input, output }. */
export function checkRows(data: unknown, where: string): BrainDatum[] {
  if (!Array.isArray(data)) throw new DataError(`${where}: data must be an array of { input, output }, not ${show(data)}`);
  if (data.length === 0) throw new DataError(`${where}: data is empty`);
  for (let i = 0; i < data.length; i++) { // every index: a hole in a sparse array is a missing row
    const row: unknown = data[i];
    if (typeof row !== "object" || row === null) throw new DataError(`${where}: data[${i}] must be { input, output }, not ${show(row)}`);
    for (const side of ["input", "output"] as const) {
      if (!(side in row)) throw new DataError(`${where}: data[${i}] has no '${side}'`);
    }
  }
  return data as BrainDatum[];
}

/** Rows as flat float64 inputs and targets, with the lookup tables they need (new ones made from the data). */
export interface FormattedData {
  rows: number;
  inputs: Float64Array;
  targets: Float64Array;
  inputWidth: number;
  outputWidth: number;
  inputLookup: Lookup | null;
  outputLookup: Lookup | null;
}

/**
 * Formats the data as brain.js's formatData does: named inputs (outputs) when data[0]'s are not an
 * array, through the network's lookup table if it has one, else a new one from the data. `widths`:
 * the network's layer widths when it has them, checked like brain.js's validateData.
 */
export function formatData(
  data: BrainDatum[], known: { inputLookup: Lookup | null; outputLookup: Lookup | null }, widths: { input: number; output: number } | null, where: string,
): FormattedData {
  const first = data[0]!;
  // brain.js's test: anything but an array (a typed array too) is values by name, through a table
  // made from the data unless the network has one; arrays keep the network's table (or none).
  const named = (side: "input" | "output") => !Array.isArray(first[side]);
  const table = (side: "input" | "output", existing: Lookup | null) =>
    !named(side) ? existing : (existing ?? makeLookup(data.map((row, i) => {
      const v = row[side];
      if (typeof v !== "object" || v === null || Array.isArray(v)) throw new DataError(`${where}: data[${i}].${side} must be named values like data[0].${side}, not ${show(v)}`);
      return v as Record<string, number>;
    })));
  const inputLookup = table("input", known.inputLookup), outputLookup = table("output", known.outputLookup);
  const width = (side: "input" | "output", lookup: Lookup | null) => {
    if (lookup) return lookupLength(lookup);
    return (first[side] as ArrayLike<number>).length;
  };
  const inputWidth = widths?.input ?? width("input", inputLookup);
  const outputWidth = widths?.output ?? width("output", outputLookup);
  for (const [side, lookup, layer] of [["input", inputLookup, inputWidth], ["output", outputLookup, outputWidth]] as const) {
    if (lookup && lookupLength(lookup) !== layer) {
      throw new ShapeError(`${where}: the data names ${lookupLength(lookup)} ${side}s (${Object.keys(lookup).slice(0, 8).join(", ")}${Object.keys(lookup).length > 8 ? ", …" : ""}); the network's ${side} layer has ${layer}`);
    }
  }
  if (!widths) {
    if (inputWidth === 0) throw new ShapeError(`${where}: data[0].input has no values`);
    if (outputWidth === 0) throw new ShapeError(`${where}: data[0].output has no values`);
  }
  const inputs = new Float64Array(data.length * inputWidth), targets = new Float64Array(data.length * outputWidth);
  data.forEach((row, i) => {
    writeValues(row.input, inputLookup, inputWidth, inputs, i * inputWidth, `${where}: data[${i}].input`);
    writeValues(row.output, outputLookup, outputWidth, targets, i * outputWidth, `${where}: data[${i}].output`);
  });
  return { rows: data.length, inputs, targets, inputWidth, outputWidth, inputLookup, outputLookup };
}

/** Output values as brain.js gives them back: by name through the lookup, else as an array. */
export function toNamed(values: Float64Array, table: Lookup | null): Float64Array | Record<string, number> {
  if (!table) return values;
  const object: Record<string, number> = {};
  for (const key of Object.keys(table)) object[key] = values[table[key]!]!;
  return object;
}
