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
  | "DIVERGED"; //   a training run met a NaN or infinite loss or gradient

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

/** An error the training worker raised, re-thrown on the page with its original code. */
export class WorkerError extends WasmlpError {
  constructor(code: WasmlpErrorCode | undefined, message: string) {
    super(code ?? "BACKEND", message);
  }
}

/** "one of 'a', 'b', 'c'" — for messages about unknown names. */
export function listNames(names: readonly string[]): string {
  return names.map((n) => `'${n}'`).join(", ");
}
