// JSON text that reads back bit-exact: JSON.stringify writes −0 as 0, but JSON.parse("-0") is −0,
// so a model's weights and its metadata are written here with −0 kept. Everything else is exactly
// JSON.stringify's text. For checked model data only (finite numbers, plain objects, bounded depth).

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
