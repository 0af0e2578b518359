// fit(): the whole mini-batch loop, run inside the backend. The data set is copied into the
// backend's memory once per call; an epoch's shuffle is a permutation of row indices written in
// place; one kernel call trains a whole epoch (or a group of batches, when a callback or the async
// form needs control back). Nothing is allocated per batch.
import { ConfigError, WasmlpError } from "../errors.js";
import { batchRows, copyBatch, type MatrixInput } from "../matrix.js";
import { align16 as align, TrainWord as T } from "../memoryPlan.js";
import { targetProblem } from "../loss.js";
import { checkOptimizerConfig, createOptimizer, Optimizer, type OptimizerConfig } from "../optimizer.js";
import { Random } from "../random.js";
import { scheduleFunction, type Schedule } from "./schedule.js";
import type { Engine, Network } from "../network.js";

export type Metric = "accuracy";
export type Monitor = "loss" | "accuracy" | "valLoss" | "valAccuracy";

export interface EarlyStopping {
  /** Default: 'valLoss' when there is validation data, else 'loss'. */
  monitor?: Monitor;
  /** Epochs without improvement before stopping (default 5). */
  patience?: number;
  /** Smallest change that counts as an improvement (default 0). */
  minDelta?: number;
  /** Put back the best epoch's weights when training ends (default true). */
  restoreBestWeights?: boolean;
}

export interface EpochLog {
  /** 1-based, counted over the network's life (a resumed run continues the count). */
  epoch: number;
  loss: number;
  accuracy?: number;
  valLoss?: number;
  valAccuracy?: number;
  /** Learning rate used in this epoch. */
  lr: number;
  seconds: number;
  /**
   * Training rows / seconds; NaN when the epoch was too short for the clock to see (browsers'
   * clocks are coarse, ≥ 0.1 ms): average rows over several epochs' seconds instead.
   */
  samplesPerSecond: number;
}

export interface BatchLog {
  epoch: number;
  /** 1-based within the epoch. */
  batch: number;
  batches: number;
  loss: number;
}

export interface FitOptions {
  epochs?: number;
  batchSize?: number;
  /** An optimizer of this network (its state carries on) or a configuration for a new one. Default { type: 'adam', lr: 0.001 }. */
  optimizer?: Optimizer | OptimizerConfig;
  /** Shuffle the rows every epoch (default true); the order depends only on `seed` and the epoch number. */
  shuffle?: boolean;
  /** Seed of the shuffles; default the network's seed (or 0). */
  seed?: number;
  /** Hold out the last fraction of the rows (before shuffling) for validation. */
  validationSplit?: number;
  validationData?: { inputs: MatrixInput; targets: MatrixInput };
  metrics?: readonly Metric[];
  /** Learning-rate schedule over epochs, scaling the optimizer's base rate. */
  schedule?: Schedule;
  /** Rescale each batch's whole gradient to at most this L2 norm. */
  clipNorm?: number;
  earlyStopping?: EarlyStopping;
  /** Return false to stop after this epoch. */
  onEpochEnd?: (log: EpochLog) => boolean | void;
  /** Called after every batch (which costs one call into the backend per batch); return false to stop. */
  onBatchEnd?: (log: BatchLog) => boolean | void;
  /** Abort training (checked between batch groups). */
  signal?: AbortSignal;
  /** fitAsync(): longest stretch of work between yields to the event loop (default 10 ms). */
  yieldEveryMs?: number;
}

export type StopReason = "completed" | "earlyStopping" | "callback" | "aborted";

export interface History {
  epochs: EpochLog[];
  stopReason: StopReason;
  /** The epoch early stopping judged best (when early stopping was on). */
  bestEpoch?: number;
  /** The optimizer that trained (pass it to the next fit() to continue with its state). */
  optimizer: Optimizer;
}

export interface Evaluation {
  loss: number;
  accuracy?: number;
}

/** A training run that produced a NaN or infinite loss or gradient. */
export class DivergenceError extends WasmlpError {
  constructor(message: string, readonly epoch: number, readonly batch: number | "validation", readonly history: History) {
    super("DIVERGED", message);
  }
}

const DEFAULT_OPTIMIZER: OptimizerConfig = { type: "adam", lr: 0.001 };
const STATUS_TEXT: Record<number, string> = { 1: "the loss is not finite", 2: "a gradient is not finite" };
const EVAL_CHUNK = 256;

