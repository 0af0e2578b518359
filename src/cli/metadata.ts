// What `wasmlp train` stores in net.metadata so that predict and evaluate can prepare new data
// exactly as the training data was prepared: column names, scaling, task and class names.
import { ModelFormatError, type Network } from "../index.js";
import { TASKS, type Scaling, type Task } from "./dataset.js";

export interface TrainingRecord {
  data: string;
  rows: number;
  trainRows: number;
  validationRows: number;
  testRows: number;
  skippedRows: number;
  seed: number;
  epochs: number;
  batchSize: number;
  optimizer: string;
  lr: number;
  stopReason: string;
  seconds: number;
  testAccuracy?: number;
  testRmse?: number;
}

export interface CliMetadata {
  producer: "wasmlp train";
  task: Task;
  target: string;
  features: string[];
  featureScaling: Scaling;
  /** Classification: the class of each output unit. */
  classes?: string[];
  /** Regression: the network predicts (y − mean) / std. */
  targetScaling?: { mean: number; std: number };
  training?: TrainingRecord;
}

/** The CLI metadata of a model, checked; a ModelFormatError when the model was not made by `wasmlp train`. */
export function cliMetadata(net: Network, path: string): CliMetadata {
  const m = net.metadata as Partial<CliMetadata>;
  const fail = (what: string): never => {
    throw new ModelFormatError(`${path}: ${what}; predict and evaluate need a model made by 'wasmlp train'`);
  };
  if (m.producer !== "wasmlp train") fail("the model has no training metadata (feature names, scaling, task)");
  const features = m.features, scaling = m.featureScaling;
  if (!Array.isArray(features) || features.length !== net.inputSize) fail(`the metadata names ${features?.length ?? 0} features but the network has ${net.inputSize} inputs`);
  if (!scaling || !numbers(scaling.mean, net.inputSize) || !numbers(scaling.std, net.inputSize)) fail("the feature scaling in the metadata is incomplete");
  if (!TASKS.includes(m.task as Task) || typeof m.target !== "string") fail("the metadata has no task or target");
  if (m.task === "classification" && (!Array.isArray(m.classes) || m.classes.length !== net.outputSize)) {
    fail(`the metadata names ${m.classes?.length ?? 0} classes but the network has ${net.outputSize} outputs`);
  }
  if (m.task === "regression" && !(typeof m.targetScaling?.mean === "number" && typeof m.targetScaling.std === "number")) {
    fail("the metadata has no target scaling");
  }
  return m as CliMetadata;
}

function numbers(value: unknown, length: number): boolean {
  return Array.isArray(value) && value.length === length && value.every((v) => typeof v === "number" && Number.isFinite(v));
}
