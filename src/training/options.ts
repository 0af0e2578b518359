// fit()'s options, checked and resolved before anything changes: a pure function of the options,
// the architecture and where training stands (epochs so far, the network's seed).
import { MetricMode, type MetricModeId } from "../abi.js";
import type { Architecture } from "../architecture.js";
import { checkKeys, ConfigError, optionNames, show } from "../errors.js";
import type { MatrixInput } from "../matrix.js";
import { Optimizer } from "../optimizer.js";
import { checkOptimizerConfig, type OptimizerConfig } from "../optimizerConfig.js";
import { MAX_EPOCHS_TRAINED } from "../io/saved.js";
import { accuracyMode, metricMode } from "./metrics.js";
import type { ValidationRows } from "./split.js";
import { scheduleFunction } from "./schedule.js";
import type { FitOptions, Metric, Monitor } from "./types.js";

const DEFAULT_OPTIMIZER: OptimizerConfig = { type: "adam", lr: 0.001 };
const MONITORS: readonly Monitor[] = ["loss", "accuracy", "valLoss", "valAccuracy"];
const VALIDATION_ROWS: readonly ValidationRows[] = ["stratified", "shuffled", "last"];

export interface StoppingRule {
  monitor: Monitor;
  patience: number;
  minDelta: number;
  restoreBestWeights: boolean;
}

/** Everything fit() does, decided. */
export interface FitPlan {
  batchSize: number;
  shuffle: boolean;
  seed: number;
  /** Infinity: until a stop condition (early stopping, a callback, the signal, MAX_EPOCHS_TRAINED). */
  epochs: number;
  /**
   * The rate of epoch `epoch` (0-based over the network's life), computed when the epoch begins (no
   * array of a rate per epoch): a ConfigError if the schedule gives no positive finite rate.
   */
  learningRate: (epoch: number) => number;
  /** 0: no clipping. */
  clipNorm: number;
  validationSplit?: number;
  /** Which rows validationSplit holds out. */
  validationRows: ValidationRows;
  validationData?: { inputs: MatrixInput; targets: MatrixInput };
  earlyStopping?: StoppingRule;
  metricMode: MetricModeId;
  yieldEveryMs: number;
  /** The optimizer to continue with, or the checked configuration of a new one. */
  optimizer: Optimizer | OptimizerConfig;
}

export interface TrainingState {
  arch: Architecture;
  /** Throws unless the given optimizer may train this network (its own, and holding the state). */
  checkOptimizer?: (optimizer: Optimizer) => void;
  /** Epochs trained before this run (schedules continue from here). */
  epochs: number;
  /** The network's seed, the default seed of the shuffles. */
  seed: number | undefined;
}

const FIT_OPTIONS = optionNames<FitOptions>({
  epochs: true, batchSize: true, optimizer: true, shuffle: true, seed: true, validationSplit: true, validationRows: true, validationData: true,
  metrics: true, schedule: true, clipNorm: true, earlyStopping: true, onEpochEnd: true, onBatchEnd: true, signal: true, yieldEveryMs: true,
});
const EARLY_STOPPING_OPTIONS = optionNames<NonNullable<FitOptions["earlyStopping"]>>({ monitor: true, patience: true, minDelta: true, restoreBestWeights: true });

/** A schedule function's rates are checked before training for this many epochs (the built-in schedules: all). */
export const SCHEDULE_CHECKED_AHEAD = 1000;

function count(value: unknown, name: string, fallback: number): number {
  const v = value ?? fallback;
  if (typeof v !== "number" || !Number.isInteger(v) || v < 1) throw new ConfigError(`${name} must be a positive integer, got ${show(value)}`);
  return v;
}