interface DataSet {
  x: number;
  y: number;
  rows: number;
  /** First free byte after it. */
  end: number;
  /** max |x| over the inputs (over all of them when a validation split shares them: still a bound). */
  inputBound: number;
}

/** Validates and copies a data set into scratch memory at `at`; returns it and the next free byte. */
function placeData(engine: Engine, net: Network, inputs: MatrixInput, targets: MatrixInput, at: number, what: string): DataSet {
  const rows = batchRows(inputs, net.inputSize, `${what} inputs`);
  const targetRows = batchRows(targets, net.outputSize, `${what} targets`);
  if (targetRows !== rows) throw new ConfigError(`${what}: ${rows} input rows but ${targetRows} target rows`);
  const x = at, y = x + align(rows * net.inputSize * 8), end = y + align(rows * net.outputSize * 8);
  engine.reserve(end);
  const m = engine.backend.f64();
  const inputBound = copyBatch(inputs, net.inputSize, m, x >>> 3, `${what} inputs`);
  copyBatch(targets, net.outputSize, m, y >>> 3, `${what} targets`, (v) => targetProblem(net.loss, v));
  return { x, y, rows, end, inputBound };
}


/** How accuracy is counted for this network's output: 2 each output at 0.5 (sigmoid), 1 argmax, 0 not a classifier. */
export function accuracyMode(net: Network): number {
  const output = net.layers[net.layers.length - 1]!.activation;
  if (output === "sigmoid") return 2;
  if (output === "softmax" || net.outputSize > 1) return 1;
  return 0;
}

function metricMode(net: Network, metrics: readonly Metric[] | undefined): number {
  if (!metrics || metrics.length === 0) return 0;
  for (const m of metrics) if (m !== "accuracy") throw new ConfigError(`metrics: unknown metric ${JSON.stringify(m)}; expected 'accuracy'`);
  const mode = accuracyMode(net);
  if (mode !== 0) return mode;
  const output = net.layers[net.layers.length - 1]!.activation;
  throw new ConfigError(`metrics: 'accuracy' needs a classifier output (softmax, sigmoid, or several outputs), but the output is one '${output}' unit`);
}

function count(value: unknown, name: string, fallback: number): number {
  const v = value ?? fallback;
  if (typeof v !== "number" || !Number.isInteger(v) || v < 1) throw new ConfigError(`${name} must be a positive integer, got ${String(value)}`);
  return v;
}

/** Resets the loss/metric sums of the training block. */
function resetStats(m: Float64Array, tb: number): void {
  m[tb + T.lossSum] = 0; m[tb + T.correct] = 0; m[tb + T.seen] = 0; m[tb + T.status] = 0;
}

function readStats(m: Float64Array, tb: number, mode: number, outputs: number): { loss: number; accuracy?: number } {
  const seen = m[tb + T.seen]!;
  const loss = m[tb + T.lossSum]! / seen;
  if (mode === 0) return { loss };
  return { loss, accuracy: m[tb + T.correct]! / (mode === 2 ? seen * outputs : seen) };
}

export function evaluate(net: Network, engine: Engine, inputs: MatrixInput, targets: MatrixInput, metrics: readonly Metric[] = ["accuracy"]): Evaluation {
  const mode = metrics.length === 0 ? 0 : metricMode(net, metrics);
  engine.ensureCapacity(EVAL_CHUNK);
  const data = placeData(engine, net, inputs, targets, engine.scratchStart(), "evaluate");
  const m = engine.backend.f64(), tb = engine.plan.train >>> 3;
  const savedMetric = m[tb + T.metric]!;
  m[tb + T.metric] = mode;
  resetStats(m, tb);
  engine.backend.kernels.evaluateRows(engine.plan.net, data.x, data.y, 0, data.rows, Math.min(engine.plan.capacity, data.rows));
  const result = readStats(m, tb, mode, net.outputSize);
  m[tb + T.metric] = savedMetric;
  return result;
}

