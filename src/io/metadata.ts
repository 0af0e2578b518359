// The application's metadata object (net.metadata), checked the one way every writer and reader
// of model files checks it: plain JSON — objects, arrays, strings, finite numbers, booleans, null —
// nested at most MAX_METADATA_DEPTH levels. What a writer accepts, every reader reads back, and
// what a reader refuses, no writer writes: a NaN never silently becomes null, and a nesting that
// JSON.stringify could not write (it runs out of stack near 5,000 levels) never loads.
import { clip, show } from "../errors.js";

/** The deepest metadata nesting wasmlp writes and reads; the metadata object itself is level 1. */
export const MAX_METADATA_DEPTH = 100;

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/**
 * A deep copy of `value` (the caller's object is never shared) as plain JSON data, or `fail` with
 * where the first problem is (`metadata.scaling.std[2] is NaN: …`). Keys whose value is undefined
 * are left out, as JSON leaves them out.
 */
export function copyMetadata(value: unknown, name: string, fail: (why: string) => never): Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return fail(`${name} must be a JSON object, got ${show(value)}`);
  const ancestors = new Set<object>();
  const copy = (v: unknown, path: string, depth: number): unknown => {
    switch (typeof v) {
      case "string":
      case "boolean":
        return v;
      case "number":
        if (!Number.isFinite(v)) fail(`${path} is ${show(v)}: metadata numbers must be finite (JSON has no ${show(v)})`);
        return v;
      case "object":
        break;
      default:
        return fail(`${path} is ${show(v)}, which JSON cannot hold`);
    }
    if (v === null) return null;
    if (depth > MAX_METADATA_DEPTH) fail(`${name} nests deeper than ${MAX_METADATA_DEPTH} levels (at ${clip(path, 200)})`);
    if (ancestors.has(v)) fail(`${path} contains itself (a cycle), which JSON cannot hold`);
    ancestors.add(v);
    let out: unknown;
    if (Array.isArray(v)) {
      const list: unknown[] = [];
      for (let i = 0; i < v.length; i++) {
        const item: unknown = v[i];
        if (item === undefined) fail(`${path}[${i}] is undefined, which JSON would write as null`);
        list.push(copy(item, `${path}[${i}]`, depth + 1));
      }
      out = list;
    } else {
      const prototype: unknown = Object.getPrototypeOf(v);
      if (prototype !== Object.prototype && prototype !== null) {
        fail(`${path} is ${objectKind(v)}: metadata holds plain objects and arrays only (JSON would not keep it as it is)`);
      }
      const object: Record<string, unknown> = {};
      for (const key of Object.keys(v)) {
        const item: unknown = (v as Record<string, unknown>)[key];
        if (item === undefined) continue;
        // defineProperty: a key "__proto__" stays an own key, as JSON.parse makes it
        Object.defineProperty(object, key, { value: copy(item, `${path}${IDENTIFIER.test(key) ? `.${clip(key)}` : `[${show(key)}]`}`, depth + 1), enumerable: true, writable: true, configurable: true });
      }
      out = object;
    }
    ancestors.delete(v);
    return out;
  };
  return copy(value, name, 1) as Record<string, unknown>;
}

function objectKind(value: object): string {
  const constructorName = (Object.getPrototypeOf(value) as { constructor?: { name?: unknown } }).constructor?.name;
  return typeof constructorName === "string" && constructorName !== "" ? `a ${clip(constructorName)}` : "an object of a class";
}
