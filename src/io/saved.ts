// What a model or checkpoint file holds, independent of its encoding (JSON or binary).
import type { Architecture } from "../architecture.js";
import type { OptimizerConfig } from "../optimizerConfig.js";

/** The most epochs a network's life may count: the binary format stores the count in 32 bits. */
export const MAX_EPOCHS_TRAINED = 0xffffffff;

/** The largest optimizer step count a file may hold: beyond 2^53 counting by one is no longer exact. */
export const MAX_STEPS = 2 ** 53;

export interface SavedOptimizer {
  /** Settings, with lr the current rate (a schedule may have moved it). */
  config: OptimizerConfig;
  /** The rate schedules scale. */
  baseLr: number;
  step: number;
  /**
   * Adam's β1^t and β2^t as the kernels built them (running products), so a resumed run continues
   * bit for bit without replaying t multiplications. Absent in older files.
   */
  betaPowers?: [number, number];
  /** SGD momentum buffer or Adam first moment; then Adam second moment. Each parameterCount long. */
  state1: Float64Array;
  state2: Float64Array;
}

export interface SavedTraining {
  /** Epochs trained so far (schedules and shuffles continue from here). */
  epochs: number;
  /** The network's seed, which also seeds fit()'s shuffles by default. */
  seed?: number;
  optimizer?: SavedOptimizer;
}

export interface SavedNetwork {
  arch: Architecture;
  /** Every parameter in plan order: W¹ (row-major), b¹, W², b², … */
  params: Float64Array;
  training?: SavedTraining;
  /** The application's own JSON object (e.g. feature scaling and class names), kept verbatim. */
  metadata?: Record<string, unknown>;
}

export function parameterCount(arch: Architecture): number {
  let fanIn = arch.inputSize, count = 0;
  for (const layer of arch.layers) {
    count += layer.size * (fanIn + 1);
    fanIn = layer.size;
  }
  return count;
}
