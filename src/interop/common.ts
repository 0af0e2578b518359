// What the ONNX and safetensors readers share: the size limit, reading little-endian numbers, the
// default loss of an imported network, and the metadata object wasmlp writes into both formats.
import type { Activation } from "../activation.js";
import type { Loss } from "../loss.js";
import { copyMetadata } from "../io/metadata.js";

/** The most values one tensor may declare: far above any MLP that fits a wasm memory. */
export const MAX_VALUES = 2 ** 28;

/** `count` little-endian float64 (size 8) or float32 (size 4) values, each finite. */
export function readFloats(view: DataView, count: number, size: 4 | 8, fail: (why: string) => never, what: string): Float64Array {
  const values = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    const v = size === 8 ? view.getFloat64(8 * i, true) : view.getFloat32(4 * i, true);
    if (!Number.isFinite(v)) fail(`${what} value ${i} is ${v}`);
    values[i] = v;
  }
  return values;
}

/** crossEntropy after softmax, squaredError otherwise: what a file that names no loss gets. */
export const defaultLoss = (last: Activation): Loss => (last === "softmax" ? "crossEntropy" : "squaredError");

/** The application metadata wasmlp stores as a JSON string; undefined when absent. */
export function metadataObject(text: string | undefined, fail: (why: string) => never, what: string): Record<string, unknown> | undefined {
  if (text === undefined) return undefined;
  let value: unknown;
  try { value = JSON.parse(text); } catch { return fail(`${what} is not valid JSON`); }
  return copyMetadata(value, what, fail);
}
