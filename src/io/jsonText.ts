// JSON text that reads back bit-exact: JSON.stringify writes −0 as 0, but JSON.parse("-0") is −0,
// so a model's weights and its metadata are written here with −0 kept. Everything else is exactly
// JSON.stringify's text. For checked model data only (finite numbers, plain objects, bounded depth).
import { ConfigError } from "../errors.js";

/**
 * The longest JSON model text wasmlp writes and reads (UTF-8 bytes): well inside the longest string
 * a JS engine makes (V8: 2^29 − 24 characters). Larger models go in the binary format.
 */
export const MAX_JSON_TEXT_BYTES = 2 ** 28;

/** A model (or checkpoint) as JSON text, refused (a ConfigError) when longer than the readers read. */
export function modelText(model: unknown, maxBytes = MAX_JSON_TEXT_BYTES): string {
  let text: string;
  try {
    text = jsonText(model);
  } catch (error) {
    if (!(error instanceof RangeError)) throw error; // "Invalid string length": longer than any string
    throw tooLong(`more than a JS string can hold`, maxBytes);
  }
  // UTF-8 takes at most 3 bytes per UTF-16 unit: count exactly only when that bound is in doubt
  if (text.length * 3 > maxBytes) {
    const bytes = text.length > maxBytes ? text.length : new TextEncoder().encode(text).length;
    if (bytes > maxBytes) throw tooLong(`${bytes} bytes`, maxBytes);
  }
  return text;
}

const tooLong = (size: string, maxBytes: number) =>
  new ConfigError(`the model as JSON text would be ${size}, more than the ${maxBytes} bytes a JSON model may have; save it in the binary format`);

/** JSON.stringify(value), but −0 written as -0. */
export function jsonText(value: unknown): string {
  if (typeof value === "number") return Object.is(value, -0) ? "-0" : JSON.stringify(value);
  if (typeof value !== "object" || value === null) return JSON.stringify(value) ?? "null";
  if (Array.isArray(value)) {
    if (numbersWithoutNegativeZero(value)) return JSON.stringify(value); // the common case: weights, at native speed
    return `[${value.map(jsonText).join(",")}]`;
  }
  const parts: string[] = [];
  for (const [key, item] of Object.entries(value)) {
    if (item === undefined || typeof item === "function" || typeof item === "symbol") continue; // as JSON.stringify leaves them out
    parts.push(`${JSON.stringify(key)}:${jsonText(item)}`);
  }
  return `{${parts.join(",")}}`;
}

function numbersWithoutNegativeZero(list: readonly unknown[]): boolean {
  for (const v of list) if (typeof v !== "number" || (v === 0 && 1 / v < 0)) return false;
  return true;
}
