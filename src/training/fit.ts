// fit(): the whole mini-batch loop, run inside the backend. The data set is copied into the
// backend's memory once per call; an epoch's shuffle is a permutation of row indices written in
// place; one kernel call trains a whole epoch (or a group of batches, when a callback or the async
// form needs control back). Nothing is allocated per batch. The parts: options.ts decides
// everything first, data.ts places the data, epoch.ts runs an epoch, earlyStopping.ts judges it,
// snapshots.ts keeps the weights to go back to.
import { MetricMode } from "../abi.js";
import type { Engine } from "../engine.js";
import { ConfigError } from "../errors.js";
import type { MatrixInput } from "../matrix.js";
import { MAX_EPOCHS_TRAINED } from "../io/saved.js";
import { planFitScratch } from "../memoryPlan.js";
import { Optimizer } from "../optimizer.js";
import type { OptimizerConfig } from "../optimizerConfig.js";
import { checkShapes, EVAL_CHUNK, placeData, splitData, type DataSet } from "./data.js";
import { EarlyStopper } from "./earlyStopping.js";
import { EpochRunner } from "./epoch.js";
import { resolveFitOptions, type FitPlan } from "./options.js";
import { BestWeights, EpochRollback } from "./snapshots.js";
import type { FitOptions, History } from "./types.js";

/**
 * The training run as a generator: it yields whenever the host may take a breath (fitAsync).
 * `newOptimizer` makes the optimizer a configuration asks for (the façade knows its network).
 */
export function* trainLoop(
  engine: Engine, inputs: MatrixInput, targets: MatrixInput, options: FitOptions, asynchronous: boolean,
  newOptimizer: (config: OptimizerConfig) => Optimizer,
): Generator<void, History> {
  // ——— everything is checked before anything changes ———
  const plan = resolveFitOptions(options, {
    arch: engine.arch, epochs: engine.epochs, seed: engine.seed,
    checkOptimizer: (optimizer) => {
      if (optimizer.engine !== engine) throw new ConfigError("optimizer: this optimizer belongs to another network");
      engine.checkOwner(optimizer);
    },
  });

  // ——— data into memory, then the optimizer (creating one resets the network's optimizer state) ———
  const { train, validation } = placeFitData(engine, inputs, targets, plan);
  const scratch = planFitScratch(validation?.end ?? train.end, train.rows, engine.plan.paramCount);
  engine.reserve(scratch.end);
  const optimizer = plan.optimizer instanceof Optimizer ? plan.optimizer : newOptimizer(plan.optimizer);

  // An already-aborted signal trains nothing (the weights stay as they are).
  if (options.signal?.aborted) return { epochs: [], stopReason: "aborted", optimizer };

  engine.training = true; // from here on the memory layout must not move
  const { block } = engine;
  block.set({ metric: plan.metricMode, clipNorm: plan.clipNorm, inputBound: train.inputBound });
  const history: History = { epochs: [], stopReason: "completed", optimizer };
  const runner = new EpochRunner(engine, plan, train, validation, scratch.order,
    new EpochRollback(engine, scratch.snapshot, optimizer.stateRanges * engine.plan.paramCount), options, asynchronous);
  const stopper = plan.earlyStopping && new EarlyStopper(plan.earlyStopping);
  const best = plan.earlyStopping?.restoreBestWeights ? new BestWeights(engine, scratch.best) : undefined;
  let changedSinceBest = false; // whether the parameters moved since the best epoch's were kept
  try {
    // epochs: Infinity ends on a stop condition, or when the life count reaches what a file can hold
    for (let e = 0; e < plan.epochs && engine.epochs < MAX_EPOCHS_TRAINED; e++) {
      const epoch = engine.epochs; // 0-based over the network's life
      const lr = e === 0 ? plan.learningRate(epoch) : laterRate(plan, epoch);
      optimizer.lr = lr;
      const result = yield* runner.run(epoch, lr, history);
      if (result.batches > 0) changedSinceBest = true;
      if (result.stopped) { history.stopReason = result.stopped; break; }
      const { log } = result;
      engine.epochs = epoch + 1;
      history.epochs.push(log);
      // a long run (epochs: Infinity) keeps the last MAX_HISTORY_EPOCHS logs: memory stays bounded,
      // trimmed once per MAX_HISTORY_EPOCHS epochs so that the cost per epoch stays constant
      if (history.epochs.length >= 2 * MAX_HISTORY_EPOCHS) history.epochs.splice(0, MAX_HISTORY_EPOCHS);

      let stop = false;
      if (stopper) {
        const verdict = stopper.judge(log);
        if (verdict === "improved") {
          best?.keep();
          changedSinceBest = false;
        } else if (verdict === "stop") {
          history.stopReason = "earlyStopping";
          stop = true;
        }
        history.bestEpoch = stopper.bestEpoch;
      }
      if (options.onEpochEnd && options.onEpochEnd(log) === false) { history.stopReason = "callback"; stop = true; }
      if (options.signal?.aborted) { history.stopReason = "aborted"; stop = true; }
      if (stop) break;
      yield;
    }
    if (best && stopper?.bestEpoch !== undefined && changedSinceBest) best.restore();
    return history;
  } finally {
    // (also for the history a DivergenceError carries)
    if (history.epochs.length > MAX_HISTORY_EPOCHS) history.epochs.splice(0, history.epochs.length - MAX_HISTORY_EPOCHS);
    // (a network disposed by a callback has no memory left to tidy)
    if (!engine.disposed) block.set({ clipNorm: 0, metric: MetricMode.none, inputBound: 0 });
  }
}

/** history.epochs holds the logs of at most this many epochs, the last ones (onEpochEnd sees every one). */
export const MAX_HISTORY_EPOCHS = 100_000;

/** The rate of an epoch after the first, checked as it begins: a bad one stops the run, keeping what trained. */
function laterRate(plan: FitPlan, epoch: number): number {
  try {
    return plan.learningRate(epoch);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    throw new ConfigError(`${error.message}. Training stopped before that epoch; the network keeps its weights after epoch ${epoch}`);
  }
}

/** The training rows, and the validation rows (split off their tail, or placed after them). */
function placeFitData(engine: Engine, inputs: MatrixInput, targets: MatrixInput, plan: FitPlan): { train: DataSet; validation?: DataSet } {
  checkShapes(engine, inputs, targets, "training"); // before the workspaces may move
  if (plan.validationData) checkShapes(engine, plan.validationData.inputs, plan.validationData.targets, "validation");
  engine.forgetBatch(); // the workspaces are about to hold other rows
  engine.ensureCapacity(Math.max(plan.batchSize, EVAL_CHUNK));
  const train = placeData(engine, inputs, targets, engine.scratchStart(), "training");
  if (plan.validationSplit !== undefined) return splitData(engine, train, plan.validationSplit, plan.validationRows, plan.seed);
  if (plan.validationData) {
    return { train, validation: placeData(engine, plan.validationData.inputs, plan.validationData.targets, train.end, "validation") };
  }
  return { train };
}
