// The training block: TRAIN_WORDS f64 words in the backend's memory where the host writes the
// optimizer's and fit()'s settings and the kernels write statuses and metric sums (abi.ts
// TrainWord). This accessor is the only host code that indexes it: every word is a named property.
import { MetricMode, Status, TrainWord, type MetricModeId, type TrainWordName } from "./abi.js";

export interface TrainingBlock extends Record<TrainWordName, number> {}

export class TrainingBlock {
  /**
   * @param memory the backend's f64 view, fetched on every access (growing memory replaces it)
   * @param at byte offset of the block
   */
  constructor(readonly memory: () => Float64Array, readonly at: number) {}

  /** Writes several settings at once. */
  set(settings: Partial<Record<TrainWordName, number>>): void {
    const m = this.memory(), at = this.at >>> 3;
    for (const [name, value] of Object.entries(settings)) m[at + TrainWord[name as TrainWordName]] = value;
  }

  /** Clears the loss and metric sums and the status before a pass over data. */
  resetSums(): void {
    this.set({ lossSum: 0, correct: 0, seen: 0, status: Status.ok });
  }

  /** Mean loss since resetSums(), and accuracy when `mode` counts it (per output for threshold). */
  means(mode: MetricModeId, outputs: number): { loss: number; accuracy?: number } {
    const seen = this.seen, loss = this.lossSum / seen;
    if (mode === MetricMode.none) return { loss };
    return { loss, accuracy: this.correct / (mode === MetricMode.threshold ? seen * outputs : seen) };
  }
}

for (const [name, word] of Object.entries(TrainWord)) {
  Object.defineProperty(TrainingBlock.prototype, name, {
    get(this: TrainingBlock) { return this.memory()[(this.at >>> 3) + word]!; },
    set(this: TrainingBlock, value: number) { this.memory()[(this.at >>> 3) + word] = value; },
  });
}