/** Checks every option (a ConfigError names the first bad one) and fills in the defaults. */
export function resolveFitOptions(options: FitOptions, state: TrainingState): FitPlan {
  if (typeof options !== "object" || options === null) throw new ConfigError("fit: options must be an object");
  checkKeys(options, FIT_OPTIONS, "fit options");
  const epochs = options.epochs === Infinity ? Infinity : count(options.epochs, "epochs", 10);
  if (state.epochs + epochs > MAX_EPOCHS_TRAINED && epochs !== Infinity) {
    throw new ConfigError(`epochs: ${show(epochs)} more would make ${state.epochs + epochs}, more than the ${MAX_EPOCHS_TRAINED} a network's life may count (a model file stores the count in 32 bits); use epochs: Infinity to train until a stop condition`);
  }
  const batchSize = count(options.batchSize, "batchSize", 32);
  const shuffle = options.shuffle ?? true;
  if (typeof shuffle !== "boolean") throw new ConfigError(`shuffle must be true or false, got ${show(options.shuffle)}`);
  // callbacks and the signal are checked now, not when first used after an epoch has trained
  // (a falsy callback, say verbose && log, is no callback)
  for (const name of ["onEpochEnd", "onBatchEnd"] as const) {
    if (options[name] && typeof options[name] !== "function") throw new ConfigError(`${name} must be a function, got ${show(options[name])}`);
  }
  const signal: unknown = options.signal;
  if (signal !== undefined && !(typeof signal === "object" && signal !== null && typeof (signal as AbortSignal).aborted === "boolean")) {
    throw new ConfigError(`signal must be an AbortSignal, got ${show(signal)}`);
  }
  const seed = options.seed ?? state.seed ?? 0;
  if (!Number.isInteger(seed)) throw new ConfigError(`seed must be an integer, got ${show(seed)}`);
  const lrAt = scheduleFunction(options.schedule);
  const clipNorm = options.clipNorm ?? 0;
  if (typeof clipNorm !== "number" || !(clipNorm >= 0) || !Number.isFinite(clipNorm)) throw new ConfigError(`clipNorm must be a positive number, got ${show(options.clipNorm)}`);
  const split = options.validationSplit;
  if (split !== undefined && !(typeof split === "number" && split > 0 && split < 1)) throw new ConfigError(`validationSplit must be in (0, 1), got ${show(split)}`);
  if (split !== undefined && options.validationData) throw new ConfigError("give validationSplit or validationData, not both");
  const classifier = accuracyMode(state.arch) !== MetricMode.none;
  const validationRows = options.validationRows ?? (classifier ? "stratified" : "shuffled");
  if (!VALIDATION_ROWS.includes(validationRows)) throw new ConfigError(`validationRows must be 'stratified', 'shuffled' or 'last', got ${show(options.validationRows)}`);
  if (options.validationRows !== undefined && split === undefined) throw new ConfigError("validationRows says which rows validationSplit holds out: give validationSplit too");
  if (validationRows === "stratified" && !classifier) throw new ConfigError("validationRows 'stratified' needs a classifier output (softmax, sigmoid, or several outputs); use 'shuffled'");
  if (options.validationData !== undefined) {
    if (typeof options.validationData !== "object" || options.validationData === null) throw new ConfigError("validationData must be { inputs, targets }");
    checkKeys(options.validationData, ["inputs", "targets"], "validationData");
  }
  const hasValidation = split !== undefined || options.validationData !== undefined;
  // (null and false are "off", as undefined is; any other value must be the rule's object)
  const early: unknown = options.earlyStopping;
  const earlyStopping = early === undefined || early === null || early === false ? undefined : stoppingRule(early as NonNullable<FitOptions["earlyStopping"]>, hasValidation);
  if (options.metrics !== undefined && !Array.isArray(options.metrics)) throw new ConfigError(`metrics must be an array such as ['accuracy'], got ${show(options.metrics)}`);
  const metrics: Metric[] = [...(options.metrics ?? [])];
  if (earlyStopping?.monitor.endsWith("ccuracy") && !metrics.includes("accuracy")) metrics.push("accuracy");
  const mode = metricMode(state.arch, metrics);
  const yieldEveryMs = options.yieldEveryMs ?? 10;
  if (typeof yieldEveryMs !== "number" || !(yieldEveryMs >= 0) || !Number.isFinite(yieldEveryMs)) throw new ConfigError(`yieldEveryMs must be a number ≥ 0, got ${show(options.yieldEveryMs)}`);
  if (options.optimizer instanceof Optimizer) state.checkOptimizer?.(options.optimizer);
  const optimizer = options.optimizer instanceof Optimizer ? options.optimizer : checkOptimizerConfig(options.optimizer ?? DEFAULT_OPTIMIZER);
  const baseLr = optimizer instanceof Optimizer ? optimizer.baseLr : optimizer.lr!;
  const learningRate = (epoch: number): number => {
    const lr = lrAt(epoch, baseLr);
    if (typeof lr !== "number" || !(lr > 0) || !Number.isFinite(lr)) {
      throw new ConfigError(`schedule: the learning rate of epoch ${epoch + 1} would be ${show(lr)}; it must stay a positive number (for cosine, set minLr > 0)`);
    }
    return lr;
  };
  // Before anything trains: the built-in schedules are monotone in the epoch, so when the first and
  // the last epoch's rates are good, so is every rate between (and when the last is bad, a binary
  // search finds the first bad epoch to name); a function is tried on its first epochs.
  const first = state.epochs, last = state.epochs + epochs - 1;
  if (typeof options.schedule === "function") {
    for (let e = first; e <= Math.min(last, first + SCHEDULE_CHECKED_AHEAD - 1); e++) learningRate(e);
  } else {
    learningRate(first);
    if (epochs !== Infinity) {
      const good = (e: number) => { const lr = lrAt(e, baseLr); return lr > 0 && Number.isFinite(lr); };
      let lo = first, hi = last; // good(lo); the first bad epoch, if any, is in (lo, hi]
      if (!good(hi)) {
        while (hi - lo > 1) { const mid = lo + Math.floor((hi - lo) / 2); if (good(mid)) lo = mid; else hi = mid; }
        learningRate(hi);
      }
    }
  }
  return {
    epochs, batchSize, shuffle, seed, learningRate, clipNorm, metricMode: mode, yieldEveryMs, optimizer, validationRows,
    ...(split === undefined ? {} : { validationSplit: split }),
    ...(options.validationData ? { validationData: options.validationData } : {}),
    ...(earlyStopping ? { earlyStopping } : {}),
  };
}

function stoppingRule(early: NonNullable<FitOptions["earlyStopping"]>, hasValidation: boolean): StoppingRule {
  if (typeof early !== "object" || early === null) throw new ConfigError("earlyStopping must be an object { monitor?, patience?, minDelta?, restoreBestWeights? }");
  checkKeys(early, EARLY_STOPPING_OPTIONS, "earlyStopping");
  const monitor: Monitor = early.monitor ?? (hasValidation ? "valLoss" : "loss");
  if (!MONITORS.includes(monitor)) throw new ConfigError(`earlyStopping.monitor must be 'loss', 'accuracy', 'valLoss' or 'valAccuracy', got ${show(monitor)}`);
  if (monitor.startsWith("val") && !hasValidation) throw new ConfigError(`earlyStopping.monitor '${monitor}' needs validationSplit or validationData`);
  const patience = count(early.patience, "earlyStopping.patience", 5);
  const minDelta = early.minDelta ?? 0;
  if (typeof minDelta !== "number" || !(minDelta >= 0)) throw new ConfigError(`earlyStopping.minDelta must be a number ≥ 0, got ${show(minDelta)}`);
  return { monitor, patience, minDelta, restoreBestWeights: early.restoreBestWeights ?? true };
}
