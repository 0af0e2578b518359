// brain.js's option names, defaults and ranges (NeuralNetwork 2.0), checked the wasmlp way: a
// ConfigError that names the option, and the nearest known name for an unknown one.
import { MAX_PARAMETERS } from "../architecture.js";
import { checkKeys, ConfigError, listNames, show } from "../errors.js";

export type BrainActivation = "sigmoid" | "relu" | "leaky-relu" | "tanh";
export const BRAIN_ACTIVATIONS: readonly BrainActivation[] = ["sigmoid", "relu", "leaky-relu", "tanh"];

/** What train() reports, and what log and callback receive. */
export interface TrainStatus {
  error: number;
  iterations: number;
}

/** brain.js's training options: given to the constructor or to train(). */
export interface BrainTrainOptions {
  /** One activation for every layer, the output layer too (default 'sigmoid'). Fixed once the network has weights. */
  activation?: BrainActivation;
  /** Passes over the data, at most (default 20000). */
  iterations?: number;
  /** Stop once the error (mean squared output error over the data) is at most this (default 0.005). */
  errorThresh?: number;
  /** true: console.log the status every logPeriod iterations; or a function given the status. */
  log?: boolean | ((status: TrainStatus) => void);
  logPeriod?: number;
  /** Slope of 'leaky-relu' below 0 (default 0.01). */
  leakyReluAlpha?: number;
  /** default 0.3 */
  learningRate?: number;
  /** default 0.1: change = learningRate·δ·a + momentum·change, for the weights (not the biases). */
  momentum?: number;
  callback?: (status: TrainStatus) => void;
  callbackPeriod?: number;
  /** Milliseconds, at most (default Infinity). */
  timeout?: number;
  /** 'adam' for brain.js's Adam (null or absent: momentum SGD); fixed once the network has weights. */
  praxis?: "adam" | null;
  beta1?: number;
  beta2?: number;
  epsilon?: number;
}

/** The constructor's options: brain.js's, and two of wasmlp's own. */
export interface NeuralNetworkOptions extends BrainTrainOptions {
  inputSize?: number;
  /** Widths of the hidden layers (absent or null: one of max(3, ⌊inputs/2⌋)). */
  hiddenLayers?: number[] | null;
  outputSize?: number;
  /** test(): an output above it counts as 1 (one-output networks; default 0.5). */
  binaryThresh?: number;
  /** wasmlp: seeds the initial weights (brain.js draws them from Math.random, so no two runs agree). */
  seed?: number;
  /** wasmlp: 'wasm' (where WebAssembly SIMD compiles), 'ts' (plain TypeScript) or 'auto' (default). */
  backend?: "auto" | "wasm" | "ts";
}

/** trainOpts with every default filled in, as brain.js keeps them. */
export type TrainOpts = Required<Omit<BrainTrainOptions, "praxis" | "callback" | "log">> & {
  praxis?: "adam";
  callback?: (status: TrainStatus) => void;
  log: false | ((status: TrainStatus) => void);
};

export const TRAIN_OPTION_NAMES: readonly (keyof BrainTrainOptions)[] = [
  "activation", "iterations", "errorThresh", "log", "logPeriod", "leakyReluAlpha", "learningRate", "momentum",
  "callback", "callbackPeriod", "timeout", "praxis", "beta1", "beta2", "epsilon",
];
export const NETWORK_OPTION_NAMES: readonly (keyof NeuralNetworkOptions)[] = ["inputSize", "hiddenLayers", "outputSize", "binaryThresh"];
export const WASMLP_OPTION_NAMES: readonly (keyof NeuralNetworkOptions)[] = ["seed", "backend"];

export function trainDefaults(): TrainOpts {
  return {
    activation: "sigmoid", iterations: 20000, errorThresh: 0.005, log: false, logPeriod: 10, leakyReluAlpha: 0.01,
    learningRate: 0.3, momentum: 0.1, callbackPeriod: 10, timeout: Infinity, beta1: 0.9, beta2: 0.999, epsilon: 1e-8,
  };
}

/** brain.js's log: true. */
export function logStatus(status: TrainStatus): void {
  console.log(`iterations: ${status.iterations}, training error: ${status.error}`);
}

