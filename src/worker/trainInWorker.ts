// trainInWorker(): fit() on a Web Worker, so the page never freezes (in Node, wasmlp/node's
// trainInWorker runs the same protocol over worker_threads). The data's buffers are transferred
// (not copied); per epoch only the metrics come back (and, on request, a snapshot of the
// parameters for live views).
import { BackendError, CallbackError, checkOptions, clip, ConfigError, optionNames, ShapeError, show, WorkerError, type WasmlpErrorCode } from "../errors.js";
import { Network, type BackendOptions } from "../network.js";
import { Optimizer } from "../optimizer.js";
import { checkThreads, type ThreadsOption } from "../backend/index.js";
import { resolveFitOptions } from "../training/options.js";
import { batchRows } from "../matrix.js";
import type { EpochLog, StopReason } from "../training/types.js";
import type { FromWorker, ToWorker, WorkerFitOptions } from "./protocol.js";

export type { WorkerFitOptions } from "./protocol.js";

export interface TrainInWorkerOptions extends WorkerFitOptions {
  /** Backend inside the worker (default 'auto'). */
  backend?: BackendOptions["backend"];
  /**
   * Threads the worker's network trains on (default 1; see Network.create's `threads`): the worker
   * starts its own team. The same bits for every count; `done` says how many ran, and why not more.
   */
  threads?: ThreadsOption;
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
  done: Promise<{
    network: Network; optimizer: Optimizer; epochs: EpochLog[]; stopReason: StopReason; bestEpoch?: number; backend: string;
    /** Threads the worker trained on, and why fewer than asked (as Network's threads and threadsReason). */
    threads: number; threadsReason?: string;
  }>;
  /** Ask the worker to stop after the current group of batches; `done` still resolves. */
  stop(): void;
  /** Ends the worker at once; `done` rejects. */
  terminate(): void;
}

