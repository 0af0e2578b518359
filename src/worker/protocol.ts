// Messages between trainInWorker() and the worker. Only structured-cloneable data crosses: the
// model travels as a checkpoint (JSON), the data as Float64Arrays whose buffers are transferred.
import type { BackendChoice, ThreadsOption } from "../backend/index.js";
import type { ModelJSON } from "../io/modelJson.js";
import type { EpochLog, FitOptions, StopReason } from "../training/types.js";

/** The fit() options that can cross a thread: plain data only (callbacks stay on the page). */
export type WorkerFitOptions = Omit<FitOptions, "optimizer" | "onEpochEnd" | "onBatchEnd" | "signal" | "schedule" | "validationData"> & {
  optimizer?: Exclude<FitOptions["optimizer"], object & { step(): void }>;
  schedule?: Exclude<FitOptions["schedule"], (...args: never[]) => unknown>;
  validationData?: { inputs: Float64Array; targets: Float64Array };
};

export interface StartMessage {
  type: "start";
  /** A checkpoint (toJSON({ optimizer })) or a plain model. */
  model: ModelJSON;
  inputs: Float64Array;
  targets: Float64Array;
  options: WorkerFitOptions;
  backend: BackendChoice;
  threads: ThreadsOption;
  /** Send the parameters every this many epochs (0: never), for live views of the network. */
  snapshotEvery: number;
}

export interface StopMessage {
  type: "stop";
}

export type ToWorker = StartMessage | StopMessage;

export type FromWorker =
  | { type: "epoch"; log: EpochLog }
  /** Every parameter in plan order (W¹ b¹ W² b² …), its buffer transferred. */
  | { type: "snapshot"; epoch: number; parameters: Float64Array }
  | { type: "done"; checkpoint: ModelJSON; epochs: EpochLog[]; stopReason: StopReason; bestEpoch?: number; backend: string; threads: number; threadsReason?: string }
  | { type: "error"; name: string; code?: string; message: string };
