// Parsers for option values: commander calls them, and an InvalidArgumentError becomes a usage
// error (exit code 2) that names the option.
import { InvalidArgumentError } from "commander";
import { parseNumber } from "./rows.js";
import { DELIMITERS } from "./csv.js";
import { ACTIVATIONS, type Activation } from "../index.js";
import { MAX_EPOCHS_TRAINED } from "../io/saved.js";

export function positiveInteger(text: string): number {
  const value = parseNumber(text);
  if (value === undefined || !Number.isInteger(value) || value < 1) throw new InvalidArgumentError("expected a positive integer.");
  return value;
}

/** --threads: "auto" or a count from 1 to 64. */
export function threadCount(text: string): number | "auto" {
  if (text === "auto") return text;
  const value = parseNumber(text);
  if (value === undefined || !Number.isInteger(value) || value < 1 || value > 64) throw new InvalidArgumentError("expected 'auto' or a whole number from 1 to 64.");
  return value;
}

/** --epochs: a positive integer, at most what a model file can count. */
export function epochCount(text: string): number {
  const value = parseNumber(text);
  if (value === undefined || !Number.isInteger(value) || value < 1 || value > MAX_EPOCHS_TRAINED) {
    throw new InvalidArgumentError(`expected a positive integer up to ${MAX_EPOCHS_TRAINED} (what a model file can count).`);
  }
  return value;
}

export function seed(text: string): number {
  const value = parseNumber(text);
  if (value === undefined || !Number.isInteger(value) || value < 0 || value >= 2 ** 32) throw new InvalidArgumentError("expected an integer in [0, 2^32).");
  return value;
}

export function positiveNumber(text: string): number {
  const value = parseNumber(text);
  if (value === undefined || !(value > 0)) throw new InvalidArgumentError("expected a number above 0.");
  return value;
}

/** A held-out fraction: 0 (none) up to, but not including, 1. */
export function fraction(text: string): number {
  const value = parseNumber(text);
  if (value === undefined || value < 0 || value >= 1) throw new InvalidArgumentError("expected a fraction in [0, 1), such as 0.2.");
  return value;
}

/** "32,16" → [32, 16]; "" or "none" → [] (no hidden layer). */
export function layerSizes(text: string): number[] {
  if (text.trim() === "" || text.trim() === "none") return [];
  return text.split(",").map((part) => {
    const value = parseNumber(part.trim());
    if (value === undefined || !Number.isInteger(value) || value < 1) {
      throw new InvalidArgumentError(`'${part.trim()}' is not a layer size; expected positive integers separated by commas, such as 32,16.`);
    }
    return value;
  });
}

/** "a,b , c" → ["a", "b", "c"]: column names. */
export function nameList(text: string): string[] {
  const names = text.split(",").map((part) => part.trim());
  if (names.some((n) => n === "")) throw new InvalidArgumentError(`'${text}' has an empty name; expected column names separated by commas.`);
  return names;
}

/** --delimiter: ',', ';', '|' or 'tab'. */
export function delimiter(text: string): string {
  const d = DELIMITERS[text];
  if (d === undefined) throw new InvalidArgumentError(`expected ',', ';', '|' or 'tab' (default: detected from the header row).`);
  return d;
}

/** --activations relu,softmax */
export function activationList(text: string): Activation[] {
  return nameList(text).map((name) => {
    if (!(ACTIVATIONS as readonly string[]).includes(name)) throw new InvalidArgumentError(`'${name}' is not an activation; expected ${ACTIVATIONS.join(", ")}.`);
    return name as Activation;
  });
}
