// fit()'s options, checked and resolved before anything changes: a pure function of the options,
// the architecture and where training stands (epochs so far, the network's seed).
import { MetricMode, type MetricModeId } from "../abi.js";
import type { Architecture } from "../architecture.js";
import { checkKeys, ConfigError, optionNames, show } from "../errors.js";
import type { MatrixInput } from "../matrix.js";
import { Optimizer } from "../optimizer.js";
import { checkOptimizerConfig, type OptimizerConfig } from "../optimizerConfig.js";
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
  epochs: number;
  batchSize: number;
  shuffle: boolean;
  seed: number;
  /** The rate of every epoch of this run, from the schedule (each checked positive and finite). */
  learningRates: number[];
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

function count(value: unknown, name: string, fallback: number): number {
  const v = value ?? fallback;
  if (typeof v !== "number" || !Number.isInteger(v) || v < 1) throw new ConfigError(`${name} must be a positive integer, got ${show(value)}`);
  return v;
}

/** Checks every option (a ConfigError names the first bad one) and fills in the defaults. */
export function resolveFitOptions(options: FitOptions, state: TrainingState): FitPlan {
  if (typeof options !== "object" || options === null) throw new ConfigError("fit: options must be an object");
  checkKeys(options, FIT_OPTIONS, "fit options");
  const epochs = count(options.epochs, "epochs", 10);
  const batchSize = count(options.batchSize, "batchSize", 32);
  const shuffle = options.shuffle ?? true;
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
  const earlyStopping = options.earlyStopping && stoppingRule(options.earlyStopping, hasValidation);
  const metrics: Metric[] = [...(options.metrics ?? [])];
  if (earlyStopping?.monitor.endsWith("ccuracy") && !metrics.includes("accuracy")) metrics.push("accuracy");
  const mode = metricMode(state.arch, metrics);
  const yieldEveryMs = options.yieldEveryMs ?? 10;
  if (typeof yieldEveryMs !== "number" || !(yieldEveryMs >= 0) || !Number.isFinite(yieldEveryMs)) throw new ConfigError(`yieldEveryMs must be a number ≥ 0, got ${show(options.yieldEveryMs)}`);
  if (options.optimizer instanceof Optimizer) state.checkOptimizer?.(options.optimizer);
  const optimizer = options.optimizer instanceof Optimizer ? options.optimizer : checkOptimizerConfig(options.optimizer ?? DEFAULT_OPTIMIZER);
  const baseLr = optimizer instanceof Optimizer ? optimizer.baseLr : optimizer.lr!;
  const learningRates = Array.from({ length: epochs }, (_, e) => {
    const lr = lrAt(state.epochs + e, baseLr);
    if (typeof lr !== "number" || !(lr > 0) || !Number.isFinite(lr)) {
      throw new ConfigError(`schedule: the learning rate of epoch ${state.epochs + e + 1} would be ${show(lr)}; it must stay a positive number (for cosine, set minLr > 0)`);
    }
    return lr;
  });
  return {
    epochs, batchSize, shuffle, seed, learningRates, clipNorm, metricMode: mode, yieldEveryMs, optimizer, validationRows,
    ...(split === undefined ? {} : { validationSplit: split }),
    ...(options.validationData ? { validationData: options.validationData } : {}),
    ...(earlyStopping ? { earlyStopping } : {}),
  };
}

function stoppingRule(early: NonNullable<FitOptions["earlyStopping"]>, hasValidation: boolean): StoppingRule {
  if (typeof early !== "object") throw new ConfigError("earlyStopping must be an object { monitor?, patience?, minDelta?, restoreBestWeights? }");
  checkKeys(early, EARLY_STOPPING_OPTIONS, "earlyStopping");
  const monitor: Monitor = early.monitor ?? (hasValidation ? "valLoss" : "loss");
  if (!MONITORS.includes(monitor)) throw new ConfigError(`earlyStopping.monitor must be 'loss', 'accuracy', 'valLoss' or 'valAccuracy', got ${show(monitor)}`);
  if (monitor.startsWith("val") && !hasValidation) throw new ConfigError(`earlyStopping.monitor '${monitor}' needs validationSplit or validationData`);
  const patience = count(early.patience, "earlyStopping.patience", 5);
  const minDelta = early.minDelta ?? 0;
  if (typeof minDelta !== "number" || !(minDelta >= 0)) throw new ConfigError(`earlyStopping.minDelta must be a number ≥ 0, got ${show(minDelta)}`);
  return { monitor, patience, minDelta, restoreBestWeights: early.restoreBestWeights ?? true };
}