/** The training run as a generator: it yields whenever the host may take a breath (fitAsync). */
export function* trainLoop(net: Network, engine: Engine, inputs: MatrixInput, targets: MatrixInput, options: FitOptions, asynchronous: boolean): Generator<void, History> {
  if (typeof options !== "object" || options === null) throw new ConfigError("fit: options must be an object");
  // ——— everything is checked before anything changes ———
  const epochs = count(options.epochs, "epochs", 10);
  const batchSize = count(options.batchSize, "batchSize", 32);
  const shuffle = options.shuffle ?? true;
  const seed = options.seed ?? net.seed ?? 0;
  if (!Number.isInteger(seed)) throw new ConfigError(`seed must be an integer, got ${String(seed)}`);
  const lrAt = scheduleFunction(options.schedule);
  const clipNorm = options.clipNorm ?? 0;
  if (typeof clipNorm !== "number" || !(clipNorm >= 0) || !Number.isFinite(clipNorm)) throw new ConfigError(`clipNorm must be a positive number, got ${String(options.clipNorm)}`);
  const split = options.validationSplit;
  if (split !== undefined && !(typeof split === "number" && split > 0 && split < 1)) throw new ConfigError(`validationSplit must be in (0, 1), got ${String(split)}`);
  if (split !== undefined && options.validationData) throw new ConfigError("give validationSplit or validationData, not both");
  const early = options.earlyStopping;
  const hasValidation = split !== undefined || options.validationData !== undefined;
  const monitor: Monitor = early?.monitor ?? (hasValidation ? "valLoss" : "loss");
  if (early) {
    if (!["loss", "accuracy", "valLoss", "valAccuracy"].includes(monitor)) throw new ConfigError(`earlyStopping.monitor must be 'loss', 'accuracy', 'valLoss' or 'valAccuracy', got ${JSON.stringify(monitor)}`);
    if (monitor.startsWith("val") && !hasValidation) throw new ConfigError(`earlyStopping.monitor '${monitor}' needs validationSplit or validationData`);
  }
  const patience = early ? count(early.patience, "earlyStopping.patience", 5) : 0;
  const minDelta = early?.minDelta ?? 0;
  if (typeof minDelta !== "number" || !(minDelta >= 0)) throw new ConfigError(`earlyStopping.minDelta must be a number ≥ 0, got ${String(minDelta)}`);
  const restoreBest = early?.restoreBestWeights ?? true;
  const metrics = [...(options.metrics ?? [])];
  if (monitor.endsWith("ccuracy") && !metrics.includes("accuracy")) metrics.push("accuracy");
  const mode = metricMode(net, metrics);
  const yieldMs = options.yieldEveryMs ?? 10;
  if (typeof yieldMs !== "number" || !(yieldMs >= 0) || !Number.isFinite(yieldMs)) throw new ConfigError(`yieldEveryMs must be a number ≥ 0, got ${String(options.yieldEveryMs)}`);
  if (options.optimizer instanceof Optimizer) {
    if (options.optimizer.network !== net) throw new ConfigError("optimizer: this optimizer belongs to another network");
    engine.checkOwner(options.optimizer);
  }
  // Every epoch's learning rate, known (and checked) before anything changes.
  const baseLr = options.optimizer instanceof Optimizer ? options.optimizer.baseLr : checkOptimizerConfig(options.optimizer ?? DEFAULT_OPTIMIZER).lr!;
  const learningRates = Array.from({ length: epochs }, (_, e) => {
    const lr = lrAt(engine.epochs + e, baseLr);
    if (typeof lr !== "number" || !(lr > 0) || !Number.isFinite(lr)) {
      throw new ConfigError(`schedule: the learning rate of epoch ${engine.epochs + e + 1} would be ${String(lr)}; it must stay a positive number (for cosine, set minLr > 0)`);
    }
    return lr;
  });

  // ——— data into memory ———
  engine.ensureCapacity(Math.max(batchSize, EVAL_CHUNK));
  let train = placeData(engine, net, inputs, targets, engine.scratchStart(), "training");
  let validation: DataSet | undefined;
  if (split !== undefined) {
    const valRows = Math.ceil(train.rows * split);
    if (valRows >= train.rows) throw new ConfigError(`validationSplit ${split} leaves no training rows out of ${train.rows}`);
    const trainRows = train.rows - valRows;
    validation = {
      x: train.x + trainRows * net.inputSize * 8, y: train.y + trainRows * net.outputSize * 8, rows: valRows, end: train.end,
      inputBound: train.inputBound,
    };
    // The copy's bound covered the held-out rows too; one large validation input must not trip
    // the training batches' gradient check, so the bound is taken again over the training rows.
    const m = engine.backend.f64();
    let inputBound = 0;
    for (let i = train.x >>> 3, end = i + trainRows * net.inputSize; i < end; i++) {
      const magnitude = Math.abs(m[i]!);
      if (magnitude > inputBound) inputBound = magnitude;
    }
    train = { ...train, rows: trainRows, inputBound };
  } else if (options.validationData) {
    validation = placeData(engine, net, options.validationData.inputs, options.validationData.targets, train.end, "validation");
  }
  const { plan, backend } = engine;
  const P = plan.paramCount;
  const order = validation?.end ?? train.end;
  const best = align(order + train.rows * 4);
  const snapshot = best + P * 8; //    parameters, then both optimizer-state ranges
  engine.reserve(snapshot + 3 * P * 8 + 16);

  // ——— the optimizer (creating one resets the network's optimizer state) ———
  const optimizer = options.optimizer instanceof Optimizer ? options.optimizer : createOptimizer(net, options.optimizer ?? DEFAULT_OPTIMIZER);

  const stateWords = optimizer.stateRanges * P;
  engine.training = true; // from here on the memory layout must not move
  const m = backend.f64(), words = backend.i32(), tb = plan.train >>> 3;
  m[tb + T.metric] = mode;
  m[tb + T.clipNorm] = clipNorm;
  m[tb + T.inputBound] = train.inputBound;
  const history: History = { epochs: [], stopReason: "completed", optimizer };
  const batches = Math.ceil(train.rows / batchSize);
  let bestValue = Infinity, bestEpoch: number | undefined, waited = 0;
  const sign = monitor.endsWith("ccuracy") ? -1 : 1; // minimise sign·value
  let batchesPerCall = options.onBatchEnd || asynchronous ? 1 : batches;

  // Whether the parameters moved since the best epoch's were copied (restoreBestWeights).
  let changedSinceBest = false;
  try {
    training: for (let e = 0; e < epochs; e++) {
      const epoch = engine.epochs; // 0-based over the network's life
      const lr = learningRates[e]!;
      optimizer.lr = lr;
      const o = order >>> 2;
      for (let i = 0; i < train.rows; i++) words[o + i] = i;
      if (shuffle) {
        const random = new Random((seed ^ Math.imul(epoch + 1, 0x9e3779b1)) >>> 0);
        for (let i = train.rows - 1; i > 0; i--) {
          const j = Math.floor(random.next() * (i + 1));
          const t = words[o + i]!; words[o + i] = words[o + j]!; words[o + j] = t;
        }
      }
      // Snapshot for the rare step that overflows the parameters themselves (with the state ranges
      // the optimizer uses: state1 and state2 are contiguous).
      m.copyWithin(snapshot >>> 3, plan.params >>> 3, (plan.params >>> 3) + P);
      m.copyWithin((snapshot >>> 3) + P, plan.state1 >>> 3, (plan.state1 >>> 3) + stateWords);
      const snapshotStep = m[tb + T.step]!, snapshotBeta1 = m[tb + T.beta1Power]!, snapshotBeta2 = m[tb + T.beta2Power]!;

      resetStats(m, tb);
      const started = now();
      let done = 0;
      while (done < batches) {
        const group = Math.min(batchesPerCall, batches - done);
        const t0 = now();
        const first = done * batchSize, rows = Math.min(group * batchSize, train.rows - first);
        const completed = backend.kernels.trainBatches(plan.net, train.x, train.y, order, first, rows, batchSize);
        done += completed;
        if (completed > 0) changedSinceBest = true;
        const status = m[tb + T.status]!;
        if (status !== 0) {
          const paramsOk = backend.kernels.allFinite(plan.params, P) && backend.kernels.allFinite(plan.state1, 2 * P);
          if (!paramsOk) {
            m.copyWithin(plan.params >>> 3, snapshot >>> 3, (snapshot >>> 3) + P);
            m.copyWithin(plan.state1 >>> 3, (snapshot >>> 3) + P, (snapshot >>> 3) + P + stateWords);
            m[tb + T.step] = snapshotStep;
            m[tb + T.beta1Power] = snapshotBeta1;
            m[tb + T.beta2Power] = snapshotBeta2;
          }
          throw new DivergenceError(
            `training diverged in epoch ${epoch + 1}, batch ${done + 1} of ${batches}: ${STATUS_TEXT[status]} (batch loss ${m[tb + T.batchLoss]}). ` +
            `The network keeps ${paramsOk ? "the weights from before that batch" : `the weights from the start of epoch ${epoch + 1}`}. ` +
            `To recover: lower the learning rate (it was ${lr}), clip gradients (clipNorm), or standardise the inputs.`,
            epoch + 1, done + 1, history,
          );
        }
        if (options.onBatchEnd && options.onBatchEnd({ epoch: epoch + 1, batch: done, batches, loss: m[tb + T.batchLoss]! }) === false) {
          history.stopReason = "callback";
          break training;
        }
        if (options.signal?.aborted) { history.stopReason = "aborted"; break training; }
        if (asynchronous && !options.onBatchEnd) { // aim each call at about half the yield interval
          const perBatch = Math.max((now() - t0) / group, 1e-3);
          batchesPerCall = Math.max(1, Math.floor(yieldMs / 2 / perBatch));
        }
        yield;
      }
      const seconds = (now() - started) / 1000;
      const trained = readStats(m, tb, mode, net.outputSize);
      const log: EpochLog = { epoch: epoch + 1, loss: trained.loss, lr, seconds, samplesPerSecond: seconds > 0 ? train.rows / seconds : NaN };
      if (trained.accuracy !== undefined) log.accuracy = trained.accuracy;
      if (validation) {
        resetStats(m, tb);
        backend.kernels.evaluateRows(plan.net, validation.x, validation.y, 0, validation.rows, Math.min(plan.capacity, validation.rows));
        const v = readStats(m, tb, mode, net.outputSize);
        if (!Number.isFinite(v.loss)) {
          throw new DivergenceError(
            `training diverged in epoch ${epoch + 1}: the validation loss is not finite. The network keeps the weights of the end of that epoch. ` +
            `To recover: lower the learning rate (it was ${lr}), clip gradients (clipNorm), or standardise the inputs.`,
            epoch + 1, "validation", history,
          );
        }
        log.valLoss = v.loss;
        if (v.accuracy !== undefined) log.valAccuracy = v.accuracy;
      }
      engine.epochs = epoch + 1;
      history.epochs.push(log);

      let stop = false;
      if (early) {
        const value = sign * log[monitor]!;
        if (value < bestValue - minDelta) {
          bestValue = value; bestEpoch = log.epoch; waited = 0;
          if (restoreBest) m.copyWithin(best >>> 3, plan.params >>> 3, (plan.params >>> 3) + P);
          changedSinceBest = false;
        } else if (++waited >= patience) {
          history.stopReason = "earlyStopping";
          stop = true;
        }
        history.bestEpoch = bestEpoch;
      }
      if (options.onEpochEnd && options.onEpochEnd(log) === false) { history.stopReason = "callback"; stop = true; }
      if (options.signal?.aborted) { history.stopReason = "aborted"; stop = true; }
      if (stop) break;
      yield;
    }
    if (early && restoreBest && bestEpoch !== undefined && changedSinceBest) {
      m.copyWithin(plan.params >>> 3, best >>> 3, (best >>> 3) + P);
    }
    return history;
  } finally {
    m[tb + T.clipNorm] = 0;
    m[tb + T.metric] = 0;
    m[tb + T.inputBound] = 0;
  }
}

const now = () => (typeof performance !== "undefined" ? performance.now() : Date.now());

export function runSync(loop: Generator<void, History>): History {
  for (;;) {
    const r = loop.next();
    if (r.done) return r.value;
  }
}

/** Yields to the event loop without the 4 ms clamp of nested setTimeout. */
function macrotask(): Promise<void> {
  if (typeof setImmediate === "function") return new Promise((resolve) => setImmediate(resolve));
  if (typeof MessageChannel === "function") {
    return new Promise((resolve) => {
      const channel = new MessageChannel();
      channel.port1.onmessage = () => { channel.port1.close(); resolve(); };
      channel.port2.postMessage(null);
    });
  }
  return new Promise((resolve) => setTimeout(resolve, 0));
}

export async function runAsync(loop: Generator<void, History>, yieldEveryMs = 10): Promise<History> {
  let last = now();
  for (;;) {
    const r = loop.next();
    if (r.done) return r.value;
    if (now() - last >= yieldEveryMs) {
      await macrotask();
      last = now();
    }
  }
}

