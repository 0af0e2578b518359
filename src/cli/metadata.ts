// What `wasmlp train` stores in net.metadata so that predict, evaluate and explain prepare new
// data exactly as the training data was prepared: the table preparation (src/table/), the task,
// the classes or the target's scaling, and a record of the training run.
import { ModelFormatError, type Network } from "../index.js";
import { inputWidth, isTablePreparation, type TablePreparation } from "../table/preparation.js";
import { TASKS, type Task } from "./dataset.js";

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

/** What `wasmlp train` writes. */
export interface StoredCliMetadata {
  producer: "wasmlp train";
  /** The preparation's task and target, repeated for people reading the file. */
  task: Task;
  target: string;
  /** How a record becomes the network's inputs (and its target the network's outputs). */
  preparation: TablePreparation;
  training?: TrainingRecord;
}

/** What predict, evaluate and explain read: the stored metadata, with the preparation's target spelled out. */
export interface CliMetadata extends StoredCliMetadata {
  /** Classification: the class of each output unit. */
  classes?: string[];
  /** Regression: the network predicts (y − mean) / std. */
  targetScaling?: { mean: number; std: number };
}

/** The metadata of models saved before the table preparation: numeric features and their scaling. */
interface LegacyMetadata {
  features?: string[];
  featureScaling?: { mean: number[]; std: number[] };
}

/** The CLI metadata of a model, checked; a ModelFormatError when the model was not made by `wasmlp train`. */
export function cliMetadata(net: Network, path: string): CliMetadata {
  const m = net.metadata as Partial<CliMetadata> & LegacyMetadata;
  const fail = (what: string): never => {
    throw new ModelFormatError(`${path}: ${what}; predict and evaluate need a model made by 'wasmlp train'`);
  };
  if (m.producer !== "wasmlp train") fail("the model has no training metadata (columns, scaling, task)");
  if (m.training !== undefined && !isTrainingRecord(m.training)) fail("the record of the training run in the metadata is malformed");
  const preparation = m.preparation ?? legacyPreparation(m, net, fail);
  if (!isTablePreparation(preparation)) fail("the table preparation in the metadata is incomplete");
  if (inputWidth(preparation) !== net.inputSize) fail(`the table preparation makes ${inputWidth(preparation)} inputs but the network has ${net.inputSize}`);
  // The task, target, classes and target scaling are the preparation's (older models also kept copies).
  const { task, name: target, classes, scaling: targetScaling } = preparation.target;
  if ((classes?.length ?? 1) !== net.outputSize) fail(`the metadata names ${classes?.length ?? 0} classes but the network has ${net.outputSize} outputs`);
  return { ...(m as CliMetadata), preparation, task, target, ...(classes ? { classes } : { targetScaling: targetScaling! }) };
}

/** A preparation equivalent to the old metadata: every feature numeric and standardised; a blank cell (which those models never saw) takes the mean, with a warning. */
function legacyPreparation(m: Partial<CliMetadata> & LegacyMetadata, net: Network, fail: (what: string) => never): TablePreparation {
  const { features, featureScaling: s } = m;
  if (!TASKS.includes(m.task as Task) || typeof m.target !== "string") fail("the metadata has no task or target");
  if (m.task === "classification" && !(Array.isArray(m.classes) && m.classes.every((c) => typeof c === "string"))) fail("the metadata has no classes");
  if (m.task === "regression" && !(Number.isFinite(m.targetScaling?.mean) && (m.targetScaling?.std ?? 0) > 0)) fail("the metadata has no target scaling");
  if (!Array.isArray(features) || features.length !== net.inputSize) fail(`the metadata names ${features?.length ?? 0} features but the network has ${net.inputSize} inputs`);
  if (!s || !numbers(s.mean, net.inputSize) || !numbers(s.std, net.inputSize)) fail("the feature scaling in the metadata is incomplete");
  return {
    format: "wasmlp-table", version: 1,
    columns: features!.map((name, i) => ({ name, kind: "numeric", mean: s!.mean[i]!, std: s!.std[i]!, fill: s!.mean[i]!, missingIndicator: false })),
    target: m.task === "classification" ? { name: m.target!, task: "classification", classes: m.classes! } : { name: m.target!, task: "regression", scaling: m.targetScaling! },
  };
}

/** The record `train` writes, field by field (inspect prints every one of them). */
function isTrainingRecord(value: unknown): value is TrainingRecord {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const r = value as Record<string, unknown>;
  const finite = (v: unknown) => typeof v === "number" && Number.isFinite(v);
  return ["data", "optimizer", "stopReason"].every((k) => typeof r[k] === "string") &&
    ["rows", "trainRows", "validationRows", "testRows", "skippedRows", "seed", "epochs", "batchSize", "lr", "seconds"].every((k) => finite(r[k])) &&
    ["testAccuracy", "testRmse"].every((k) => r[k] === undefined || finite(r[k]));
}

function numbers(value: unknown, length: number): boolean {
  return Array.isArray(value) && value.length === length && value.every((v) => typeof v === "number" && Number.isFinite(v));
}