/** An options object's keys, or a ConfigError for an unknown one (naming the nearest, or where it belongs). */
export function checkOptionKeys(options: unknown, known: readonly string[], where: string): Record<string, unknown> {
  if (options === undefined || options === null) return {}; // brain.js spreads options: null is none
  if (typeof options !== "object" || Array.isArray(options)) throw new ConfigError(`${where}: options must be an object, not ${show(options)}`);
  const unknown = Object.keys(options).find((key) => !known.includes(key));
  if (unknown !== undefined && ([...NETWORK_OPTION_NAMES, ...WASMLP_OPTION_NAMES] as string[]).includes(unknown)) {
    throw new ConfigError(`${where}: '${unknown}' is an option of the NeuralNetwork constructor, not of train()`);
  }
  checkKeys(options, known, where); // the unknown key, with the nearest known name
  return options as Record<string, unknown>;
}

const open01 = (v: unknown) => typeof v === "number" && v > 0 && v < 1;
const positive = (v: unknown) => typeof v === "number" && v > 0 && !Number.isNaN(v);
const period = (v: unknown) => typeof v === "number" && Number.isInteger(v) && v > 0;

/** brain.js's validateTrainingOptions, as ConfigErrors that say what is allowed. */
const RULES: { [K in keyof BrainTrainOptions]-?: [(v: unknown) => boolean, string] } = {
  activation: [(v) => BRAIN_ACTIVATIONS.includes(v as BrainActivation), `one of ${listNames(BRAIN_ACTIVATIONS)}`],
  iterations: [positive, "a number above 0"],
  errorThresh: [open01, "a number between 0 and 1 (exclusive)"],
  log: [(v) => typeof v === "boolean" || typeof v === "function", "true, false or a function"],
  logPeriod: [period, "a whole number above 0"],
  leakyReluAlpha: [open01, "a number between 0 and 1 (exclusive)"],
  learningRate: [open01, "a number between 0 and 1 (exclusive)"],
  momentum: [open01, "a number between 0 and 1 (exclusive)"],
  callback: [(v) => v === undefined || typeof v === "function", "a function"],
  callbackPeriod: [period, "a whole number above 0"],
  timeout: [positive, "a number of milliseconds above 0 (Infinity: none)"],
  praxis: [(v) => v === undefined || v === null || v === "adam", "'adam' or left out"],
  beta1: [open01, "a number between 0 and 1 (exclusive)"],
  beta2: [open01, "a number between 0 and 1 (exclusive)"],
  epsilon: [open01, "a number between 0 and 1 (exclusive)"],
};

/**
 * trainOpts merged with `given` (only its training options), checked as brain.js checks them;
 * `where` names the call in errors. The result is new: the caller commits it when all is well.
 */
export function mergeTrainOptions(current: TrainOpts, given: Record<string, unknown>, where: string): TrainOpts {
  const merged: Record<string, unknown> = { ...current };
  for (const name of TRAIN_OPTION_NAMES) {
    const value = name in given ? given[name] : current[name];
    const [valid, expected] = RULES[name];
    // brain.js checks the merged set: a value set on net.trainOpts by hand is checked here too
    if (!valid(value)) throw new ConfigError(`${where}: ${name} must be ${expected}, not ${show(value)}${name in given ? "" : " (set on trainOpts)"}`);
    if (!(name in given)) continue;
    merged[name] = name === "log" ? (typeof value === "function" ? value : value ? logStatus : false) : value;
    if (name === "praxis" && value === null) delete merged.praxis; // brain.js: null is no praxis
  }
  return merged as TrainOpts;
}

/** Weights and biases of a network of layer widths `sizes`, input first. */
export function parameterCount(sizes: readonly number[]): number {
  return sizes.slice(1).reduce((sum, n, l) => sum + n * (sizes[l]! + 1), 0);
}

/** `sizes`, or an error (a ConfigError unless `Err` says) when they make more parameters than a network may have. */
export function checkParameterCount(sizes: number[], Err: new (message: string) => Error = ConfigError, where = ""): number[] {
  const count = parameterCount(sizes);
  if (count > MAX_PARAMETERS) throw new Err(`${where}sizes ${show(sizes)} make ${count} parameters, more than the ${MAX_PARAMETERS} a network may have`);
  return sizes;
}

/** A positive whole number of units, or a ConfigError naming `what`. */
export function checkUnits(value: unknown, what: string): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < 1 || value > 2 ** 20) {
    throw new ConfigError(`${what} must be a whole number of units from 1 to ${2 ** 20}, not ${show(value)}`);
  }
  return value;
}
