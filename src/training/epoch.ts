// One epoch of fit(): the seeded shuffle of the row order, the training kernel called over groups
// of batches (all of them at once unless a callback or fitAsync needs control back), divergence
// caught before the bad update, then the validation pass.
import { Status } from "../abi.js";
import type { Engine } from "../engine.js";
import { DivergenceError, WorkerError } from "../errors.js";
import { Random } from "../random.js";
import { measure, type DataSet } from "./data.js";
import type { FitPlan } from "./options.js";
import { now } from "./run.js";
import type { EpochRollback } from "./snapshots.js";
import type { EpochLog, FitOptions, History, StopReason } from "./types.js";

const STATUS_TEXT: Record<number, string> = { [Status.badLoss]: "the loss is not finite", [Status.badGradient]: "a gradient is not finite" };

/**
 * A finished epoch's log, or why the run stopped inside the epoch (a batch callback or the abort
 * signal): then the epoch is not logged or counted. `batches`: how many updated the parameters.
 */
export type EpochResult = { log: EpochLog; batches: number; stopped?: undefined } | { stopped: StopReason; batches: number; log?: undefined };

export class EpochRunner {
  private readonly batches: number;
  /** Batches per kernel call: all of them, unless someone needs control back in between. */
  private batchesPerCall: number;

  constructor(
    private readonly engine: Engine,
    private readonly plan: FitPlan,
    private readonly train: DataSet,
    private readonly validation: DataSet | undefined,
    /** Byte offset of the row order (train.rows i32). */
    private readonly order: number,
    private readonly rollback: EpochRollback,
    private readonly callbacks: Pick<FitOptions, "onBatchEnd" | "signal">,
    private readonly asynchronous: boolean,
  ) {
    this.batches = Math.ceil(train.rows / plan.batchSize);
    this.batchesPerCall = callbacks.onBatchEnd || asynchronous ? 1 : this.batches;
  }

  /** Trains epoch `epoch` (0-based over the network's life) at rate `lr`; yields between kernel calls. */
  *run(epoch: number, lr: number, history: History): Generator<void, EpochResult> {
    const { engine, plan, train, batches } = this;
    const { block } = engine;
    this.writeOrder(epoch);
    this.rollback.take();
    block.resetSums();
    const started = now();
    let done = 0;
    while (done < batches) {
      const group = Math.min(this.batchesPerCall, batches - done);
      const t0 = now();
      const first = done * plan.batchSize, rows = Math.min(group * plan.batchSize, train.rows - first);
      try {
        done += engine.backend.kernels.trainBatches(engine.plan.net, train.x, train.y, this.order, first, rows, plan.batchSize);
      } catch (error) {
        // A thread that failed (or a trap) may have left a batch half-applied: back to the epoch's start.
        this.rollback.restore();
        if (error instanceof WorkerError) throw new WorkerError(error.code, `${error.message}. The network keeps the weights from the start of epoch ${epoch + 1}`);
        throw error;
      }
      // The kernels stop before a bad gradient; an update that overflows the weights is caught here.
      if (block.status !== Status.ok || !this.parametersFinite()) throw this.diverged(epoch, done, lr, history);
      const { onBatchEnd } = this.callbacks;
      if (onBatchEnd && onBatchEnd({ epoch: epoch + 1, batch: done, batches, loss: block.batchLoss }) === false) return { stopped: "callback", batches: done };
      if (this.callbacks.signal?.aborted) return { stopped: "aborted", batches: done };
      if (this.asynchronous && !this.callbacks.onBatchEnd) { // aim each call at about half the yield interval
        const perBatch = Math.max((now() - t0) / group, 1e-3);
        this.batchesPerCall = Math.max(1, Math.floor(plan.yieldEveryMs / 2 / perBatch));
      }
      yield;
    }
    const seconds = (now() - started) / 1000;
    const trained = block.means(plan.metricMode, engine.outputSize);
    const log: EpochLog = { epoch: epoch + 1, loss: trained.loss, lr, seconds, samplesPerSecond: seconds > 0 ? train.rows / seconds : NaN };
    if (trained.accuracy !== undefined) log.accuracy = trained.accuracy;
    if (this.validation) this.validate(log, history);
    return { log, batches: done };
  }

  /** The rows 0..n−1, shuffled by a generator seeded with the run's seed and the epoch number. */
  private writeOrder(epoch: number): void {
    const words = this.engine.backend.i32(), o = this.order >>> 2, n = this.train.rows;
    for (let i = 0; i < n; i++) words[o + i] = i;
    if (!this.plan.shuffle) return;
    const random = new Random((this.plan.seed ^ Math.imul(epoch + 1, 0x9e3779b1)) >>> 0);
    for (let i = n - 1; i > 0; i--) {
      const j = Math.floor(random.next() * (i + 1));
      const t = words[o + i]!; words[o + i] = words[o + j]!; words[o + j] = t;
    }
  }

  /** Parameters and optimizer state all finite. */
  private parametersFinite(): boolean {
    const { plan } = this.engine, kernels = this.engine.backend.kernels;
    return kernels.allFinite(plan.params, plan.paramCount) && kernels.allFinite(plan.state1, 2 * plan.paramCount);
  }

  /** The error for a batch the kernel refused or an update that overflowed; puts back the epoch's start if the parameters themselves broke. */
  private diverged(epoch: number, done: number, lr: number, history: History): DivergenceError {
    const { block } = this.engine;
    const status = block.status;
    const paramsOk = this.parametersFinite();
    if (!paramsOk) this.rollback.restore();
    const what = status === Status.ok ? "an update made a parameter infinite" : `${STATUS_TEXT[status]} (batch loss ${block.batchLoss})`;
    // status ok: the overflowing batch was counted as done; it is the last one of the group
    const batch = status === Status.ok ? done : done + 1;
    return new DivergenceError(
      `training diverged in epoch ${epoch + 1}, batch ${batch} of ${this.batches}: ${what}. ` +
      `The network keeps ${paramsOk ? "the weights from before that batch" : `the weights from the start of epoch ${epoch + 1}`}. ` +
      `To recover: lower the learning rate (it was ${lr}), clip gradients (clipNorm), or standardise the inputs.`,
      epoch + 1, batch, history,
    );
  }

  private validate(log: EpochLog, history: History): void {
    const v = measure(this.engine, this.validation!, this.plan.metricMode);
    if (!Number.isFinite(v.loss)) {
      throw new DivergenceError(
        `training diverged in epoch ${log.epoch}: the validation loss is not finite. The network keeps the weights of the end of that epoch. ` +
        `To recover: lower the learning rate (it was ${log.lr}), clip gradients (clipNorm), or standardise the inputs.`,
        log.epoch, "validation", history,
      );
    }
    log.valLoss = v.loss;
    if (v.accuracy !== undefined) log.valAccuracy = v.accuracy;
  }
}
