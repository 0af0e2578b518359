// trainInWorker(): fit() on a Web Worker, so the page never freezes (in Node, wasmlp/node's
// trainInWorker runs the same protocol over worker_threads). The data's buffers are transferred
// (not copied); per epoch only the metrics come back (and, on request, a snapshot of the
// parameters for live views).
import { BackendError, checkOptions, optionNames, WorkerError, type WasmlpErrorCode } from "../errors.js";
import { Network, type BackendOptions } from "../network.js";
import type { Optimizer } from "../optimizer.js";
import type { EpochLog, StopReason } from "../training/types.js";
import type { FromWorker, ToWorker, WorkerFitOptions } from "./protocol.js";

export type { WorkerFitOptions } from "./protocol.js";

export interface TrainInWorkerOptions extends WorkerFitOptions {
  /** Backend inside the worker (default 'auto'). */
  backend?: BackendOptions["backend"];
  /** Called on the page after every epoch; return false to stop. */
  onEpochEnd?: (log: EpochLog) => boolean | void;
  /** Called with every parameter (W¹ b¹ W² b² …) each `snapshotEvery` epochs. */
  onSnapshot?: (parameters: Float64Array, epoch: number) => void;
  snapshotEvery?: number;
  /** Continue from this optimizer's state (its network must be the one being trained). */
  optimizer?: WorkerFitOptions["optimizer"] | Optimizer;
  /** A worker to use instead of the bundled one (e.g. one your bundler built). */
  worker?: Worker;
}

/** What the protocol needs of a worker: a Web Worker has exactly this; Node's is adapted to it. */
export interface TrainingWorker {
  postMessage(message: ToWorker, transfer?: Transferable[]): void;
  onmessage: ((event: { data: FromWorker }) => void) | null;
  onerror: ((event: { message?: string }) => void) | null;
  terminate(): void;
}

export interface WorkerTraining {
  /** Resolves when training ends: the trained network (on this thread) and its history. */
  done: Promise<{ network: Network; optimizer: Optimizer; epochs: EpochLog[]; stopReason: StopReason; bestEpoch?: number; backend: string }>;
  /** Ask the worker to stop after the current group of batches; `done` still resolves. */
  stop(): void;
  /** Ends the worker at once; `done` rejects. */
  terminate(): void;
}

const TRAIN_IN_WORKER_OPTIONS = optionNames<TrainInWorkerOptions>({
  epochs: true, batchSize: true, shuffle: true, seed: true, validationSplit: true, validationRows: true, validationData: true, metrics: true,
  clipNorm: true, earlyStopping: true, yieldEveryMs: true, schedule: true,
  backend: true, onEpochEnd: true, onSnapshot: true, snapshotEvery: true, optimizer: true, worker: true,
});

/**
 * Trains `network` in a Web Worker. The network itself is not changed: the trained copy comes
 * back in `done`. `inputs` and `targets` are flat row-major Float64Arrays whose buffers are
 * transferred to the worker (pass copies if you still need them).
 */
export function trainInWorker(network: Network, inputs: Float64Array, targets: Float64Array, options: TrainInWorkerOptions = {}): WorkerTraining {
  return trainWith(() => {
    if (typeof Worker === "undefined") throw new BackendError("trainInWorker needs Web Workers here; in Node import it from 'wasmlp' or 'wasmlp/node', which run it on worker_threads");
    return new Worker(new URL("./worker.js", import.meta.url), { type: "module" }) as unknown as TrainingWorker;
  }, network, inputs, targets, options);
}

/** The protocol, with `spawn` making the worker when the options give none. */
export function trainWith(spawn: () => TrainingWorker, network: Network, inputs: Float64Array, targets: Float64Array, options: TrainInWorkerOptions = {}): WorkerTraining {
  checkOptions(options, TRAIN_IN_WORKER_OPTIONS, "trainInWorker options");
  const { backend = "auto", onEpochEnd, onSnapshot, snapshotEvery = 0, optimizer, worker: given, ...fitOptions } = options;
  const isOptimizer = typeof optimizer === "object" && optimizer !== null && "step" in optimizer;
  const checkpoint = isOptimizer ? network.toJSON({ optimizer: optimizer as Optimizer }) : network.toJSON();
  const worker = (given as unknown as TrainingWorker | undefined) ?? spawn();
  const start: ToWorker = {
    type: "start", model: checkpoint, inputs, targets, backend, snapshotEvery,
    options: { ...fitOptions, ...(optimizer !== undefined && !isOptimizer ? { optimizer } : {}) } as WorkerFitOptions,
  };
  const transfer: Transferable[] = [inputs.buffer as ArrayBuffer, targets.buffer as ArrayBuffer];
  if (fitOptions.validationData) transfer.push(fitOptions.validationData.inputs.buffer as ArrayBuffer, fitOptions.validationData.targets.buffer as ArrayBuffer);
  let rejectDone: (reason: unknown) => void = () => {};
  const done = new Promise<Awaited<WorkerTraining["done"]>>((resolve, reject) => {
    rejectDone = reject;
    worker.onmessage = (event) => {
      const message = event.data;
      if (message.type === "epoch") {
        if (onEpochEnd?.(message.log) === false) worker.postMessage({ type: "stop" } satisfies ToWorker);
      } else if (message.type === "snapshot") {
        onSnapshot?.(message.parameters, message.epoch);
      } else if (message.type === "done") {
        if (!given) worker.terminate();
        Network.loadCheckpoint(message.checkpoint, { backend }).then(({ network: trained, optimizer: trainedOptimizer }) => {
          resolve({
            network: trained, optimizer: trainedOptimizer, epochs: message.epochs, stopReason: message.stopReason, backend: message.backend,
            ...(message.bestEpoch === undefined ? {} : { bestEpoch: message.bestEpoch }),
          });
        }, reject);
      } else {
        if (!given) worker.terminate();
        reject(new WorkerError(message.code as WasmlpErrorCode | undefined, `${message.name}: ${message.message}`));
      }
    };
    worker.onerror = (event) => {
      if (!given) worker.terminate();
      reject(new BackendError(`the training worker failed to start or crashed: ${event.message ?? "unknown error"}`));
    };
  });
  try {
    worker.postMessage(start, transfer);
  } catch (e) { // e.g. inputs and targets sharing one buffer cannot both be transferred
    if (!given) worker.terminate();
    throw new BackendError(`could not send the data to the training worker: ${(e as Error).message} (pass arrays with separate buffers)`);
  }
  return {
    done,
    stop: () => worker.postMessage({ type: "stop" } satisfies ToWorker),
    terminate: () => { worker.terminate(); rejectDone(new BackendError("training worker terminated")); },
  };
}
