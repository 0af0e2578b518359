// Exit codes and the one-line error report. The library's typed errors already say what kind of
// problem it is; the CLI maps each kind to an exit code that scripts can branch on.
import { ConfigError, DataError, DivergenceError, ModelFormatError, NonFiniteError, ShapeError, WasmlpError } from "../index.js";
import { clip } from "../errors.js";

/** Documented in the README: 0 success, then one code per kind of failure. */
export const EXIT = {
  ok: 0,
  /** Training diverged, a file could not be written, or anything unexpected. */
  runtime: 1,
  /** Bad command line: unknown command or option, missing argument, invalid option value. */
  usage: 2,
  /** Bad data file: unreadable, malformed CSV, bad rows, unknown target column or class. */
  data: 3,
  /** Bad model file: unreadable, not a wasmlp model, or not made by `wasmlp train`. */
  model: 4,
} as const;

/** A file that could not be read: reported against the data or the model, whichever it was. */
export class FileError extends Error {
  constructor(message: string, readonly exitCode: number) {
    super(message);
  }
}

export function exitCodeFor(error: unknown): number {
  if (error instanceof FileError) return error.exitCode;
  if (error instanceof DivergenceError) return EXIT.runtime;
  if (error instanceof ConfigError) return EXIT.usage;
  if (error instanceof DataError || error instanceof ShapeError || error instanceof NonFiniteError) return EXIT.data;
  if (error instanceof ModelFormatError) return EXIT.model;
  return EXIT.runtime;
}

/** One line for stderr: the message only, never a stack (an unexpected error keeps its name). */
export function errorLine(error: unknown): string {
  if (error instanceof WasmlpError || error instanceof FileError) return `error: ${firstLine(error.message)}`;
  if (error instanceof Error) return `error: ${error.name}: ${firstLine(error.message)}`;
  return `error: ${String(error)}`;
}

/** Longer error lines are cut: each echoed value is clipped already, this bounds the rest. */
const MAX_ERROR_LINE = 1000;

const firstLine = (text: string) => clip(text.split(/\r?\n/, 1)[0]!, MAX_ERROR_LINE);

/** `path, line 5, column 'p3'` — where a data problem is. */
export function where(path: string, line: number, column?: string): string {
  return column === undefined ? `${path}, line ${line}` : `${path}, line ${line}, column '${clip(column)}'`;
}

/** A file-system failure as a FileError with a readable reason; anything else passes through. */
export function fileProblem(error: unknown, what: string, exitCode: number): unknown {
  if (error instanceof WasmlpError) return error;
  const code = (error as NodeJS.ErrnoException)?.code;
  if (typeof code !== "string") return error;
  const reason = FS_REASONS[code] ?? code;
  return new FileError(`${what}: ${reason}`, exitCode);
}

const FS_REASONS: Record<string, string> = {
  ENOENT: "no such file or directory",
  EISDIR: "it is a directory",
  EACCES: "permission denied",
  ENOTDIR: "a part of the path is not a directory",
  ENOSPC: "no space left on the device",
};
