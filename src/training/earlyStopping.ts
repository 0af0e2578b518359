// Early stopping: after each epoch, did the monitored value improve by more than minDelta, and has
// patience run out?
import type { StoppingRule } from "./options.js";
import type { EpochLog } from "./types.js";

export type Verdict = "improved" | "wait" | "stop";

export class EarlyStopper {
  /** The epoch judged best so far. */
  bestEpoch: number | undefined;
  private best = Infinity;
  private waited = 0;
  /** Minimise sign·value: losses fall, accuracies rise. */
  private readonly sign: number;

  constructor(readonly rule: StoppingRule) {
    this.sign = rule.monitor.endsWith("ccuracy") ? -1 : 1;
  }

  judge(log: EpochLog): Verdict {
    const value = this.sign * log[this.rule.monitor]!;
    if (value < this.best - this.rule.minDelta) {
      this.best = value;
      this.bestEpoch = log.epoch;
      this.waited = 0;
      return "improved";
    }
    return ++this.waited >= this.rule.patience ? "stop" : "wait";
  }
}
