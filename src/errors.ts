// Every error wasmlp throws on purpose is a WasmlpError with a stable `code`, so callers can
// branch on the kind of problem while the message says what and where.
// A type only, erased at run time: a diverged run hands back its history.
import type { History } from "./training/types.js";

export type WasmlpErrorCode =
  | "SHAPE" //       wrong widths, ragged rows, empty batches, wrong layer index
  | "NON_FINITE" //  NaN or ±Infinity in data, gradients or a loss
  | "DATA" //        a value of the wrong type, or outside what the loss accepts
  | "CONFIG" //      unknown names, invalid sizes or hyper-parameters, illegal layer set-ups
  | "MODEL_FORMAT" // a model file whose fields, sizes or numbers do not add up
  | "STATE" //       a call in the wrong order, on a disposed network, with a detached optimizer
  | "BACKEND" //     the requested backend cannot run here
  | "DIVERGED" //    a training run met a NaN or infinite loss or gradient
  | "CALLBACK" //    a callback of the caller's threw (trainInWorker: on the page, while the worker trained)
  | "UNSUPPORTED"; // a brain.js class or namespace wasmlp/brain does not implement

export class WasmlpError extends Error {
  readonly code: WasmlpErrorCode;
  constructor(code: WasmlpErrorCode, message: string) {
    super(message);
    this.code = code;
    this.name = new.target.name;
  }
}

export class ShapeError extends WasmlpError {
  constructor(message: string) { super("SHAPE", message); }
}
export class NonFiniteError extends WasmlpError {
  constructor(message: string) { super("NON_FINITE", message); }
}
export class DataError extends WasmlpError {
  constructor(message: string) { super("DATA", message); }
}
export class ConfigError extends WasmlpError {
  constructor(message: string) { super("CONFIG", message); }
}
export class ModelFormatError extends WasmlpError {
  constructor(message: string) { super("MODEL_FORMAT", message); }
}
export class StateError extends WasmlpError {
  constructor(message: string) { super("STATE", message); }
}
export class BackendError extends WasmlpError {
  constructor(message: string) { super("BACKEND", message); }
}

/** A training run that produced a NaN or infinite loss or gradient; the network keeps the last good weights. */
export class DivergenceError extends WasmlpError {
  constructor(message: string, readonly epoch: number, readonly batch: number | "validation", readonly history: History) {
    super("DIVERGED", message);
  }
}

/** A callback of the caller's threw, and the work it watched was stopped; `cause` is what it threw. */
export class CallbackError extends WasmlpError {
  constructor(message: string, cause: unknown) {
    super("CALLBACK", message);
    this.cause = cause;
  }
}

/** An error the training worker raised, re-thrown on the page with its original code. */
export class WorkerError extends WasmlpError {
  constructor(code: WasmlpErrorCode | undefined, message: string) {
    super(code ?? "BACKEND", message);
  }
}

/** The most characters of one value an error message echoes: a 10 MB field must not become a 10 MB error line. */
export const MAX_ECHO = 80;

/** `text` cut to `max` characters with an ellipsis and the full length, when longer. */
export function clip(text: string, max = MAX_ECHO): string {
  return text.length <= max ? text : `${text.slice(0, max)}… (${text.length.toLocaleString("en-US")} characters)`;
}

/**
 * Any value as an error message shows it: JSON where JSON can say it (strings quoted), NaN, ±Infinity,
 * −0, BigInt (1n), functions and symbols by name — never a throw (a BigInt, a cycle, a 10,000-level
 * nesting) — and clipped to MAX_ECHO characters.
 */
export function show(value: unknown): string {
  switch (typeof value) {
    case "number": return Object.is(value, -0) ? "-0" : String(value);
    case "bigint": return `${value}n`;
    case "string": return value.length <= MAX_ECHO ? JSON.stringify(value) : `${JSON.stringify(value.slice(0, MAX_ECHO))}… (${value.length.toLocaleString("en-US")} characters)`;
    case "undefined": return "undefined";
    case "function": return `a function${value.name ? ` (${clip(value.name)})` : ""}`;
    case "symbol": return clip(String(value));
  }
  try {
    return clip(JSON.stringify(value) ?? String(value));
  } catch {
    return Array.isArray(value) ? `an array of ${value.length}` : "an object that JSON cannot show";
  }
}

/** "one of 'a', 'b', 'c'" — for messages about unknown names. */
export function listNames(names: readonly string[]): string {
  return names.map((n) => `'${n}'`).join(", ");
}

/** Common other names for wasmlp's options, tried before spelling distance. */
const ALIASES: Record<string, string> = {
  learningrate: "lr", rate: "lr", eta: "lr", epoch: "epochs", iterations: "epochs", batch: "batchSize",
  minibatch: "batchSize", decay: "weightDecay", l2: "weightDecay", epsilon: "eps", callback: "onEpochEnd",
  validation: "validationData", valsplit: "validationSplit", units: "size", activationfunction: "activation",
};

const squash = (name: string) => name.replace(/[-_\s]/g, "").toLowerCase();

/** Edit distance with transpositions (optimal string alignment), for "did you mean". */
function distance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  }
  return d[a.length]![b.length]!;
}

/** The known name `name` most likely meant: same letters but case and separators, a known alias, a part of one, or a near spelling. */
export function nearestName(name: string, known: readonly string[]): string | undefined {
  const key = squash(name);
  const same = known.find((k) => squash(k) === key);
  if (same) return same;
  const alias = Object.hasOwn(ALIASES, key) ? ALIASES[key] : undefined; // not Object.prototype's "constructor"
  if (alias && known.includes(alias)) return alias;
  const part = key.length >= 4 ? known.find((k) => squash(k).endsWith(key) || squash(k).startsWith(key)) : undefined;
  if (part) return part;
  let best: string | undefined, bestDistance = Math.max(1, Math.floor(key.length / 3)) + 1;
  for (const k of known) {
    const d = distance(key, squash(k));
    if (d < bestDistance) { best = k; bestDistance = d; }
  }
  return best;
}

/**
 * Refuses an options object with a key wasmlp does not know (a misspelling would otherwise be
 * ignored silently): a ConfigError naming it, where it was, and the nearest known option.
 */
export function checkKeys(options: object, known: readonly string[], where: string): void {
  for (const key of Object.keys(options)) {
    if (known.includes(key)) continue;
    const near = nearestName(key, known);
    throw new ConfigError(`${where}: unknown option '${key}'${near ? ` — did you mean '${near}'?` : `; known options: ${listNames(known)}`}`);
  }
}

/**
 * An optional options object: {} when absent, else checked to be an object of known keys. `where`
 * names it in errors ("toJSON options").
 */
export function checkOptions<T extends object>(options: T | undefined, known: readonly string[], where: string): T {
  if (options === undefined) return {} as T;
  if (typeof options !== "object" || options === null) throw new ConfigError(`${where} must be an object { ${known.map((k) => `${k}?`).join(", ")} }`);
  checkKeys(options, known, where);
  return options;
}

/** The option names of an options type, listed once and checked complete by the compiler. */
export function optionNames<T>(names: Record<keyof T, true>): readonly string[] {
  return Object.keys(names);
}
