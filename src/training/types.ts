// The shapes of a training run: its options, what each epoch and batch reports, and what it returns.
import type { MatrixInput } from "../matrix.js";
import type { Optimizer } from "../optimizer.js";
import type { OptimizerChoice } from "../optimizerConfig.js";
import type { Schedule } from "./schedule.js";

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
  /**
   * An optimizer of this network (its state carries on), or a configuration for a new one, or just
   * 'adam' / 'sgd' for their defaults. Default { type: 'adam', lr: 0.001 }.
   */
  optimizer?: Optimizer | OptimizerChoice;
  /** Shuffle the rows every epoch (default true); the order depends only on `seed` and the epoch number. */
  shuffle?: boolean;
  /** Seed of the shuffles; default the network's seed (or 0). */
  seed?: number;
  /** Hold out this fraction of the rows for validation (which rows: `validationRows`). */
  validationSplit?: number;
  /**
   * Which rows validationSplit holds out: 'stratified' (default for classifiers: a seeded random
   * sample of each class in proportion), 'shuffled' (default otherwise: a seeded random sample) or
   * 'last' (the last rows, as Keras does). The sample depends only on `seed`.
   */
  validationRows?: "stratified" | "shuffled" | "last";
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
  /** The logs of the run's epochs: of the last 100,000 (MAX_HISTORY_EPOCHS), in a longer run. */
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
