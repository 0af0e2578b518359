// Batches go in as number[][] or flat row-major Float64Array / Matrix; results come out as Matrix.
import { DataError, NonFiniteError, ShapeError, show } from "./errors.js";

/** A row-major batch: `rows` samples of `cols` values each. */
export class Matrix {
  constructor(readonly rows: number, readonly cols: number, readonly data: Float64Array) {
    const size = (n: unknown) => typeof n === "number" && Number.isInteger(n) && n >= 0;
    if (!size(rows) || !size(cols)) throw new ShapeError(`Matrix: rows and cols must be whole numbers, got ${show(rows)} × ${show(cols)}`);
    if (!(data instanceof Float64Array)) throw new ShapeError(`Matrix: data must be a Float64Array, got ${show(data)}`);
    if (data.length !== rows * cols) throw new ShapeError(`Matrix: ${rows}×${cols} needs ${rows * cols} values, got ${data.length}`);
  }
  get(row: number, col: number): number {
    return this.data[row * this.cols + col]!;
  }
  /** Row `row` as a view (no copy). */
  row(row: number): Float64Array {
    return this.data.subarray(row * this.cols, (row + 1) * this.cols);
  }
  toArray(): number[][] {
    return Array.from({ length: this.rows }, (_, r) => Array.from(this.row(r)));
  }
}

export type MatrixInput = readonly (readonly number[])[] | Float64Array | Matrix;

/** Number of rows in `input` if it is a well-formed batch `cols` wide; throws a ShapeError naming `what` otherwise. */
export function batchRows(input: MatrixInput, cols: number, what: string): number {
  let rows: number;
  if (input instanceof Matrix) {
    if (input.cols !== cols) throw new ShapeError(`${what}: ${input.cols} columns, the network expects ${cols}`);
    rows = input.rows;
  } else if (input instanceof Float64Array) {
    if (input.length % cols !== 0) {
      throw new ShapeError(`${what}: a flat array of ${input.length} values is not a whole number of rows of ${cols}`);
    }
    rows = input.length / cols;
  } else if (Array.isArray(input)) {
    rows = input.length;
    for (let r = 0; r < rows; r++) {
      const row: unknown = input[r];
      if (!Array.isArray(row)) throw new ShapeError(`${what}: row ${r} is not an array of numbers`);
      if (row.length !== cols) throw new ShapeError(`${what}: row ${r} has ${row.length} values, the network expects ${cols}`);
    }
  } else {
    throw new ShapeError(`${what}: expected number[][], a Float64Array or a Matrix`);
  }
  if (rows === 0) throw new ShapeError(`${what}: the batch is empty`);
  return rows;
}

/**
 * Throws the NonFiniteError copyBatch() would, with the row counted in the whole batch: for callers
 * that copy a typed batch in chunks (whose copyBatch would count rows within the chunk).
 */
export function checkFiniteRows(input: MatrixInput, cols: number, what: string): void {
  if (!(input instanceof Matrix || input instanceof Float64Array)) return; // number[][] is copied whole first
  const data = input instanceof Matrix ? input.data : input;
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    if (v - v !== 0) throw new NonFiniteError(`${what}: row ${Math.floor(i / cols)}, column ${i % cols} is not finite (got ${v})`); // v − v is NaN for ±∞ and NaN
  }
}

/**
 * Copies a batch already checked by batchRows() into `dest` at element `at`, checking every value
 * with `check` (finite by default). Throws before returning if any value is rejected; what was
 * already copied is then garbage the caller must not use. Returns the largest magnitude copied
 * (fit() bounds its gradients with it), found in the same scan.
 */
export function copyBatch(
  input: MatrixInput, cols: number, dest: Float64Array, at: number, what: string,
  check?: (value: number) => string | undefined,
): number {
  const reject = (index: number, value: unknown, problem: string): never => {
    const row = Math.floor(index / cols), col = index % cols;
    const Err = problem === "is not finite" ? NonFiniteError : DataError;
    throw new Err(`${what}: row ${row}, column ${col} ${problem} (got ${String(value)})`);
  };
  const validate = (index: number, value: unknown) => {
    if (typeof value !== "number") reject(index, value, "is not a number");
    else if (!Number.isFinite(value)) reject(index, value, "is not finite");
    else {
      const problem = check?.(value);
      if (problem) reject(index, value, problem);
    }
  };
  let largest = 0;
  if (Array.isArray(input)) {
    for (let r = 0; r < input.length; r++) {
      const row = input[r]!;
      for (let c = 0; c < cols; c++) {
        const value = row[c];
        validate(r * cols + c, value);
        dest[at + r * cols + c] = value!;
        largest = Math.max(largest, Math.abs(value!));
      }
    }
    return largest;
  }
  // Typed arrays: copy first, then one tight scan; the slow path only runs to name the culprit.
  const data = input instanceof Matrix ? input.data : (input as Float64Array);
  let clean = true;
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    if (v - v !== 0 || (check !== undefined && check(v) !== undefined)) { clean = false; break; } // v − v is NaN for ±∞ and NaN
    const magnitude = v < 0 ? -v : v;
    if (magnitude > largest) largest = magnitude;
  }
  if (!clean) for (let i = 0; i < data.length; i++) validate(i, data[i]);
  dest.set(data, at);
  return largest;
}