const TRAIN_IN_WORKER_OPTIONS = optionNames<TrainInWorkerOptions>({
  epochs: true, batchSize: true, shuffle: true, seed: true, validationSplit: true, validationRows: true, validationData: true, metrics: true,
  clipNorm: true, earlyStopping: true, yieldEveryMs: true, schedule: true,
  backend: true, threads: true, onEpochEnd: true, onSnapshot: true, snapshotEvery: true, optimizer: true, worker: true,
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
  // ——— everything is checked on the page, before a worker starts ———
  checkOptions(options, TRAIN_IN_WORKER_OPTIONS, "trainInWorker options");
  if (!(network instanceof Network)) throw new ConfigError(`trainInWorker: the first argument must be a Network, got ${show(network)}`);
  const { backend = "auto", threads: threadsOption, onEpochEnd, onSnapshot, snapshotEvery = 0, optimizer, worker: given, ...fitOptions } = options;
  const threads = checkThreads(threadsOption, "trainInWorker options");
  for (const [name, callback] of [["onEpochEnd", onEpochEnd], ["onSnapshot", onSnapshot]] as const) {
    if (callback && typeof callback !== "function") throw new ConfigError(`trainInWorker options: ${name} must be a function, got ${show(callback)}`);
  }
  // a falsy callback (say, verbose && log) is no callback, as in fit()
  const epochCallback = typeof onEpochEnd === "function" ? onEpochEnd : undefined, snapshotCallback = typeof onSnapshot === "function" ? onSnapshot : undefined;
  if (!(Number.isInteger(snapshotEvery) && snapshotEvery >= 0)) throw new ConfigError(`trainInWorker options: snapshotEvery must be a whole number ≥ 0, got ${show(snapshotEvery)}`);
  const isOptimizer = optimizer instanceof Optimizer;
  const workerOptions = { ...fitOptions, ...(optimizer !== undefined && !isOptimizer ? { optimizer } : {}) } as WorkerFitOptions;
  const transfer = transferList(inputs, targets, fitOptions.validationData);
  checkRows(network, inputs, targets, "training");
  if (fitOptions.validationData) checkRows(network, fitOptions.validationData.inputs, fitOptions.validationData.targets, "validation");
  refuseUncloneable(workerOptions);
  // the worker's fit() would refuse the same options, but only after it started
  resolveFitOptions(isOptimizer ? { ...workerOptions, optimizer: { ...optimizer.toConfig(), lr: optimizer.baseLr } } : workerOptions, { arch: { inputSize: network.inputSize, layers: network.layers.map((l) => ({ ...l })), loss: network.loss }, epochs: network.epochsTrained, seed: network.seed });
  const checkpoint = isOptimizer ? network.toJSON({ optimizer }) : network.toJSON();
  const worker = (given as unknown as TrainingWorker | undefined) ?? spawn();
  const start: ToWorker = { type: "start", model: checkpoint, inputs, targets, backend, threads, snapshotEvery, options: workerOptions };

  let settled = false;
  let rejectDone: (reason: unknown) => void = () => {};
  const end = () => {
    settled = true;
    if (given) worker.postMessage({ type: "stop" } satisfies ToWorker); // the caller's worker is the caller's to end
    else worker.terminate();
  };
  const done = new Promise<Awaited<WorkerTraining["done"]>>((resolve, reject) => {
    rejectDone = reject;
    /** A page callback: what it throws ends the training and fails `done` (it must never surface as an uncaught page error). */
    const call = (name: string, f: () => void): void => {
      try {
        f();
      } catch (error) {
        end();
        reject(new CallbackError(`trainInWorker: ${name} threw ${error instanceof Error ? `${error.name}: ${clip(error.message, 200)}` : show(error)}; training was stopped (the network is unchanged)`, error));
      }
    };
    worker.onmessage = (event) => {
      if (settled) return;
      const message = event.data;
      if (message.type === "epoch") {
        call(`onEpochEnd (epoch ${message.log.epoch})`, () => {
          if (epochCallback?.(message.log) === false) worker.postMessage({ type: "stop" } satisfies ToWorker);
        });
      } else if (message.type === "snapshot") {
        call(`onSnapshot (epoch ${message.epoch})`, () => snapshotCallback?.(message.parameters, message.epoch));
      } else if (message.type === "done") {
        settled = true;
        if (!given) worker.terminate();
        Network.loadCheckpoint(message.checkpoint, { backend }).then(({ network: trained, optimizer: trainedOptimizer }) => {
          resolve({
            network: trained, optimizer: trainedOptimizer, epochs: message.epochs, stopReason: message.stopReason, backend: message.backend,
            threads: message.threads, ...(message.threadsReason === undefined ? {} : { threadsReason: message.threadsReason }),
            ...(message.bestEpoch === undefined ? {} : { bestEpoch: message.bestEpoch }),
          });
        }, reject);
      } else {
        settled = true;
        if (!given) worker.terminate();
        reject(new WorkerError(message.code as WasmlpErrorCode | undefined, `${message.name}: ${message.message}`));
      }
    };
    worker.onerror = (event) => {
      if (settled) return;
      settled = true;
      if (!given) worker.terminate();
      reject(new BackendError(`the training worker failed to start or crashed: ${event.message ?? "unknown error"}`));
    };
  });
  try {
    worker.postMessage(start, transfer);
  } catch (e) {
    settled = true;
    if (!given) worker.terminate();
    throw new BackendError(`could not send the training job to the worker: ${clip((e as Error).message, 200)}`);
  }
  return {
    done,
    stop: () => { if (!settled) worker.postMessage({ type: "stop" } satisfies ToWorker); },
    terminate: () => {
      worker.terminate();
      if (!settled) { settled = true; rejectDone(new BackendError("training worker terminated")); }
    },
  };
}

/** The buffers to transfer: flat Float64Arrays, each with a buffer of its own (one buffer cannot be transferred twice). */
function transferList(inputs: unknown, targets: unknown, validation: WorkerFitOptions["validationData"]): ArrayBuffer[] {
  const arrays: [string, unknown][] = [["inputs", inputs], ["targets", targets]];
  if (validation !== undefined) {
    if (typeof validation !== "object" || validation === null) throw new ConfigError(`trainInWorker options: validationData must be { inputs, targets } of Float64Arrays, got ${show(validation)}`);
    arrays.push(["validationData.inputs", validation.inputs], ["validationData.targets", validation.targets]);
  }
  const owners = new Map<ArrayBufferLike, string>();
  for (const [name, array] of arrays) {
    if (!(array instanceof Float64Array)) throw new ShapeError(`trainInWorker: ${name} must be a flat row-major Float64Array (its buffer is transferred to the worker), got ${show(array)}`);
    const other = owners.get(array.buffer);
    if (other !== undefined) throw new ConfigError(`trainInWorker: ${other} and ${name} share one buffer, which can be transferred to the worker only once; pass copies`);
    owners.set(array.buffer, name);
  }
  return [...owners.keys()] as ArrayBuffer[];
}

/** Whole rows, as many targets as inputs: what the worker's fit() would check, checked before the data leave. */
function checkRows(network: Network, inputs: Float64Array, targets: Float64Array, what: string): void {
  const rows = batchRows(inputs, network.inputSize, `${what} inputs`);
  const targetRows = batchRows(targets, network.outputSize, `${what} targets`);
  if (targetRows !== rows) throw new ShapeError(`trainInWorker: ${rows} ${what} input rows but ${targetRows} target rows`);
}

/** Options must cross to the worker by structured clone: a function (a schedule function, say) cannot. */
function refuseUncloneable(options: WorkerFitOptions): void {
  const visit = (value: unknown, path: string, depth: number): void => {
    if (typeof value === "function" || typeof value === "symbol") {
      const hint = path === "schedule" ? ": use a built-in schedule ({ type: 'step' | 'exponential' | 'cosine', … }), or train with fit() / fitAsync()" : "";
      throw new ConfigError(`trainInWorker options: ${path} is a ${typeof value}, which cannot be sent to a worker${hint}`);
    }
    if (typeof value !== "object" || value === null || ArrayBuffer.isView(value) || depth > 8) return;
    for (const [key, item] of Object.entries(value)) visit(item, `${path}.${key}`, depth + 1);
  };
  for (const [key, value] of Object.entries(options)) visit(value, key, 1);
}
