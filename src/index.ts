// The public API of wasmlp.
export { Network } from "./network.js";
export type { NetworkOptions, LayerOptions, BackendOptions, LayerGradients, Init, SaveOptions } from "./network.js";
export { SGD, Adam, Optimizer } from "./optimizer.js";
export type { SGDOptions, AdamOptions, OptimizerConfig, OptimizerChoice } from "./optimizer.js";
export type { FitOptions, History, EpochLog, BatchLog, EarlyStopping, Evaluation, Metric, Monitor, StopReason } from "./training/types.js";
export type { Schedule } from "./training/schedule.js";
export { Matrix } from "./matrix.js";
export type { MatrixInput } from "./matrix.js";
export { ACTIVATIONS } from "./activation.js";
export type { Activation } from "./activation.js";
export { LOSSES } from "./loss.js";
export type { Loss } from "./loss.js";
export type { ModelJSON, ModelLayerJSON, TrainingJSON } from "./io/modelJson.js";
export { BINARY_MAGIC, BINARY_VERSION } from "./io/binary.js";
export type { BackendChoice, BackendName, ThreadsOption, ThreadSpawner, ThreadHandle, ThreadStart, ThreadMessage } from "./backend/index.js";
export { setThreadSpawner } from "./backend/index.js";
export { fmaSupported, wasmSupported } from "./backend/index.js";
export {
  WasmlpError, ShapeError, NonFiniteError, DataError, ConfigError, ModelFormatError, StateError, BackendError,
  DivergenceError, WorkerError, CallbackError,
} from "./errors.js";
export type { WasmlpErrorCode } from "./errors.js";
export { trainInWorker } from "./worker/trainInWorker.js";
export { fitTable, encodeRecords, encodeTargets, inputNames } from "./table/preparation.js";
export type {
  TableOptions, TablePreparation, TableRecord, PreparedColumn, NumericColumn, CategoricalColumn, ColumnReport, FittedTable,
  EncodeOptions, EncodedRecords, RowProblem,
} from "./table/preparation.js";
export { prepareTable, predictRecords, tablePreparation } from "./table/records.js";
export type { PreparedTable, RecordPredictions } from "./table/records.js";
export type { TrainInWorkerOptions, WorkerTraining, WorkerFitOptions } from "./worker/trainInWorker.js";
